"""DEU III (Decision-making in the European Union III) as redistributed, read into bargaining problems.

DEU III (Arregui & Perarnaud 2021, doi:10.34810/data53; the DEU design of
Thomson et al. 2006) records, for controversial issues in EU legislative
proposals, each actor's position on the issue's 0-100 scale, its salience, the
reference point (status quo) and the outcome. This reader takes the file as
redistributed in blksv/predictioneers_game (``deu3.csv``): tab-separated, one
header row, a second row of GDP figures per actor (not an issue), then one
issue per row. Per actor ``XX`` (``com`` Commission, ``ep`` Parliament, 28
member states) ``pXX`` is the position (empty: none) and ``sXX`` the salience
(0-100); ``rp`` is the reference point, ``out`` the outcome, ``prnrnmc`` the
proposal number and ``isnr`` the issue id.

Reading rules, chosen so that a damaged file fails loudly rather than forecasting
something wrong:

- every row has as many cells as the header, and the file ends with a line end
  (a missing one means the last row may be cut short);
- every number is finite and on the 0-100 scale (GDP: >= 0);
- ``out`` empty or without any digit (``NA``, ``.``) means no usable outcome, as
  the data's README says; an ``out`` with digits that is not a number is an error;
- an actor with a position but no salience is kept with salience 0 (it weighs
  nothing in the salience-weighted models) and listed in ``missing_salience``;
  this is how the published compromise baseline (MAE 21.39 on the dev half)
  treats it.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from accord.engines.bargaining.backtest import Case
from accord.engines.bargaining.problem import BargainingProblem
from accord.errors import InputError, Problem
from accord.io.cells import finite_float
from accord.io.yaml_source import read_text

#: The actors of DEU III in the file's column order: Commission, Parliament, then the member states.
ACTORS: tuple[str, ...] = (
    "com", "ep", "at", "be", "bu", "cr", "cy", "cz", "dk", "ee", "fi", "fr", "de", "el", "hu",
    "ie", "it", "lv", "lt", "lu", "mt", "nl", "pl", "pt", "ro", "si", "sk", "es", "se", "uk",
)  # fmt: skip

Capability = Literal["none", "gdp"]
"""``none``: capability 1 for every actor; ``gdp``: the GDP figures of the file's second row."""

_REQUIRED = ("prnrnmc", "rp", "out", *(f"p{a}" for a in ACTORS), *(f"s{a}" for a in ACTORS))
_MAX_PROBLEMS = 20
_WHAT = "a DEU III table (tab-separated)"


@dataclass(frozen=True)
class DeuIssue:
    """One issue of a DEU proposal: the actors with a position on it, and what happened."""

    issue: str
    """The issue id (``isnr``, e.g. ``d00032i1``; ``line N`` where the file has none)."""
    proposal: str
    """The proposal number (``prnrnmc``): issues of one proposal are negotiated together."""
    line: int
    """The row's line number in the file."""
    problem: BargainingProblem | None
    """The actors with a position, as a one-issue problem; None when no actor has a position."""
    outcome: float | None
    """The outcome on the 0-100 scale; None when the file records none."""
    status_quo: float | None
    """The reference point (``rp``); None when the file records none."""
    procedure: str = ""
    """``proc``: COD (co-decision) or CNS (consultation)."""
    council_vote: str = ""
    """``counvte``: QMV or Unan."""
    missing_salience: tuple[str, ...] = ()
    """Actors with a position but no salience (read as salience 0)."""

    @property
    def n_positions(self) -> int:
        """How many actors hold a position on the issue."""
        return 0 if self.problem is None else self.problem.n_actors


@dataclass(frozen=True)
class DeuDataset:
    """The issues of a DEU III file, in file order."""

    source: str
    capability: Capability
    issues: tuple[DeuIssue, ...]
    gdp: Mapping[str, float] | None = None
    """The GDP row (actor code -> figure) when the file has one."""

    def usable(self, min_actors: int = 3) -> tuple[DeuIssue, ...]:
        """Issues with an outcome and at least ``min_actors`` actors holding a position."""
        return tuple(i for i in self.issues if i.outcome is not None and i.n_positions >= min_actors)

    def cases(self) -> list[Case]:
        """Every issue with an outcome and a position, as a backtest case grouped by proposal."""
        return [
            Case(
                i.issue,
                i.proposal,
                i.problem,
                i.outcome,
                {"procedure": i.procedure, "council_vote": i.council_vote, "line": str(i.line)},
            )
            for i in self.issues
            if i.outcome is not None and i.problem is not None
        ]


