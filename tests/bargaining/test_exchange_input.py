"""Reading the exchange model's input files (#A, #P, #M, #D rows): good files, each defect, corrupted files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.errors import InputError
from accord.io.exchange_input import parse_exchange_input, read_exchange_input

Shared = Callable[[str], Path]

SAMPLE = "\n".join(
    [
        "'#A'\t'USA'\t'United States'\t''",
        "'#A'\t'EU'\t'European Union'\t''",
        "'#A'\t'China'\t'China'\t''",
        "'#/'\ta comment",
        "'#P'\t'legal'\t'Legal form'\t''",
        "'#M'\t'legal'\t0\tnon-binding",
        "'#M'\t'legal'\t100\tbinding",
        "'#P'\t'finance'\t'Finance'\t''",
        "'#M'\t'finance'\t-10",
        "'#M'\t'finance'\t10",
        "'#D'\t'USA'\t'legal'\t10.0\t0.9\t0.5",
        "'#D'\t'USA'\t'finance'\t-5\t0.4\t0.5",
        "'#D'\t'EU'\t'legal'\t80\t0.6\t0.3\tsome note",
        "'#D'\t'EU'\t'finance'\t5\t0.8\t0.3",
        "'#D'\t'China'\t'legal'\t40\t0.7\t0.6",
        "",
    ]
)
D_LINE = 11  # the first #D row


def _problems(text: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        parse_exchange_input(text, file="bad.csv")
    for problem in caught.value.problems:
        assert problem.file == "bad.csv"
    return [str(p) for p in caught.value.problems]


def test_sample_is_read() -> None:
    read = parse_exchange_input(SAMPLE, file="sample.csv")
    problem = read.problem
    assert problem.actors == ("USA", "EU", "China")
    assert problem.issues == ("legal", "finance")
    np.testing.assert_array_equal(problem.low, [0, -10])
    np.testing.assert_array_equal(problem.high, [100, 10])
    assert read.actor_names["USA"] == "United States"
    assert read.issue_names["legal"] == "Legal form"
    assert read.scale_labels["legal"] == ((0.0, "non-binding"), (100.0, "binding"))
    np.testing.assert_array_equal(read.present, [[True, True], [True, True], [True, False]])
    # China has no #D row on finance: no weight there, parked on the others' weighted mean.
    assert problem.salience[2, 1] == 0 and problem.capability[2, 1] == 0
    assert problem.positions[2, 1] == pytest.approx((-5 * 0.2 + 5 * 0.24) / 0.44)
    assert problem.positions[1, 0] == 80 and problem.salience[1, 0] == 0.6 and problem.capability[1, 0] == 0.3


def test_other_separators_and_quotes() -> None:
    semicolons = SAMPLE.replace("\t", ";").replace("'", '"')
    np.testing.assert_array_equal(
        parse_exchange_input(semicolons).problem.positions, parse_exchange_input(SAMPLE).problem.positions
    )


@pytest.mark.shared
@pytest.mark.parametrize(("name", "n", "m", "rows"), [("copenhagen", 11, 7, 75), ("cop21", 15, 13, 181)])
def test_reference_inputs(shared: Shared, name: str, n: int, m: int, rows: int) -> None:
    read = read_exchange_input(shared(f"data/bargaining/exchange/{name}.csv"))
    assert read.problem.positions.shape == (n, m)
    assert int(read.present.sum()) == rows
    assert read.problem.source.endswith(f"{name}.csv")


def _replace_line(line: int, new: str) -> str:
    lines = SAMPLE.split("\n")
    lines[line - 1] = new
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("line", "new", "expected"),
    [
        (D_LINE, "'#D'\t'USA'\t'legal'\t10.0\t0.9", "#D row is cut short: no power"),
        (D_LINE, "'#D'\t'USA'\t'legal'", "no position"),
        (D_LINE, "'#D'\t'USA'\t'legal'\t10.0\thigh\t0.5", "#D.salience: #D row: salience is not a number"),
        (D_LINE, "'#D'\t'USA'\t'legal'\t10.0\t1.5\t0.5", "salience is off its range"),
        (D_LINE, "'#D'\t'USA'\t'legal'\t10.0\t0.5\t-1", "power is negative"),
        (D_LINE, "'#D'\t'USA'\t'legal'\tnan\t0.5\t0.5", "position is not a number"),
        (D_LINE, "'#D'\t'USA'\t'legal'\t120\t0.5\t0.5", "position is off the issue's scale"),
        (D_LINE, "'#D'\t'Japan'\t'legal'\t12\t0.5\t0.5", "unknown actor 'Japan'"),
        (D_LINE, "'#D'\t'USA'\t'trade'\t12\t0.5\t0.5", "unknown issue 'trade'"),
        (D_LINE + 4, "'#D'\t'EU'\t'legal'\t12\t0.5\t0.5", "given twice (found 'legal'; expected one #D row per actor"),
        (D_LINE, "'#X'\t'USA'", "unknown row type"),
        (2, "'#A'\t'USA'\t'again'", "defined twice"),
        (6, "'#M'\t'legal'\tzero", "#M row: position is not a number"),
        (6, "'#M'\t'tax'\t0", "#M row: unknown issue 'tax'"),
        (7, "'#M'\t'legal'\t0", "scale of zero length"),
    ],
)
def test_each_defect_is_named_with_its_line_and_field(line: int, new: str, expected: str) -> None:
    messages = _problems(_replace_line(line, new))
    assert any(expected in m for m in messages), messages
    assert any(m.startswith(f"bad.csv:{line}:") and expected in m for m in messages), messages


def test_missing_sections() -> None:
    only_actors = "\n".join(SAMPLE.split("\n")[:3])
    messages = _problems(only_actors)
    assert any("no #P rows" in m for m in messages) and any("no #D rows" in m for m in messages)
    no_data = "\n".join(line for line in SAMPLE.split("\n") if not line.startswith("'#D'\t'China'"))
    no_data = no_data.replace("'#D'\t'USA'\t'legal'", "'#/'").replace("'#D'\t'EU'\t'legal'", "'#/'")
    assert any("issue 'legal' has no #D rows" in m for m in _problems(no_data))


def test_files_that_are_not_text(tmp_path: Path) -> None:
    for content, expected in ((b"", "empty"), (b"'#A'\t'x\x00'", "binary"), (b"'#A'\t'\xff'", "not UTF-8")):
        path = tmp_path / "in.csv"
        path.write_bytes(content)
        with pytest.raises(InputError, match=expected):
            read_exchange_input(path)
    with pytest.raises(InputError, match="no such file"):
        read_exchange_input(tmp_path / "missing.csv")


# ---- corrupted files: a clear error or a valid problem, never a traceback ---------------------------------------


def _check(text: str) -> None:
    try:
        read = parse_exchange_input(text, file="corrupt.csv")
    except InputError as error:
        assert error.problems
        for each in error.problems:
            assert each.file == "corrupt.csv" and each.message
        assert any(each.line is not None for each in error.problems)
        return
    problem = read.problem
    assert np.all(np.isfinite(problem.positions)) and np.all(np.isfinite(problem.salience))
    assert np.all((problem.positions >= problem.low) & (problem.positions <= problem.high))


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=len(SAMPLE)))
def test_truncated_anywhere(cut: int) -> None:
    _check(SAMPLE[:cut])


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=0, max_value=len(SAMPLE.split("\n")) - 1),
    st.integers(min_value=0, max_value=6),
    st.one_of(st.text(max_size=8), st.sampled_from(["", "nan", "inf", "-1", "1e400", "'", "#D", "2", "0.5"])),
)
def test_a_field_replaced(line: int, field: int, value: str) -> None:
    lines = SAMPLE.split("\n")
    fields = lines[line].split("\t")
    if field < len(fields):
        fields[field] = value
    else:
        fields.append(value)
    lines[line] = "\t".join(fields)
    _check("\n".join(lines))


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=0, max_value=len(SAMPLE.split("\n"))),
    st.text(alphabet=st.sampled_from("#ADMP'\t;,.-0123456789 ab\r"), max_size=30),
)
def test_a_line_inserted_or_dropped(line: int, new: str) -> None:
    lines = SAMPLE.split("\n")
    _check("\n".join([*lines[:line], new, *lines[line:]]))
    _check("\n".join(lines[:line] + lines[line + 1 :]))
