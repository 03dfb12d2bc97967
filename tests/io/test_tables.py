"""CSV tables of actors and positions: import, merge, and clear errors naming file, line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.errors import InputError
from accord.io import load_scenario, template_path
from accord.io.tables import merge_table, read_table

POSITIONS = (
    "actor,issue,value,value_low,value_high,salience,kind,source,rationale,salience_rationale\n"
    "upstream,dry-season-flow,35,25,45,0.7,estimated,analyst,"
    "new dam schedule allows a little more release,power prices rose this year\n"
)


def write(tmp_path: Path, text: str, name: str = "table.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_position_rows_carry_provenance_and_range(tmp_path: Path) -> None:
    table = read_table(write(tmp_path, POSITIONS))
    assert table.kind == "positions"
    (position,) = table.positions
    (value,) = position.value
    assert (value.value, value.range) == (35, (25, 45))
    assert value.rationale == "new dam schedule allows a little more release"
    (salience,) = position.salience
    assert salience.rationale == "power prices rose this year"


def test_merge_replaces_the_matching_position(tmp_path: Path) -> None:
    scenario = load_scenario(template_path())
    merged = merge_table(scenario, read_table(write(tmp_path, POSITIONS)), "table.csv")
    position = merged.position("upstream", "dry-season-flow")
    assert position is not None and position.value.mean == 35
    assert len(merged.positions) == len(scenario.positions)


def test_actor_table(tmp_path: Path) -> None:
    text = "id,name,kind,aliases,capability,kind_,source\n"
    with pytest.raises(InputError, match="unknown column 'kind_'"):
        read_table(write(tmp_path, text))
    text = "id,name,kind,aliases,capability,capability_kind,source,capability_rationale\n"
    text += "delta-farmers,Delta Farmers' Union,organisation,Farmers;Union,10,estimated,analyst,organised but poor\n"
    table = read_table(write(tmp_path, text))
    (actor,) = table.actors
    assert actor.aliases == ["Farmers", "Union"]
    assert actor.capability is not None and actor.capability.mean == 10


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("actor,issue,value\nupstream,dry-season-flow,3\n", 1, "missing column 'salience'"),
        (POSITIONS.replace(",35,", ",lots,"), 2, "column 'value': Input should be a valid number"),
        (POSITIONS.replace(",0.7,", ",0.7,0.1,"), 2, "wrong number of cells"),
        (POSITIONS.replace("analyst", "Analyst Team"), 2, "column 'source'"),
        (POSITIONS.replace(",25,45,", ",40,45,"), 2, "must contain the value"),
        (POSITIONS.splitlines()[0] + "\n", 2, "no rows"),
        ("name,colour\nx,y\n", 1, "cannot tell what table"),
    ],
)
def test_bad_tables_name_file_line_and_column(tmp_path: Path, text: str, line: int, fragment: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        read_table(path)
    problem = caught.value.problems[0]
    assert (problem.file, problem.line) == (str(path), line)
    assert fragment in str(problem)


def test_merge_refuses_rows_that_break_the_scenario(tmp_path: Path) -> None:
    scenario = load_scenario(template_path())
    table = read_table(write(tmp_path, POSITIONS.replace("upstream,", "midstream,")))
    with pytest.raises(InputError, match=r"after merging table\.csv: unknown actor 'midstream'"):
        merge_table(scenario, table, "table.csv")