def read_deu(path: str | Path, *, capability: Capability = "none") -> DeuDataset:
    """Read a DEU III file; raise :class:`InputError` naming file, line and column for any defect."""
    path = Path(path)
    return parse_deu(read_text(path, _WHAT), file=str(path), capability=capability)


def parse_deu(text: str, *, file: str = "<text>", capability: Capability = "none") -> DeuDataset:
    """Parse the text of a DEU III file (see the module docstring for the rules)."""
    if capability not in ("none", "gdp"):
        raise InputError([Problem("unknown capability", found=repr(capability), expected="none or gdp", file=file)])
    records = _records(text, file)
    header_line, header = records[0]
    columns = _columns(header, file, header_line)
    body = [(line, cells) for line, cells in records[1:] if cells]
    problems = [
        Problem(
            "wrong number of cells in the row (truncated or a cell deleted?)",
            found=str(len(cells)),
            expected=f"{len(header)}, as in the header",
            file=file,
            line=line,
        )
        for line, cells in body
        if len(cells) != len(header)
    ]
    if not text.endswith(("\n", "\r")):
        problems.append(
            Problem(
                "the last line has no line end: the file may be truncated",
                found="end of file",
                expected="a line end after the last row",
                file=file,
                line=text.count("\n") + 1,
            )
        )
    _raise(problems)
    gdp: dict[str, float] | None = None
    if body and not body[0][1][columns["prnrnmc"]].strip():
        gdp = _gdp_row(body[0][1], columns, file, body[0][0], problems)
        body = body[1:]
    if capability == "gdp" and gdp is None:
        problems.append(
            Problem(
                "no GDP row: --capability gdp needs the second row to hold GDP per actor",
                found="an issue in row 2",
                expected="row 2 with empty prnrnmc and GDP figures in the pXX columns",
                file=file,
                line=records[1][0] if len(records) > 1 else header_line,
            )
        )
    if not body:
        problems.append(Problem("no issues", found="no rows after the header", expected="one issue per row", file=file))
    issues = [_issue(cells, columns, file, line, capability, gdp, problems) for line, cells in body]
    _raise(problems)
    return DeuDataset(file, capability, tuple(i for i in issues if i is not None), gdp)


