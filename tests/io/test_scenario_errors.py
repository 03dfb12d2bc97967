"""Malformed scenario files: every kind gets a clear error naming file, line, field, found and expected."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.errors import InputError, Problem
from accord.io import load_scenario, template_path

TEMPLATE = template_path().read_text(encoding="utf-8")


def problems_for(tmp_path: Path, text: str | bytes) -> list[Problem]:
    path = tmp_path / "broken.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    for problem in caught.value.problems:
        assert problem.file == str(path)
    return caught.value.problems


def edit(old: str, new: str) -> tuple[str, int]:
    """The template with one edit, and the line the edit is on."""
    assert TEMPLATE.count(old) == 1, old
    line = TEMPLATE[: TEMPLATE.index(old)].count("\n") + 1
    return TEMPLATE.replace(old, new), line


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def test_template_is_valid() -> None:
    assert load_scenario(template_path()).id == "river-basin-talks"


def test_unknown_actor_referenced(tmp_path: Path) -> None:
    text, line = edit("observed: upstream", "observed: upstraem")
    problem = only(problems_for(tmp_path, text))
    assert problem.line == line
    assert problem.field == "perceptions[0].observed"
    assert problem.found == "'upstraem'"
    assert "upstream" in (problem.expected or "")
    assert "unknown actor" in problem.message


def test_salience_out_of_range(tmp_path: Path) -> None:
    text, line = edit("needs it, range: [0.8, 1.0]}", "needs it}")
    text = text.replace("salience: {value: 0.9,", "salience: {value: 1.9,")
    problem = only(problems_for(tmp_path, text))
    assert problem.line == line
    assert problem.field == "positions[1].salience.value"
    assert problem.found == "1.9"
    assert problem.expected == "a value from 0 to 1"


def test_duplicate_id(tmp_path: Path) -> None:
    text, line = edit("- id: downstream\n", "- id: upstream\n")
    problems = problems_for(tmp_path, text)
    duplicate = next(p for p in problems if "duplicate id" in p.message)
    assert duplicate.line == line
    assert duplicate.field == "actors[1].id"
    assert duplicate.found == "'upstream'"


def test_value_outside_scale(tmp_path: Path) -> None:
    text, line = edit("value: {value: 80, kind: declared", "value: {value: 180, kind: declared")
    problem = only(problems_for(tmp_path, text))
    assert (problem.line, problem.field) == (line, "positions[1].value.value")
    assert problem.expected == "a value from 0 to 100"


def test_range_outside_scale(tmp_path: Path) -> None:
    text, line = edit("range: [0.8, 1.0]", "range: [0.8, 1.2]")
    problem = only(problems_for(tmp_path, text))
    assert (problem.line, problem.field) == (line, "positions[1].salience.range")


def test_range_must_contain_value(tmp_path: Path) -> None:
    text, line = edit("range: [45, 75]", "range: [65, 75]")
    problem = only(problems_for(tmp_path, text))
    assert problem.line == line
    assert "must contain the value" in problem.message


def test_bad_yaml(tmp_path: Path) -> None:
    text, line = edit("  - id: downstream\n    name: Downstream State\n", "  - id: downstream\n   name: [Downstream\n")
    problem = only(problems_for(tmp_path, text))
    assert problem.message.startswith("not valid YAML")
    assert problem.line is not None and line <= problem.line <= line + 3


def test_wrong_type(tmp_path: Path) -> None:
    text, line = edit("paragraphs: 12", "paragraphs: twelve")
    problem = only(problems_for(tmp_path, text))
    assert (problem.line, problem.field, problem.found, problem.expected) == (
        line,
        "sources[0].paragraphs",
        "'twelve'",
        "a whole number",
    )


def test_bare_number_without_provenance(tmp_path: Path) -> None:
    text, line = edit('value: {value: 30, kind: declared, source: "memo#¶5"}', "value: 30")
    problem = only(problems_for(tmp_path, text))
    assert problem.line == line
    assert "needs its provenance" in problem.message


def test_estimate_without_rationale(tmp_path: Path) -> None:
    text, line = edit("rationale: controls the dams and most of the flow, ", "")
    problem = only(problems_for(tmp_path, text))
    assert problem.line == line
    assert "needs a rationale" in problem.message


def test_repeated_rationale(tmp_path: Path) -> None:
    text, line = edit(
        "rationale: larger population but no upstream leverage",
        "rationale: controls the dams and most of the flow",
    )
    problem = only(problems_for(tmp_path, text))
    assert problem.line == line
    assert problem.field == "actors[1].capability.rationale"
    assert "repeated" in problem.message


def test_unknown_source_and_paragraph_beyond_end(tmp_path: Path) -> None:
    text, _ = edit('source: "memo#¶5"', 'source: "memmo#¶5"')
    problem = only(problems_for(tmp_path, text))
    assert "unknown source" in problem.message
    text, _ = edit('source: "memo#¶6"', 'source: "memo#¶60"')
    problem = only(problems_for(tmp_path, text))
    assert problem.found == "¶60"
    assert problem.expected == "a paragraph from ¶1 to ¶12"
    text, _ = edit('source: "memo#¶6"', 'source: "memo#6"')
    assert "not a source reference" in only(problems_for(tmp_path, text)).message


def test_missing_and_unknown_fields(tmp_path: Path) -> None:
    text, line = edit("    name: Upstream State\n", "    nmae: Upstream State\n")
    problems = problems_for(tmp_path, text)
    assert {p.field for p in problems} == {"actors[0].name", "actors[0].nmae"}
    assert all(p.line in (line - 1, line) for p in problems)


def test_duplicate_key(tmp_path: Path) -> None:
    text, line = edit("    kind: state                      #", "    kind: state\n    kind: bloc #")
    problem = only(problems_for(tmp_path, text))
    assert problem.line == line + 1
    assert "given twice" in problem.message


def test_empty_file(tmp_path: Path) -> None:
    for text in ("", "   \n\n"):
        assert only(problems_for(tmp_path, text)).message == "the file is empty"


def test_comments_only_and_wrong_top_level(tmp_path: Path) -> None:
    assert "mapping of sections" in only(problems_for(tmp_path, "# nothing here\n")).message
    assert "mapping of sections" in only(problems_for(tmp_path, "- a\n- b\n")).message


def test_binary_and_non_utf8(tmp_path: Path) -> None:
    assert "binary" in only(problems_for(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00")).message
    problem = only(problems_for(tmp_path, "id: caf\xe9\n".encode("latin-1")))
    assert problem.message == "not UTF-8 text"
    assert problem.line == 1


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_scenario(tmp_path / "absent.yaml")


def test_every_problem_reported_at_once(tmp_path: Path) -> None:
    """A structural problem does not hide the cross-reference problems of the other records."""
    text, _ = edit("paragraphs: 12", "paragraphs: twelve")
    text = text.replace("observed: upstream", "observed: nobody").replace("range: [0.8, 1.0]", "range: [0.8, 1.4]")
    messages = {p.field: p.message for p in problems_for(tmp_path, text)}
    assert set(messages) == {"sources[0].paragraphs", "perceptions[0].observed", "positions[1].salience.range"}


def test_problem_text_names_everything(tmp_path: Path) -> None:
    text, line = edit("observed: upstream", "observed: upstraem")
    shown = str(only(problems_for(tmp_path, text)))
    assert shown.startswith(f"{tmp_path / 'broken.yaml'}:{line}: perceptions[0].observed: unknown actor")
    assert "found 'upstraem'" in shown and "expected one of: downstream, upstream" in shown


MUTATIONS = st.one_of(
    st.tuples(st.just("delete"), st.integers(0, len(TEMPLATE)), st.integers(1, 40)),
    st.tuples(st.just("insert"), st.integers(0, len(TEMPLATE)), st.text(min_size=1, max_size=12)),
    st.tuples(st.just("truncate"), st.integers(0, len(TEMPLATE)), st.just(0)),
    st.tuples(st.just("swap-lines"), st.integers(0, 200), st.integers(0, 200)),
)


def mutate(text: str, mutation: tuple[str, int, object]) -> str:
    kind, at, arg = mutation
    if kind == "delete":
        return text[:at] + text[at + int(str(arg)) :]
    if kind == "insert":
        return text[:at] + str(arg) + text[at:]
    if kind == "truncate":
        return text[:at]
    lines = text.splitlines(keepends=True)
    if not lines:
        return text
    i, j = at % len(lines), int(str(arg)) % len(lines)
    lines[i], lines[j] = lines[j], lines[i]
    return "".join(lines)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(MUTATIONS, min_size=1, max_size=3))
def test_generated_malformed_files_never_give_a_traceback(
    tmp_path: Path, mutations: list[tuple[str, int, object]]
) -> None:
    text = TEMPLATE
    for mutation in mutations:
        text = mutate(text, mutation)
    path = tmp_path / "fuzzed.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_scenario(path)
    except InputError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.file == str(path)
            assert problem.message
            assert problem.line is None or problem.line >= 1


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300))
def test_random_bytes_never_give_a_traceback(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "noise.yaml"
    path.write_bytes(data)
    with pytest.raises(InputError):
        load_scenario(path)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.recursive(
        st.none() | st.booleans() | st.floats(allow_nan=False) | st.text(max_size=8) | st.integers(),
        lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
        max_leaves=12,
    )
)
def test_any_yaml_value_in_a_section_gives_a_clear_error(tmp_path: Path, value: object) -> None:
    data = yaml.safe_load(TEMPLATE)
    data["positions"][0]["salience"] = value
    path = tmp_path / "typed.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    assert any(p.field.startswith("positions[0].salience") for p in caught.value.problems)
