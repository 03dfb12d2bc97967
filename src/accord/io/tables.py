"""Actor and position tables in CSV, for analysts who keep their readings in a spreadsheet.

Each row carries its provenance. A quantity ``q`` (``value``, ``salience``,
``capability``) is read from column ``q`` with optional ``q_low``/``q_high``
(its 80% range) and ``q_kind``/``q_source``/``q_rationale``; where those are
absent the row's ``kind``, ``source``, ``by`` and ``rationale`` apply. See
docs/scenario-format.md for the full column list.

Rows are merged into a scenario by id (actors) or by actor and issue
(positions): a row replaces the record it matches and adds one otherwise.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from accord.errors import InputError, Problem
from accord.io.validation import problems_from
from accord.io.yaml_source import read_text
from accord.model import Actor, Position, Scenario, check_scenario

TableKind = Literal["actors", "positions"]

_REQUIRED: dict[TableKind, tuple[str, ...]] = {
    "actors": ("id", "name", "kind"),
    "positions": ("actor", "issue", "value", "salience"),
}
_QUANTITIES: dict[TableKind, tuple[str, ...]] = {
    "actors": ("capability",),
    "positions": ("value", "salience", "capability"),
}
_PLAIN: dict[TableKind, tuple[str, ...]] = {
    "actors": ("id", "name", "kind", "aliases", "description"),
    "positions": ("actor", "issue"),
}
_ROW_PROVENANCE = ("kind", "source", "by", "rationale")


@dataclass(frozen=True)
class Table:
    """The records read from one CSV table."""

    kind: TableKind
    actors: list[Actor]
    positions: list[Position]


def read_table(path: str | Path, kind: TableKind | None = None) -> Table:
    """Read an actor or position table; the kind is told by the header when not given."""
    path = Path(path)
    file = str(path)
    rows = list(csv.reader(io.StringIO(read_text(path, "a CSV table"), newline="")))
    header = [name.strip().lower() for name in rows[0]]
    kind = kind or _detect(header, file)
    known = set(_PLAIN[kind]) | set(_ROW_PROVENANCE)
    for quantity in _QUANTITIES[kind]:
        known |= {quantity, *(f"{quantity}_{suffix}" for suffix in ("low", "high", *_ROW_PROVENANCE))}
    problems = [
        Problem(
            f"missing column {name!r}",
            found=", ".join(header),
            expected=f"columns {', '.join(_REQUIRED[kind])}",
            file=file,
            line=1,
        )
        for name in _REQUIRED[kind]
        if name not in header
    ]
    problems += [
        Problem(
            f"unknown column {name!r}",
            found=repr(name),
            expected=f"one of {', '.join(sorted(known))}",
            file=file,
            line=1,
        )
        for name in header
        if name not in known
    ]
    if problems:
        raise InputError(problems)
    records: list[Any] = []
    model = Actor if kind == "actors" else Position
    for line, cells in _data_rows(rows):
        if len(cells) != len(header):
            problems.append(
                Problem(
                    "wrong number of cells",
                    found=f"{len(cells)} cells",
                    expected=f"{len(header)} as in the header",
                    file=file,
                    line=line,
                )
            )
            continue
        row = {name: cell.strip() for name, cell in zip(header, cells, strict=True) if cell.strip()}
        try:
            records.append(model.model_validate(_record(kind, row)))
        except ValidationError as error:
            problems += [_on_row(p, row, file, line) for p in problems_from(error)]
    if problems:
        raise InputError(list(dict.fromkeys(problems)))
    if not records:
        raise InputError(
            [Problem("the table has a header but no rows", expected="at least one row", file=file, line=2)]
        )
    return Table(kind, records if kind == "actors" else [], records if kind == "positions" else [])


def merge_table(scenario: Scenario, table: Table, file: str) -> Scenario:
    """The scenario with the table's rows merged in; raises if the result would not be valid."""
    if table.kind == "actors":
        actors = {a.id: a for a in scenario.actors} | {a.id: a for a in table.actors}
        merged = scenario.model_copy(update={"actors": list(actors.values())})
    else:
        positions = {(p.actor, p.issue): p for p in scenario.positions}
        positions |= {(p.actor, p.issue): p for p in table.positions}
        merged = scenario.model_copy(update={"positions": list(positions.values())})
    problems = check_scenario(merged)
    if problems:
        raise InputError([Problem(f"after merging {file}: {p.message}", p.loc, p.found, p.expected) for p in problems])
    return merged


def _detect(header: list[str], file: str) -> TableKind:
    if "issue" in header and "actor" in header:
        return "positions"
    if {"id", "name", "kind"} <= set(header):
        return "actors"
    raise InputError(
        [
            Problem(
                "cannot tell what table this is",
                found="columns " + ", ".join(header),
                expected="an actor table (id, name, kind...) or a position table (actor, issue, value, salience...)",
                file=file,
                line=1,
            )
        ]
    )


def _data_rows(rows: list[list[str]]) -> Iterator[tuple[int, list[str]]]:
    for number, cells in enumerate(rows[1:], start=2):
        if any(cell.strip() for cell in cells):
            yield number, cells


def _record(kind: TableKind, row: dict[str, str]) -> dict[str, Any]:
    record: dict[str, Any] = {name: row[name] for name in _PLAIN[kind] if name in row}
    if "aliases" in record:
        record["aliases"] = [alias.strip() for alias in record["aliases"].split(";") if alias.strip()]
    for quantity in _QUANTITIES[kind]:
        if quantity in row:
            record[quantity] = _estimate(quantity, row)
    return record


def _estimate(quantity: str, row: dict[str, str]) -> dict[str, Any]:
    estimate: dict[str, Any] = {"value": row[quantity]}
    for field in _ROW_PROVENANCE:
        value = row.get(f"{quantity}_{field}", row.get(field))
        if value is not None:
            estimate[field] = value
    low, high = row.get(f"{quantity}_low"), row.get(f"{quantity}_high")
    if low is not None or high is not None:
        estimate["range"] = [low, high]
    return estimate


def _on_row(problem: Problem, row: dict[str, str], file: str, line: int) -> Problem:
    """The problem placed on its CSV line and named by its column (``salience_source``, not ``salience.source``)."""
    message = f"column {_column(problem, row)!r}: {problem.message}"
    return Problem(message, found=problem.found, expected=problem.expected, file=file, line=line)


def _column(problem: Problem, row: dict[str, str]) -> str:
    parts = [str(p) for p in problem.loc if not isinstance(p, int)]
    if len(parts) <= 1:
        return parts[0] if parts else "(row)"
    quantity, field = parts[0], parts[-1]
    if field == "value":
        return quantity
    if field == "range":
        return f"{quantity}_low/{quantity}_high"
    return f"{quantity}_{field}" if f"{quantity}_{field}" in row else field