def _records(text: str, file: str) -> list[tuple[int, list[str]]]:
    """Each record with the line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t")
    records: list[tuple[int, list[str]]] = []
    line = 1
    try:
        for cells in reader:
            records.append((line, cells))
            line = reader.line_num + 1
    except csv.Error as error:
        raise InputError([Problem(f"not a tab-separated table: {error}", file=file, line=line)]) from None
    if not records:
        raise InputError([Problem("the file is empty", expected=_WHAT, file=file, line=1)])
    return records


def _columns(header: Sequence[str], file: str, line: int) -> dict[str, int]:
    names = [name.strip().lower() for name in header]
    problems = [
        Problem(
            f"column {name!r} appears twice in the header", found=name, expected="distinct names", file=file, line=line
        )
        for k, name in enumerate(names)
        if name and name in names[:k]
    ]
    problems += [
        Problem(
            f"missing column {name!r}",
            found=f"{len(names)} columns",
            expected=f"a DEU III header with {name}",
            file=file,
            line=line,
        )
        for name in _REQUIRED
        if name not in names
    ]
    _raise(problems)
    return {name: k for k, name in enumerate(names) if name}


def _gdp_row(
    cells: Sequence[str], columns: Mapping[str, int], file: str, line: int, problems: list[Problem]
) -> dict[str, float] | None:
    gdp = {a: _number(cells, columns, f"p{a}", "GDP", file, line, problems, high=math.inf) for a in ACTORS}
    values = {a: v for a, v in gdp.items() if v is not None}
    missing = [f"p{a}" for a in ACTORS if gdp[a] is None and not cells[columns[f"p{a}"]].strip()]
    if missing:
        problems.append(
            Problem(
                f"GDP row: no figure in column {missing[0]!r}"
                + (f" and {len(missing) - 1} more" if len(missing) > 1 else ""),
                found="an empty cell",
                expected="a GDP figure >= 0 for every actor",
                file=file,
                line=line,
            )
        )
    return values if len(values) == len(ACTORS) else None


def _issue(
    cells: Sequence[str],
    columns: Mapping[str, int],
    file: str,
    line: int,
    capability: Capability,
    gdp: Mapping[str, float] | None,
    problems: list[Problem],
) -> DeuIssue | None:
    if len(problems) >= _MAX_PROBLEMS:
        return None
    start = len(problems)
    proposal = cells[columns["prnrnmc"]].strip()
    if not proposal.isdigit():
        problems.append(
            Problem(
                "column 'prnrnmc': the proposal number is not a whole number",
                found=repr(proposal),
                expected="a proposal number such as 1",
                file=file,
                line=line,
            )
        )
    issue = cells[columns["isnr"]].strip() if "isnr" in columns else ""
    issue = issue or f"line {line}"
    rp = _number(cells, columns, "rp", "reference point", file, line, problems)
    outcome = _outcome(cells[columns["out"]].strip(), file, line, problems)
    actors: list[str] = []
    positions: list[float] = []
    saliences: list[float] = []
    missing: list[str] = []
    for actor in ACTORS:
        position = _number(cells, columns, f"p{actor}", f"position of {actor}", file, line, problems)
        salience = _number(cells, columns, f"s{actor}", f"salience of {actor}", file, line, problems)
        if position is None:
            continue
        actors.append(actor)
        positions.append(position)
        saliences.append(0.0 if salience is None else salience / 100.0)
        if salience is None:
            missing.append(actor)
    if len(problems) > start:
        return None
    problem = None
    if actors:
        caps = [1.0] * len(actors) if capability == "none" or gdp is None else [gdp[a] for a in actors]
        problem = BargainingProblem.build(
            actors,
            np.array(positions).reshape(-1, 1),
            saliences,
            caps,
            issues=[issue],
            status_quo=None if rp is None else [rp],
            source=f"{file}:{line}",
        )
    procedure, vote = (cells[columns[name]].strip() if name in columns else "" for name in ("proc", "counvte"))
    return DeuIssue(issue, proposal, line, problem, outcome, rp, procedure, vote, tuple(missing))


def _number(
    cells: Sequence[str],
    columns: Mapping[str, int],
    column: str,
    what: str,
    file: str,
    line: int,
    problems: list[Problem],
    high: float = 100.0,
) -> float | None:
    """The number in a cell, None when empty; a problem when it is not a number from 0 to ``high``."""
    raw = cells[columns[column]].strip()
    if not raw:
        return None
    expected = "a number from 0 to 100" if high == 100.0 else "a number >= 0"
    value = finite_float(raw)
    if value is None:
        problems.append(
            Problem(
                f"column {column!r}: {what} is not a number", found=repr(raw), expected=expected, file=file, line=line
            )
        )
        return None
    if not 0.0 <= value <= high:
        problems.append(
            Problem(f"column {column!r}: {what} is off the scale", found=raw, expected=expected, file=file, line=line)
        )
        return None
    return value


def _outcome(raw: str, file: str, line: int, problems: list[Problem]) -> float | None:
    """The outcome; None for a missing-value marker (no digits), a problem for a damaged number."""
    if not any(ch.isdigit() for ch in raw):
        return None
    return _number([raw], {"out": 0}, "out", "outcome", file, line, problems)


def _raise(problems: list[Problem]) -> None:
    if problems:
        shown = problems[:_MAX_PROBLEMS]
        if len(problems) > _MAX_PROBLEMS:
            shown.append(Problem(f"and {len(problems) - _MAX_PROBLEMS} more problems", file=shown[0].file))
        raise InputError(shown)


__all__ = ["ACTORS", "Capability", "DeuDataset", "DeuIssue", "parse_deu", "read_deu"]
