"""KTAB's CSV and XML inputs: reading the shared examples, and clear errors for broken files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.engines.bargaining.spatial import SpatialModel
from accord.errors import InputError
from accord.io.ktab import read_ktab, read_ktab_csv, read_ktab_xml

Shared = Callable[[str], Path]
KTAB = "data/bargaining/ktab/"

CSV = """Tiny,"A small test, with a comma",3,2,
Actor,Description,Power,P1,S1,P2,S2,
A, first , 10.5, 20, 30, 40, 50,
B, second, 20, 80, 40.5, 60, 10,
C, third, 30, 50, 25, 0, 75,
"""

XML = """<?xml version="1.0" encoding="UTF-8"?>
<Scenario>
  <name>Tiny</name>
  <desc>Small</desc>
  <prngSeed>0123</prngSeed>
  <ModelParameters>
    <VictoryProbModel>Square</VictoryProbModel>
    <PCEModel>MarkovUniform</PCEModel>
    <StateTransitions>Deterministic</StateTransitions>
    <VotingRule>Proportional</VotingRule>
    <BigRAdjust>Half</BigRAdjust>
    <BigRRange>Max</BigRRange>
    <ThirdPartyCommit>FullCommit</ThirdPartyCommit>
    <InterVecBrgn>S1P1</InterVecBrgn>
    <BargnModel>PWCompInterp</BargnModel>
  </ModelParameters>
  <Dimensions><dName>P1</dName><dName>P2</dName></Dimensions>
  <Actors>
    <Actor><name>A</name><description>first</description><capability>10.5</capability>
      <Position><dCoord>20</dCoord><dCoord>40</dCoord></Position>
      <Salience><dSal>30</dSal><dSal>50</dSal></Salience></Actor>
    <Actor><name>B</name><description>second</description><capability>20</capability>
      <Position><dCoord>80</dCoord><dCoord>60</dCoord></Position>
      <Salience><dSal>40.5</dSal><dSal>10</dSal></Salience></Actor>
    <Actor><name>C</name><description>third</description><capability>30</capability>
      <Position><dCoord>50</dCoord><dCoord>0</dCoord></Position>
      <Salience><dSal>25</dSal><dSal>75</dSal></Salience></Actor>
  </Actors>
  <IdealAdjustment>
    <iaPair><adjustingIdeal>A</adjustingIdeal><referencePos>B</referencePos><adjust>0.25</adjust></iaPair>
    <iaPair><adjustingIdeal>A</adjustingIdeal><referencePos>A</referencePos><adjust>0.5</adjust></iaPair>
  </IdealAdjustment>
