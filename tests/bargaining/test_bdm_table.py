"""Reading Bueno de Mesquita actor tables: the examples, the spreadsheets' quirks, and every way a file can be bad."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.engines.bargaining import BargainingProblem
from accord.errors import InputError
from accord.io.bdm_table import read_bdm_table

Shared = Callable[[str], Path]

GOOD = "Actor,Capability,Position,Salience\nNetherlands,0.08,4,0.8\nBelgium,0.08,7,0.4\nFrance,0.16,10,0.6\n"


def write(directory: Path, content: str | bytes, name: str = "table.csv") -> Path:
    path = directory / name
    if isinstance(content, str):
        path.write_text(content, newline="")
    else:
        path.write_bytes(content)
    return path


def problems(path: Path) -> list[tuple[int | None, str, str]]:
    with pytest.raises(InputError) as caught:
        read_bdm_table(path)
    for problem in caught.value.problems:
        assert problem.file == str(path)
    return [(p.line, p.field, str(p)) for p in caught.value.problems]


def test_reads_the_replication_examples(shared: Shared) -> None:
    example = read_bdm_table(shared("data/bargaining/bdm/ExampleActors.csv"))
    assert example.actors[:3] == ("Netherlands", "Belgium", "Luxembourg") and example.n_actors == 10
    assert example.issues == ("ExampleActors",)
    assert (example.low[0], example.high[0]) == (0.0, 100.0)
    assert example.positions[:, 0].tolist() == [4, 7, 4, 4, 10, 10, 10, 7, 4, 7]
    assert example.capability[1, 0] == 0.08 and example.salience[-1, 0] == 0.7
    sultan = read_bdm_table(shared("data/bargaining/bdm/Sultan.csv"), issue="succession")
    assert sultan.n_actors == 17 and sultan.issues == ("succession",)
    assert "RELIGIOUS LEADERS" in sultan.actors and sultan.capability.max() == 1.05


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("bom", ["", "\ufeff"])
def test_line_endings_and_byte_order_mark(tmp_path: Path, newline: str, bom: str) -> None:
    path = write(tmp_path, bom + GOOD.replace("\n", newline))
    table = read_bdm_table(path)
    assert table.actors == ("Netherlands", "Belgium", "France")
    assert table.positions[:, 0].tolist() == [4.0, 7.0, 10.0]


def test_header_by_name_in_any_case_and_order_with_other_columns(tmp_path: Path) -> None:
    text = "salience ; POSITION ; Note ; actor ; Capability\n0.8;4;x;Netherlands;0.08\n\n0.4;7;;Belgium;0.08\n\n"
    table = read_bdm_table(write(tmp_path, text))
    assert table.actors == ("Netherlands", "Belgium")
    assert table.salience[:, 0].tolist() == [0.8, 0.4] and table.capability[:, 0].tolist() == [0.08, 0.08]


def test_scales_as_the_data_shows_them(tmp_path: Path) -> None:
    percent = read_bdm_table(write(tmp_path, "Actor,Capability,Position,Salience\nA,1,20,80\nB,2,70,40\n"))
    assert percent.salience[:, 0].tolist() == [0.8, 0.4]
    years = read_bdm_table(write(tmp_path, "Actor,Capability,Position,Salience\nA,1,1992,0.8\nB,2,1996,0.4\n"))
    assert (years.low[0], years.high[0]) == (1992.0, 1996.0)
    given_scale = read_bdm_table(write(tmp_path, GOOD), low=0, high=10)
    assert (given_scale.low[0], given_scale.high[0]) == (0.0, 10.0)
    with pytest.raises(InputError, match="outside the scale"):
        read_bdm_table(write(tmp_path, GOOD), low=5, high=10)


@pytest.mark.parametrize(
    ("content", "line", "field", "words"),
    [
        ("Actor,Capability,Position\nA,1,2\n", 1, "Salience", "missing column 'Salience'"),
        ("Actor,Capability,Position,Salience,salience\nA,1,2,0.5,0.5\n", 1, "Salience", "appears 2 times"),
        (GOOD + "Greece,0.08,7\n", 5, "Salience", "the row is short: no Salience"),
        (GOOD + "Greece,0.08,7,0.7,9\n", 5, "(top level)", "more fields than the header"),
        (GOOD + "Greece,0.08,seven,0.7\n", 5, "Position", "not a number (found 'seven'"),
        (GOOD + "Greece,,7,0.7\n", 5, "Capability", "not a number"),
        (GOOD + "Greece,nan,7,0.7\n", 5, "Capability", "expected a finite number"),
        (GOOD + "Greece,-1,7,0.7\n", 5, "Capability", "negative"),
        (GOOD + "Greece,1,7,-0.7\n", 5, "Salience", "negative"),
        (GOOD + "Greece,1,7,170\n", 5, "Salience", "salience above 100"),
        (GOOD + ",1,7,0.7\n", 5, "Actor", "no name"),
        (GOOD + "Belgium,1,7,0.7\n", 5, "Actor", "listed twice (found also on line 3"),
        (GOOD + '"Greece,1,7,0.7\n', 5, "(top level)", "cannot split the line"),
        ("Actor,Capability,Position,Salience\n\n\n", 1, "(top level)", "no actor rows"),
        ("   \n", 1, "(top level)", "empty"),
    ],
)
def test_malformed_tables_name_file_line_and_field(
    tmp_path: Path, content: str, line: int, field: str, words: str
) -> None:
    found = problems(write(tmp_path, content))
    assert (line, field) == found[0][:2], found
    assert words in found[0][2]


def test_every_bad_row_is_reported(tmp_path: Path) -> None:
    found = problems(write(tmp_path, GOOD + "G,x,1,1\nH,1,1\nI,1,1,y\n"))
    assert [(line, field) for line, field, _ in found] == [(5, "Capability"), (6, "Salience"), (7, "Salience")]


def test_binary_and_missing_files(tmp_path: Path) -> None:
    assert "not UTF-8" in problems(write(tmp_path, b"Actor,Capability\n\xff\xfe,1\n"))[0][2]
    assert "binary data" in problems(write(tmp_path, b"Actor\x00,1\n"))[0][2]
    with pytest.raises(InputError, match="no such file"):
        read_bdm_table(tmp_path / "absent.csv")


# --- corrupted inputs: an error naming file and line, or a table that is exactly what the file says -------------


def _read(content: bytes) -> BargainingProblem | InputError:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "t.csv"
        path.write_bytes(content)
        try:
            return read_bdm_table(path)
        except InputError as error:
            lines = content.count(b"\n") + content.count(b"\r") + 1
            for problem in error.problems:
                assert problem.file == str(path)
                assert problem.line is None or 1 <= problem.line <= lines
                assert str(problem)
            return error


ORIGINAL = GOOD.encode()
ROWS = [line.split(",") for line in GOOD.splitlines()[1:]]


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=len(ORIGINAL)))
def test_truncated_files(cut: int) -> None:
    """Cut anywhere: an error, or the whole rows before the cut exactly, the cut row only as far as it goes."""
    result = _read(ORIGINAL[:cut])
    if isinstance(result, InputError):
        return
    kept = ORIGINAL[:cut].decode().splitlines()[1:]
    assert result.n_actors == len([k for k in kept if k.strip()])
    for i, actor in enumerate(result.actors):
        name, capability, position, salience = ROWS[i]
        complete = i < len(kept) - 1 or cut == len(ORIGINAL)
        assert actor == name if complete else name.startswith(actor)
        read = (result.capability[i, 0], result.positions[i, 0], result.salience[i, 0])
        if complete:
            assert read == (float(capability), float(position), float(salience))
        else:
            assert salience.startswith(kept[i].split(",")[3])


@settings(max_examples=400, deadline=None)
@given(
    st.integers(min_value=0, max_value=len(ORIGINAL) - 1),
    st.binary(min_size=0, max_size=4),
    st.integers(min_value=0, max_value=3),
)
def test_corrupted_bytes(at: int, junk: bytes, drop: int) -> None:
    """Bytes replaced or inserted: an InputError or a valid problem, never another exception."""
    corrupted = ORIGINAL[:at] + junk + ORIGINAL[at + drop :]
    result = _read(corrupted)
    if isinstance(result, BargainingProblem):
        assert np.isfinite(result.positions).all() and (result.salience <= 1).all()
        assert (result.capability >= 0).all() and len(set(result.actors)) == result.n_actors


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["Actor", "Capability", "Position", "Salience", "Other", ""]), max_size=6))
def test_any_header(columns: list[str]) -> None:
    """A header missing a column is refused on its line (the first that is not blank), whatever else it has."""
    body = ",".join(columns) + "\n" + ",".join("1" for _ in columns) + "\n"
    result = _read(body.encode())
    required = {"Actor", "Capability", "Position", "Salience"}
    if not required <= set(columns) or any(columns.count(c) > 1 for c in required):
        header_line = 1 if ",".join(columns).strip() or not columns else 2
        assert isinstance(result, InputError) and result.problems[0].line == header_line
