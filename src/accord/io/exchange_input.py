"""Reader of the exchange model's input files (decide-exchange-model's ``#A``/``#P``/``#M``/``#D`` rows).

The format, as documented by foarsitter/decide-exchange-model (docs/inputfiles.md):
one record per line, fields separated by tabs (or ``;`` / ``,``), text fields
optionally in single quotes. The first field says what the line is:

* ``#A  key  name  comment``: an actor (``key`` is its id);
* ``#P  key  description``: an issue;
* ``#M  issue  position  meaning``: a labelled point of an issue's scale; the
  lowest and highest such points are the scale's ends (0-100 when none);
* ``#D  actor  issue  position  salience  power  comment``: an actor's position
  on an issue, its salience (0-1) and its power (capability, >= 0);
* ``#/``, ``#0``, ``#O``: comments and descriptions, skipped.

An actor without a ``#D`` row on an issue takes no part in it: the problem
gets salience 0 and capability 0 there, and the position is set to the issue's
weighted mean of the others so that models that ignore weights are not pulled
by it; :attr:`ExchangeInput.present` records which pairs the file gave.

Every defect gets an :class:`~accord.errors.InputError` whose problems name the
file, line, row type and field, what was found and what was expected.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from accord.engines.bargaining.problem import BargainingProblem
from accord.errors import InputError, Problem
from accord.io.cells import finite_float
from accord.io.yaml_source import read_text

_WHAT = "an exchange-model input file (#A, #P, #M, #D rows)"
_FIELDS: dict[str, tuple[str, ...]] = {
    "#A": ("actor", "name", "comment"),
    "#P": ("issue", "description"),
    "#M": ("issue", "position", "meaning"),
    "#D": ("actor", "issue", "position", "salience", "power", "comment"),
}
_REQUIRED = {"#A": 1, "#P": 1, "#M": 2, "#D": 5}
_SKIPPED = ("#/", "#0", "#O")
_MAX_PROBLEMS = 20


@dataclass(frozen=True)
class ExchangeInput:
    """What an exchange-model file holds: the bargaining problem and the labels around it."""

    problem: BargainingProblem
    actor_names: dict[str, str]
    """Actor key -> full name (the key where the file gives none)."""
    issue_names: dict[str, str]
    """Issue key -> description (the key where the file gives none)."""
    scale_labels: dict[str, tuple[tuple[float, str], ...]]
    """Issue key -> the labelled points of its scale (``#M`` rows), in file order."""
    present: NDArray[np.bool_]
    """(n, m): whether the file has a ``#D`` row for the actor and issue."""


@dataclass
class _Rows:
    """The records read so far, with the line each came from."""

    actors: dict[str, tuple[str, int]]
    issues: dict[str, tuple[str, int]]
    points: dict[str, list[tuple[float, str, int]]]
    data: dict[tuple[str, str], tuple[float, float, float, int]]


def read_exchange_input(path: str | Path) -> ExchangeInput:
    """Read an exchange-model input file; :class:`InputError` naming file, line and field for any defect."""
    path = Path(path)
    return parse_exchange_input(read_text(path, _WHAT), file=str(path))


def read_exchange_problem(path: str | Path) -> BargainingProblem:
    """The bargaining problem of an exchange-model input file."""
    return read_exchange_input(path).problem


def parse_exchange_input(text: str, *, file: str = "<text>") -> ExchangeInput:
    """Parse the text of an exchange-model input file (``file`` names it in messages)."""
    lines = text.split("\n") if "\n" in text else text.split("\r")
    delimiter = _delimiter(lines)
    rows = _Rows({}, {}, {}, {})
    problems: list[Problem] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        fields = _split(line, delimiter, file, number, problems)
        if fields is not None:
            _record(fields, rows, file, number, problems)
    end = max(len(lines), 1)
    for what, found in (("#A", rows.actors), ("#P", rows.issues), ("#D", rows.data)):
        if not found:
            problems.append(Problem(f"no {what} rows", loc=(what,), found="none", expected=_WHAT, file=file, line=end))
    if problems:
        _raise(problems)
    return _assemble(rows, file, end)


def _delimiter(lines: list[str]) -> str:
    """Tab, semicolon or comma: whichever the first non-blank line uses (tab first)."""
    first = next((line for line in lines if line.strip()), "")
    return next((d for d in ("\t", ";") if d in first), ",")


def _split(line: str, delimiter: str, file: str, number: int, problems: list[Problem]) -> list[str] | None:
    """The fields of a line, unquoted and stripped; None (and a problem) if it cannot be split."""
    try:
        fields = next(csv.reader([line], delimiter=delimiter, quotechar="'", skipinitialspace=True))
    except csv.Error as error:
        problems.append(Problem(f"cannot split the line: {error}", file=file, line=number))
        return None
    return [_unquote(field) for field in fields]


def _unquote(field: str) -> str:
    text = field.strip()
    for quote in ("'", '"'):
        if len(text) >= 2 and text[0] == text[-1] == quote:
            return text[1:-1].strip()
    return text


def _record(fields: list[str], rows: _Rows, file: str, number: int, problems: list[Problem]) -> None:
    """File one line's fields under its row type, or note what is wrong with it."""
    key = fields[0]
    if key.startswith(_SKIPPED):
        return
    if key not in _FIELDS:
        problems.append(
            Problem(
                "unknown row type",
                loc=("row type",),
                found=repr(key[:40]),
                expected="#A, #P, #M, #D, or a comment (#/, #0, #O)",
                file=file,
                line=number,
            )
        )
        return
    names, values = _FIELDS[key], fields[1:]
    needed = _REQUIRED[key]
    if len(values) < needed:
        missing = names[len(values)]
        problems.append(
            Problem(
                f"{key} row is cut short: no {missing}",
                loc=(key, missing),
                found=f"{len(values)} field(s) after {key}",
                expected=f"{needed}: {', '.join(names[:needed])}",
                file=file,
                line=number,
            )
        )
        return
    for name, value in zip(names[:needed], values, strict=False):
        if not value and name in ("actor", "issue"):
            problems.append(
                Problem(
                    f"{key} row: empty {name}",
                    loc=(key, name),
                    found="''",
                    expected=f"the {name}'s key",
                    file=file,
                    line=number,
                )
            )
            return
    extra = values[needed] if len(values) > needed else ""
    if key == "#A":
        _once(rows.actors, values[0], (extra or values[0], number), key, file, number, problems)
    elif key == "#P":
        _once(rows.issues, values[0], (extra or values[0], number), key, file, number, problems)
    elif key == "#M":
        point = _number(values[1], key, "position", file, number, problems)
        if point is not None:
            rows.points.setdefault(values[0], []).append((point, extra, number))
    else:
        _datum(values, rows, file, number, problems)


def _once(
    found: dict[str, tuple[str, int]],
    key: str,
    value: tuple[str, int],
    row: str,
    file: str,
    number: int,
    problems: list[Problem],
) -> None:
    if key in found:
        problems.append(
            Problem(
                f"{row} row: {key!r} is defined twice",
                loc=(row, _FIELDS[row][0]),
                found=repr(key),
                expected=f"one {row} row per key (first on line {found[key][1]})",
                file=file,
                line=number,
            )
        )
        return
    found[key] = value


def _number(text: str, row: str, name: str, file: str, number: int, problems: list[Problem]) -> float | None:
    """A finite number, or None (and a problem naming the field)."""
    value = finite_float(text)
    if value is None:
        problems.append(
            Problem(
                f"{row} row: {name} is not a number",
                loc=(row, name),
                found=repr(text[:40]),
                expected="a finite number",
                file=file,
                line=number,
            )
        )
    return value


def _datum(values: list[str], rows: _Rows, file: str, number: int, problems: list[Problem]) -> None:
    """A ``#D`` row: position, salience in [0, 1], power >= 0, once per actor and issue."""
    actor, issue = values[0], values[1]
    parsed = [
        _number(values[k], "#D", name, file, number, problems)
        for k, name in ((2, "position"), (3, "salience"), (4, "power"))
    ]
    if any(v is None for v in parsed):
        return
    position, salience, power = (float(v) for v in parsed if v is not None)
    if not 0 <= salience <= 1:
        problems.append(
            Problem(
                "#D row: salience is off its range",
                loc=("#D", "salience"),
                found=values[3],
                expected="a number from 0 to 1",
                file=file,
                line=number,
            )
        )
        return
    if power < 0:
        problems.append(
            Problem(
                "#D row: power is negative",
                loc=("#D", "power"),
                found=values[4],
                expected="a number >= 0",
                file=file,
                line=number,
            )
        )
        return
    if (actor, issue) in rows.data:
        first = rows.data[(actor, issue)][3]
        problems.append(
            Problem(
                f"#D row: {actor!r} on {issue!r} is given twice",
                loc=("#D", "issue"),
                found=repr(issue),
                expected=f"one #D row per actor and issue (first on line {first})",
                file=file,
                line=number,
            )
        )
        return
    rows.data[(actor, issue)] = (position, salience, power, number)


def _scales(rows: _Rows, file: str, problems: list[Problem]) -> dict[str, tuple[float, float]]:
    """Each issue's (low, high) from its ``#M`` points (0-100 where it has none)."""
    scales: dict[str, tuple[float, float]] = {}
    for issue, points in rows.points.items():
        if issue not in rows.issues:
            problems.append(
                Problem(
                    f"#M row: unknown issue {issue!r}",
                    loc=("#M", "issue"),
                    found=repr(issue),
                    expected="an issue defined by a #P row",
                    file=file,
                    line=points[0][2],
                )
            )
            continue
        values = [p for p, _, _ in points]
        if min(values) == max(values):
            problems.append(
                Problem(
                    f"#M rows of {issue!r} give a scale of zero length",
                    loc=("#M", "position"),
                    found=f"only {values[0]:g}",
                    expected="two different ends",
                    file=file,
                    line=points[-1][2],
                )
            )
            continue
        scales[issue] = (min(values), max(values))
    return {issue: scales.get(issue, (0.0, 100.0)) for issue in rows.issues}


def _assemble(rows: _Rows, file: str, end: int) -> ExchangeInput:
    """Check references and scales, then build the arrays."""
    problems: list[Problem] = []
    scales = _scales(rows, file, problems)
    for (actor, issue), (position, _, _, number) in rows.data.items():
        if actor not in rows.actors:
            problems.append(
                Problem(
                    f"#D row: unknown actor {actor!r}",
                    loc=("#D", "actor"),
                    found=repr(actor),
                    expected="an actor defined by a #A row",
                    file=file,
                    line=number,
                )
            )
        elif issue not in rows.issues:
            problems.append(
                Problem(
                    f"#D row: unknown issue {issue!r}",
                    loc=("#D", "issue"),
                    found=repr(issue),
                    expected="an issue defined by a #P row",
                    file=file,
                    line=number,
                )
            )
        elif not scales[issue][0] <= position <= scales[issue][1]:
            low, high = scales[issue]
            problems.append(
                Problem(
                    "#D row: position is off the issue's scale",
                    loc=("#D", "position"),
                    found=f"{position:g}",
                    expected=f"a number from {low:g} to {high:g}",
                    file=file,
                    line=number,
                )
            )
    covered = {issue for _, issue in rows.data}
    for issue, (_, number) in rows.issues.items():
        if issue not in covered:
            problems.append(
                Problem(
                    f"issue {issue!r} has no #D rows",
                    loc=("#P", "issue"),
                    found="no positions",
                    expected="a #D row for at least one actor",
                    file=file,
                    line=number,
                )
            )
    if problems:
        _raise(problems)
    actors, issues = list(rows.actors), list(rows.issues)
    n, m = len(actors), len(issues)
    where = {actor: i for i, actor in enumerate(actors)}, {issue: j for j, issue in enumerate(issues)}
    values = np.zeros((3, n, m))
    present = np.zeros((n, m), dtype=bool)
    for (actor, issue), (x, s, c, _) in rows.data.items():
        i, j = where[0][actor], where[1][issue]
        values[:, i, j], present[i, j] = (x, s, c), True
    positions, salience, power = values
    ends = np.array([scales[issue] for issue in issues]).reshape(m, 2)
    weight = salience * power
    total = weight.sum(axis=0)
    middle = ends.mean(axis=1)
    mean = np.where(total > 0, (weight * positions).sum(axis=0) / np.where(total > 0, total, 1.0), middle)
    positions = np.where(present, positions, mean)
    problem = BargainingProblem.build(
        actors, positions, salience, power, issues=issues, low=ends[:, 0], high=ends[:, 1], source=file
    )
    return ExchangeInput(
        problem=problem,
        actor_names={key: name for key, (name, _) in rows.actors.items()},
        issue_names={key: name for key, (name, _) in rows.issues.items()},
        scale_labels={issue: tuple((p, label) for p, label, _ in rows.points.get(issue, [])) for issue in issues},
        present=present,
    )


def _raise(problems: list[Problem]) -> None:
    shown = problems[:_MAX_PROBLEMS]
    if len(problems) > _MAX_PROBLEMS:
        shown.append(Problem(f"and {len(problems) - _MAX_PROBLEMS} more problems", file=shown[0].file))
    raise InputError(shown)