</Scenario>
"""


def write(tmp_path: Path, text: str, name: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def errors(path: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        read_ktab(path)
    return caught.value


# ---------------------------------------------------------------- reading


def test_reads_csv(tmp_path: Path) -> None:
    scenario = read_ktab(write(tmp_path, CSV, "tiny.csv"))
    p = scenario.problem
    assert scenario.name == "Tiny" and scenario.description == "A small test, with a comma"
    assert p.actors == ("A", "B", "C") and p.issues == ("P1", "P2")
    assert scenario.descriptions == ("first", "second", "third")
    np.testing.assert_array_equal(p.positions, [[20, 40], [80, 60], [50, 0]])
    np.testing.assert_allclose(p.salience, [[0.3, 0.5], [0.405, 0.1], [0.25, 0.75]])
    np.testing.assert_array_equal(p.capability[:, 0], [10.5, 20, 30])
    assert np.all(p.low == 0.0) and np.all(p.high == 100.0) and p.source.endswith("tiny.csv")
    assert scenario.parameters == {}


def test_reads_xml_with_parameters_seed_and_ideal_adjustment(tmp_path: Path) -> None:
    scenario = read_ktab(write(tmp_path, XML, "tiny.xml"))
    csv = read_ktab(write(tmp_path, CSV, "tiny.csv"))
    for name in ("positions", "salience", "capability"):
        np.testing.assert_array_equal(getattr(scenario.problem, name), getattr(csv.problem, name))
    params = dict(scenario.parameters)
    adjustment = params.pop("ideal_adjustment")
    np.testing.assert_array_equal(adjustment, [[0.5, 0.25, 0], [0, 1, 0], [0, 0, 1]])
    assert params == {
        "seed": 123,
        "victory_prob_model": "Square",
        "pce_model": "MarkovUniform",
        "state_transitions": "Deterministic",
        "voting_rule": "Proportional",
        "big_r_adjust": "Half",
        "big_r_range": "Max",
        "third_party_commit": "FullCommit",
        "inter_vec_brgn": "S1P1",
        "bargn_model": "PWCompInterp",
    }
    model = SpatialModel(**scenario.parameters).fit(scenario.problem)  # the parameters are the model's keywords
    assert model.options().voting_rule == "Prop"


@pytest.mark.shared
@pytest.mark.parametrize(
    ("name", "actors", "dims"),
    [("dummyData_3Dim.csv", 7, 3), ("dummyData_6Dim.csv", 27, 6), ("SOE-Pol-Comp.csv", 13, 2),
     ("SOE-Policy.csv", 26, 1), ("SOE-Competitive.csv", 34, 1), ("dummyData-a040.csv", 40, 1),
     ("dummyData-a080.csv", 80, 1), ("dummyData-a160.csv", 160, 1), ("dummyData_3Dim.xml", 7, 3)],
)  # fmt: skip
def test_reads_the_shared_examples(shared: Shared, name: str, actors: int, dims: int) -> None:
    problem = read_ktab(shared(KTAB + name)).problem
    assert (problem.n_actors, problem.n_issues) == (actors, dims)
    assert np.all(problem.salience.sum(axis=1) <= 1 + 1e-12)


@pytest.mark.shared
def test_csv_and_xml_of_the_same_scenario_agree(shared: Shared) -> None:
    a = read_ktab(shared(KTAB + "dummyData_3Dim.csv")).problem
    b = read_ktab(shared(KTAB + "dummyData_3Dim.xml")).problem
    assert a.actors == b.actors and a.issues == b.issues
    for name in ("positions", "salience", "capability"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))


@pytest.mark.shared
def test_stored_smp_example_is_rejected_with_a_clear_error(shared: Shared) -> None:
    """A later upstream change left one <dCoord> empty: name the file, the line and the element."""
    path = shared(KTAB + "smpExample.xml")
    problem = errors(path).problems[0]
    assert problem.file == str(path) and problem.line == 32
    assert problem.field == "Actors.Actor[0].Position.dCoord[0]"
    assert "empty <dCoord>" in problem.message and "Alice" in problem.message
    assert problem.expected == "a number from 0 to 100"


@pytest.mark.shared
def test_repaired_smp_example_states_its_parameters(shared: Shared, tmp_path: Path) -> None:
    text = shared(KTAB + "smpExample.xml").read_text(encoding="utf-8-sig")
    scenario = read_ktab(write(tmp_path, text.replace("<dCoord></dCoord>", "<dCoord>52.8</dCoord>"), "smp.xml"))
    params = scenario.parameters
    assert params["seed"] == 3507583219545544127
    assert (params["pce_model"], params["state_transitions"], params["voting_rule"]) == (
        "MarkovIncentive",
        "Stochastic",
        "PropCbc",
    )
    adjustment = params["ideal_adjustment"]
    assert adjustment[1, 0] == 0.07 and adjustment[1, 1] == 0.75 and adjustment[4, 4] == 1.0
    assert scenario.problem.positions[0, 0] == 52.8


# ---------------------------------------------------------------- errors, case by case


CSV_CASES = [
    ("Tiny,x,three,2\n" + CSV.split("\n", 1)[1], 1, "nActors is not a whole number", "'three'"),
    ("Tiny,x,3\n" + CSV.split("\n", 1)[1], 1, "too few fields", None),
    ("Tiny,x,3,0\n" + CSV.split("\n", 1)[1], 1, "nDims is 0", "'0'"),
    (CSV.replace("Actor,Description,Power,P1,S1,P2,S2,", "Actor,Description,Power,P1,S1"), 2, "column headers", None),
    (CSV.replace(" 10.5,", " lots,"), 3, "Power is not a number", "'lots'"),
    (CSV.replace(" 80, 40.5", " 180, 40.5"), 4, "P1 is out of range", "'180'"),
    (CSV.replace(" 25, 0, 75", " 25, 0, -5"), 5, "S2 is out of range", "'-5'"),
    (CSV.replace("C, third, 30, 50, 25, 0, 75", "C, third, 30, 50, 55, 0, 75"), 5, "sum to more than 100", "130"),
    (CSV.replace("C, third", "A, third"), 5, "appears twice", "'A'"),
    (CSV.replace(" 60, 10,", " 60,"), 4, "actor row has 6 fields", None),
    (CSV.rsplit("C,", 1)[0], 4, "the file ends early", None),
    (CSV + "D, extra, 1, 1, 1, 1, 1\n", 6, "more actor rows than nActors", None),
    (CSV.split("\n", 1)[0] + "\n", 1, "the file ends early", None),
    (CSV.rstrip("\n"), 5, "no line break", None),
]


@pytest.mark.parametrize(("text", "line", "message", "found"), CSV_CASES)
def test_csv_errors_name_file_line_and_field(
    tmp_path: Path, text: str, line: int, message: str, found: str | None
) -> None:
    path = write(tmp_path, text, "broken.csv")
    problem = errors(path).problems[0]
    assert problem.file == str(path) and problem.line == line
    assert message in problem.message
    if found is not None:
        assert problem.found == found
    assert problem.expected


XML_CASES = [
    # (text, a string on the line the problem must be placed on, message, found)
    (XML.replace("</Actors>", ""), "</Scenario>", "not well-formed XML", None),
    (XML.replace("<Scenario>", "<Scene>").replace("</Scenario>", "</Scene>"), "<Scene>", "root element", None),
    (XML.replace("<VotingRule>Proportional", "<VotingRule>Majority"), "Majority", "unknown VotingRule", "'Majority'"),
    (XML.replace("<prngSeed>0123", "<prngSeed>-1"), "<prngSeed>", "prngSeed", "'-1'"),
    (XML.replace("<BigRRange>Max</BigRRange>", ""), "<ModelParameters>", "missing element <BigRRange>", None),
    (XML.replace("<dCoord>60</dCoord>", ""), "<dCoord>80", "<Position> of B has the wrong length", None),
    (XML.replace("<capability>20<", "<capability>0<"), "<capability>0<", "<capability> of B is out of range", "'0'"),
    (XML.replace("<dSal>10</dSal>", "<dSal>70</dSal>"), "<name>B", "saliences of B sum to more", "110.5"),
    (XML.replace("<dSal>75</dSal>", "<dSal>x</dSal>"), "<dSal>x", "is not a number", "'x'"),
    (XML.replace("<name>C</name>", "<name>A</name>"), "third", "appears twice", "'A'"),
    (XML.replace("<referencePos>B</", "<referencePos>Z</"), "<referencePos>Z", "unknown actor", "'Z'"),
    (XML.replace("<adjust>0.5</adjust>", "<adjust>0.9</adjust>"), "<IdealAdjustment>", "sum to more than 1", "1.15"),
    (XML.replace("<adjust>0.25</adjust>", "<adjust>1.5</adjust>"), "<adjust>1.5", "<adjust> is out of range", "'1.5'"),
    (XML.replace("<Dimensions><dName>P1</dName><dName>P2</dName></Dimensions>", ""), "<Scenario>", "missing", None),
    (XML.replace("<dName>P2</dName>", "<dName></dName>"), "<Dimensions>", "empty <dName>", None),
]


@pytest.mark.parametrize(("text", "marker", "message", "found"), XML_CASES)
def test_xml_errors_name_file_line_and_field(
    tmp_path: Path, text: str, marker: str, message: str, found: str | None
) -> None:
    path = write(tmp_path, text, "broken.xml")
    problem = errors(path).problems[0]
    assert problem.file == str(path)
    assert problem.line == text[: text.index(marker)].count("\n") + 1, str(problem)
    assert message in problem.message, str(problem)
    if found is not None:
        assert problem.found == found
    if "well-formed" not in message and marker not in ("<Scene>", "<Scenario>"):
        assert problem.loc, str(problem)  # placed at an element below the root


def test_xml_entity_declarations_are_refused(tmp_path: Path) -> None:
    """No entity expansion (billion laughs) and no external entities."""
    bomb = '<?xml version="1.0"?>\n<!DOCTYPE S [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n<Scenario/>\n'
    problem = errors(write(tmp_path, bomb, "bomb.xml")).problems[0]
    assert "entity declarations are not accepted" in problem.message and problem.line == 2
    external = '<?xml version="1.0"?>\n<!DOCTYPE S [<!ENTITY e SYSTEM "/etc/passwd">]>\n<Scenario>&e;</Scenario>\n'
    assert "entity" in errors(write(tmp_path, external, "ext.xml")).problems[0].message


def test_missing_empty_and_binary_files(tmp_path: Path) -> None:
    assert "no such file" in errors(tmp_path / "absent.csv").problems[0].message
    assert "empty" in errors(write(tmp_path, "  \n", "empty.xml")).problems[0].message
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"a,b\x00,c")
    assert "binary" in errors(binary).problems[0].message


def test_format_told_by_content_without_extension(tmp_path: Path) -> None:
    assert read_ktab(write(tmp_path, XML, "scenario")).problem.n_actors == 3
    assert read_ktab(write(tmp_path, CSV, "table")).problem.n_actors == 3


# ---------------------------------------------------------------- property: corrupted inputs


def _check_outcome(path: Path, reader: Callable[[Path], object]) -> None:
    """A corrupted file either reads as a valid problem, or fails with located problems; never anything else."""
    try:
        scenario = reader(path)
    except InputError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.file == str(path)
            assert problem.line is not None and problem.line >= 1
            assert problem.message
        return
    problem = scenario.problem  # type: ignore[attr-defined]
    assert np.all((problem.positions >= 0) & (problem.positions <= 100))
    assert np.all(problem.salience.sum(axis=1) <= 1 + 1e-9) and np.all(problem.capability >= 0)


corruptions = st.one_of(
    st.tuples(st.just("truncate"), st.integers(0, 10_000), st.text(max_size=0)),
    st.tuples(st.just("replace"), st.integers(0, 10_000), st.text(min_size=1, max_size=3)),
    st.tuples(
        st.just("insert"), st.integers(0, 10_000), st.sampled_from([",", "<", ">", "\n", "-", "e9", "&", "\x00"])
    ),
    st.tuples(st.just("drop-line"), st.integers(0, 10_000), st.text(max_size=0)),
)


def corrupt(text: str, how: tuple[str, int, str]) -> str:
    kind, where, what = how
    at = where % max(1, len(text))
    if kind == "truncate":
        return text[:at]
    if kind == "replace":
        return text[:at] + what + text[at + len(what) :]
    if kind == "insert":
        return text[:at] + what + text[at:]
    lines = text.splitlines(keepends=True)
    del lines[where % len(lines)]
    return "".join(lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(how=corruptions)
def test_corrupted_csv_never_escapes_as_a_traceback(tmp_path: Path, how: tuple[str, int, str]) -> None:
    path = tmp_path / "corrupt.csv"
    path.write_bytes(corrupt(CSV, how).encode("utf-8", "surrogatepass"))
    _check_outcome(path, read_ktab_csv)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(how=corruptions)
def test_corrupted_xml_never_escapes_as_a_traceback(tmp_path: Path, how: tuple[str, int, str]) -> None:
    path = tmp_path / "corrupt.xml"
    path.write_bytes(corrupt(XML, how).encode("utf-8", "surrogatepass"))
    _check_outcome(path, read_ktab_xml)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(1, len(CSV) - 1))
def test_truncated_csv_is_always_an_error(tmp_path: Path, cut: int) -> None:
    """Even a cut inside the last number ("75" -> "7"), which would otherwise read as valid data."""
    error = errors(write(tmp_path, CSV[:cut], "cut.csv"))
    assert error.problems[0].line is not None


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(1, XML.rindex("</Scenario>")))
def test_truncated_xml_is_always_an_error(tmp_path: Path, cut: int) -> None:
    error = errors(write(tmp_path, XML[:cut], "cut.xml"))
    assert error.problems[0].line is not None
