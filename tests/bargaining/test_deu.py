"""The DEU III reader: the dev half as distributed, and clear errors for damaged files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.errors import InputError
from accord.io.deu import ACTORS, DeuIssue, parse_deu, read_deu

DEV = "data/bargaining/deu3/deu3-dev.csv"
META = ["prnrnmc", "isnrnmc", "prnr", "prname", "isnr", "type", "council", "proc", "counvte"]
HEADER = [*META, *(f"p{a}" for a in ACTORS), *(f"s{a}" for a in ACTORS), "rp", "out"]


def row(
    proposal: str, issue: str, positions: dict[str, str], saliences: dict[str, str], rp: str, out: str
) -> list[str]:
    cells = [proposal, "1", issue, "x", issue, "Reg", "General", "COD", "QMV"]
    cells += [positions.get(a, "") for a in ACTORS] + [saliences.get(a, "") for a in ACTORS]
    return [*cells, rp, out]


def table(rows: list[list[str]], gdp: bool = True) -> str:
    lines = [HEADER]
    if gdp:
        lines.append([""] * len(META) + [str(1 + k / 10) for k in range(len(ACTORS))] + [""] * (len(ACTORS) + 2))
    lines += rows
    return "".join("\t".join(cells) + "\n" for cells in lines)


SMALL = table(
    [
        row("1", "a1", {"com": "100", "ep": "0", "de": "50"}, {"com": "50", "ep": "100", "de": "20"}, "0", "80"),
        row("1", "a2", {"com": "20", "fr": "40", "it": "60", "uk": "10"}, {"com": "10", "fr": "90"}, "", "35"),
        row("3", "b1", {"at": "0", "be": "100"}, {"at": "50", "be": "50"}, "50", ""),
        row("3", "b2", {"dk": "0", "fi": "30", "se": "70"}, {"dk": "40", "fi": "40", "se": "40"}, "10", "NA"),
    ]
)


def test_dev_half_as_distributed(shared: Callable[[str], Path]) -> None:
    data = read_deu(shared(DEV))
    assert len(data.issues) == 188
    assert len(data.usable()) == 180
    first = data.issues[0]
    assert (first.issue, first.proposal, first.line, first.outcome, first.status_quo) == (
        "d00032i1",
        "1",
        3,
        100.0,
        0.0,
    )
    assert first.problem is not None
    assert first.problem.actors[:4] == ("com", "ep", "at", "be")
    assert first.problem.positions[0, 0] == 100.0 and first.problem.salience[0, 0] == 0.5
    assert np.all(first.problem.capability == 1.0)
    assert (first.procedure, first.council_vote) == ("COD", "QMV")
    assert data.gdp is not None and data.gdp["de"] == 4.1
    assert sum(len(i.missing_salience) for i in data.issues) == 17
    assert len({i.proposal for i in data.usable()}) == 68


def test_gdp_capability(shared: Callable[[str], Path]) -> None:
    data = read_deu(shared(DEV), capability="gdp")
    problem = data.issues[0].problem
    assert problem is not None
    caps = dict(zip(problem.actors, problem.capability[:, 0], strict=True))
    assert caps["de"] == 4.1 and caps["fr"] == 2.8 and caps["lu"] == 0.08


def test_small_table() -> None:
    data = parse_deu(SMALL, file="small.tsv", capability="gdp")
    assert [i.issue for i in data.issues] == ["a1", "a2", "b1", "b2"]
    assert [i.line for i in data.issues] == [3, 4, 5, 6]
    a2 = data.issues[1]
    assert a2.missing_salience == ("it", "uk")
    assert a2.problem is not None and a2.problem.status_quo is None
    assert list(a2.problem.salience[:, 0]) == [0.1, 0.9, 0.0, 0.0]
    assert data.issues[2].outcome is None and data.issues[3].outcome is None  # empty and "NA"
    assert [i.issue for i in data.usable()] == ["a1", "a2"]
    assert [c.id for c in data.cases()] == ["a1", "a2"]
    assert data.issues[0].problem is not None
    assert list(data.issues[0].problem.capability[:, 0]) == [1.0, 1.1, 2.2]


def _problem(text: str, capability: str = "none") -> str:
    with pytest.raises(InputError) as info:
        parse_deu(text, file="bad.tsv", capability=capability)  # type: ignore[arg-type]
    return str(info.value)


def test_errors_name_file_line_and_column() -> None:
    assert "bad.tsv:4: column 'pfr': position of fr is not a number (found '4O'" in _problem(
        SMALL.replace("\t40\t", "\t4O\t")
    )
    assert "bad.tsv:3: column 'sde': salience of de is off the scale (found 200" in _problem(
        SMALL.replace("\t20\t", "\t200\t", 1)
    )
    assert "column 'out': outcome is not a number (found '8O0'" in _problem(SMALL.replace("\t80\n", "\t8O0\n"))
    assert "bad.tsv:1: missing column 'rp'" in _problem(SMALL.replace("\trp\t", "\trq\t"))
    lines = SMALL.split("\n")
    lines[4] = lines[4].replace("\tReg\t", "\t")
    assert "bad.tsv:5: wrong number of cells in the row (truncated or a cell deleted?) (found 70; expected 71" in (
        _problem("\n".join(lines))
    )
    assert "no line end: the file may be truncated" in _problem(SMALL[:-1])
    assert "no GDP row" in _problem(table([row("1", "a", {"com": "1"}, {}, "", "2")], gdp=False), capability="gdp")
    assert "prnrnmc" in _problem(SMALL.replace("\n3\t1\tb1", "\nx3\t1\tb1"))
    assert "no issues" in _problem(table([]))
    assert "empty" in _problem("")


def test_file_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_deu(tmp_path / "missing.csv")
    (tmp_path / "latin.csv").write_bytes(SMALL.replace("x", "\xe9").encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        read_deu(tmp_path / "latin.csv")


def _numeric_cells(text: str) -> list[tuple[int, int]]:
    lines = text.split("\n")
    numeric = {k for k, name in enumerate(HEADER) if (name[0] in "ps" and name[1:] in ACTORS) or name in ("rp", "out")}
    numeric.add(0)
    return [(i, k) for i in range(2, len(lines) - 1) for k, cell in enumerate(lines[i].split("\t")) if k in numeric]


@settings(max_examples=150, deadline=None)
@given(cut=st.integers(min_value=0, max_value=len(SMALL) - 1))
def test_truncated_files_fail_or_read_a_prefix(cut: int) -> None:
    """A file cut anywhere is either refused, or (cut at a line end) read as the issues before the cut."""
    whole = parse_deu(SMALL)
    try:
        part = parse_deu(SMALL[:cut])
    except InputError as error:
        assert error.problems and all(p.file == "<text>" for p in error.problems)
        return
    assert SMALL[:cut].endswith("\n")
    assert [_summary(i) for i in part.issues] == [_summary(i) for i in whole.issues[: len(part.issues)]]


def _summary(issue: DeuIssue) -> tuple[object, ...]:
    arrays = () if issue.problem is None else (issue.problem.actors, issue.problem.positions.tolist())
    sal = () if issue.problem is None else (issue.problem.salience.tolist(), issue.problem.capability.tolist())
    return (issue.issue, issue.proposal, issue.line, issue.outcome, issue.status_quo, *arrays, *sal)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_a_deleted_cell_is_refused_at_its_line(data: st.DataObject) -> None:
    lines = SMALL.split("\n")
    i = data.draw(st.integers(min_value=0, max_value=len(lines) - 2))
    cells = lines[i].split("\t")
    del cells[data.draw(st.integers(min_value=0, max_value=len(cells) - 1))]
    lines[i] = "\t".join(cells)
    with pytest.raises(InputError) as info:
        parse_deu("\n".join(lines))
    assert i == 0 or any(p.line == i + 1 for p in info.value.problems)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), junk=st.sampled_from(["O", "x", ",5", "..", "-", "5 5", "nan", "inf", "%", "1-"]))
def test_a_garbled_number_is_refused_naming_its_column(data: st.DataObject, junk: str) -> None:
    lines = SMALL.split("\n")
    i, k = data.draw(st.sampled_from(_numeric_cells(SMALL)))
    cells = lines[i].split("\t")
    where = data.draw(st.integers(min_value=0, max_value=len(cells[k])))
    cells[k] = cells[k][:where] + junk + cells[k][where:] + "7"
    lines[i] = "\t".join(cells)
    with pytest.raises(InputError) as info:
        parse_deu("\n".join(lines))
    problem = info.value.problems[0]
    assert problem.line == i + 1
    assert HEADER[k] in problem.message
    assert problem.found is not None and problem.expected is not None
