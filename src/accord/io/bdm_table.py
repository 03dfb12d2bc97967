"""Bueno de Mesquita's actor table: one issue, one row per actor with Actor, Capability, Position, Salience.

The format of the Scholz et al. replication (``ExampleActors.csv``,
``Sultan.csv``) and of most expected-utility tools: a CSV header naming the
four columns (any order, any case; other columns are ignored), then one row
per actor. Files are read as they come from old spreadsheets: a byte-order
mark, old Mac ``\\r`` line endings, ``;`` or tab in place of commas, blank lines.

Scales, as the data shows them:

* salience in [0, 1], or in [0, 100] when some salience is above 1 (then all are divided by 100);
* position on 0-100 when every position lies there, otherwise on the range the
  positions span (BdM's tables also use years and other units); ``low`` and
  ``high`` set the scale explicitly.

Anything else (a missing column, a short or long row, a value that is not a
number or out of range, a repeated actor) is an :class:`~accord.errors.InputError`
naming the file, the line and the column.
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

from accord.engines.bargaining.problem import BargainingProblem
from accord.errors import InputError, Problem
from accord.io.cells import finite_float
from accord.io.yaml_source import read_text

COLUMNS = ("Actor", "Capability", "Position", "Salience")
_LINES = re.compile(r"\r\n|\r|\n")
_MAX_PROBLEMS = 20


def read_bdm_table(
    path: str | Path,
    *,
    issue: str | None = None,
    low: float | None = None,
    high: float | None = None,
) -> BargainingProblem:
    """Read a BdM actor table into a one-issue :class:`BargainingProblem` (issue named after the file)."""
    path = Path(path)
    file = str(path)
    lines = _LINES.split(read_text(path, "a Bueno de Mesquita actor table (Actor, Capability, Position, Salience)"))
    numbered = [(number, line) for number, line in enumerate(lines, start=1) if line.strip()]
    if not numbered:
        raise InputError([Problem("the file has no header", file=file, line=1, expected=_expected_header())])
    header_line, header_text = numbered[0]
    delimiter = _delimiter(header_text)
    columns = _header(_fields(header_text, delimiter, file, header_line), file, header_line)
    problems: list[Problem] = []
    names: list[str] = []
    values: dict[str, list[float]] = {"capability": [], "position": [], "salience": []}
    seen: dict[str, int] = {}
    for number, text in numbered[1:]:
        if len(problems) >= _MAX_PROBLEMS:
            break
        try:
            fields = _fields(text, delimiter, file, number)
        except InputError as error:
            problems.extend(error.problems)
            continue
        row = _row(fields, columns, len(columns["__width__"]), file, number)
        if isinstance(row, list):
            problems.extend(row)
            continue
        name, numbers = row
        if name in seen:
            problems.append(
                Problem(
                    f"actor {name!r} is listed twice",
                    loc=("Actor",),
                    found=f"also on line {seen[name]}",
                    expected="one row per actor",
                    file=file,
                    line=number,
                )
            )
            continue
        seen[name] = number
        names.append(name)
        for key, value in numbers.items():
            values[key].append(value)
    if problems:
        raise InputError(problems)
    if not names:
        raise InputError(
            [Problem("no actor rows after the header", file=file, line=header_line, expected="one row per actor")]
        )
    salience = _salience_scale(values["salience"], seen, names, file)
    scale_low, scale_high = _scale(values["position"], low, high, seen, names, file)
    return BargainingProblem.build(
        names,
        values["position"],
        salience,
        values["capability"],
        issues=(issue or path.stem,),
        low=scale_low,
        high=scale_high,
        source=file,
    )


def _expected_header() -> str:
    return "a header with the columns " + ", ".join(COLUMNS)


def _delimiter(header: str) -> str:
    for candidate in (",", ";", "\t"):
        if candidate in header:
            return candidate
    return ","


def _fields(text: str, delimiter: str, file: str, line: int) -> list[str]:
    try:
        return [field.strip() for field in next(csv.reader([text], delimiter=delimiter, strict=True))]
    except csv.Error as error:
        raise InputError(
            [Problem(f"cannot split the line into fields: {error}", found=repr(text[:60]), file=file, line=line)]
        ) from None


def _header(fields: list[str], file: str, line: int) -> dict[str, list[int]]:
    lowered = [field.lstrip("\ufeff").strip().lower() for field in fields]
    columns: dict[str, list[int]] = {"__width__": list(range(len(fields)))}
    problems = []
    for column in COLUMNS:
        where = [i for i, name in enumerate(lowered) if name == column.lower()]
        if not where:
            problems.append(
                Problem(
                    f"missing column {column!r}",
                    loc=(column,),
                    found="columns " + ", ".join(repr(f) for f in fields),
                    expected=_expected_header(),
                    file=file,
                    line=line,
                )
            )
        elif len(where) > 1:
            problems.append(
                Problem(f"column {column!r} appears {len(where)} times", loc=(column,), file=file, line=line)
            )
        columns[column.lower()] = where
    if problems:
        raise InputError(problems)
    return columns


def _row(
    fields: list[str], columns: dict[str, list[int]], width: int, file: str, line: int
) -> tuple[str, dict[str, float]] | list[Problem]:
    if len(fields) != width:
        short = len(fields) < width
        missing = [c for c in COLUMNS if columns[c.lower()][0] >= len(fields)]
        message = "the row is short" if short else "the row has more fields than the header"
        if missing:
            message += f": no {', '.join(missing)}"
        return [
            Problem(
                message,
                loc=(missing[0],) if missing else (),
                found=f"{len(fields)} fields",
                expected=f"{width} fields, as in the header",
                file=file,
                line=line,
            )
        ]
    name = fields[columns["actor"][0]]
    problems = []
    if not name:
        problems.append(Problem("the actor has no name", loc=("Actor",), expected="a name", file=file, line=line))
    numbers: dict[str, float] = {}
    for column in COLUMNS[1:]:
        text = fields[columns[column.lower()][0]]
        value = finite_float(text)
        if value is None:
            problems.append(
                Problem(
                    "not a number", loc=(column,), found=repr(text), expected="a finite number", file=file, line=line
                )
            )
        elif value < 0 and column != "Position":
            problems.append(
                Problem("negative", loc=(column,), found=text, expected="a number >= 0", file=file, line=line)
            )
        numbers[column.lower()] = math.nan if value is None else value
    return problems if problems else (name, numbers)


def _salience_scale(salience: list[float], lines: dict[str, int], names: list[str], file: str) -> list[float]:
    top = max(salience)
    if top <= 1:
        return salience
    worst = names[salience.index(top)]
    if top > 100:
        raise InputError(
            [
                Problem(
                    "salience above 100",
                    loc=("Salience",),
                    found=f"{top:g}",
                    expected="salience on 0-1, or on 0-100 for the whole column",
                    file=file,
                    line=lines[worst],
                )
            ]
        )
    return [value / 100 for value in salience]


def _scale(
    positions: list[float], low: float | None, high: float | None, lines: dict[str, int], names: list[str], file: str
) -> tuple[float, float]:
    data_low, data_high = min(positions), max(positions)
    if data_low >= 0 and data_high <= 100:
        default = (0.0, 100.0)
    elif data_low < data_high:
        default = (data_low, data_high)
    else:
        default = (data_low - 0.5, data_high + 0.5)
    low = default[0] if low is None else low
    high = default[1] if high is None else high
    if not low < high:
        raise InputError(
            [Problem("the scale is empty", found=f"low {low:g}, high {high:g}", expected="low < high", file=file)]
        )
    for name, value in zip(names, positions, strict=True):
        if not low <= value <= high:
            raise InputError(
                [
                    Problem(
                        "position outside the scale",
                        loc=("Position",),
                        found=f"{value:g}",
                        expected=f"a position from {low:g} to {high:g}",
                        file=file,
                        line=lines[name],
                    )
                ]
            )
    return low, high
