"""Plain stance files: one vote per row (CSV) or per object (JSON), for opinion analysis.

CSV: a header with ``participant``, ``statement`` and ``vote`` (any order, other
columns ignored; an optional ``text`` column gives the statement's text).
JSON: a list of ``{"participant", "statement", "vote"}`` objects, or an
object ``{"votes": [...], "statements": [{"id", "text"}, ...]}``.
A vote is ``1``/``agree``, ``-1``/``disagree`` or ``0``/``pass``. A stance file
has no time order, so a participant giving two votes on one statement is an
error naming both places (unlike Pol.is's ``votes.csv``, where the later vote
wins).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import numpy as np

from accord.engines.opinion.matrix import VoteMatrix, id_key, vote_matrix_from_triples
from accord.errors import InputError, Problem
from accord.io.yaml_source import read_text

WORDS = {"agree": 1, "disagree": -1, "pass": 0, "1": 1, "+1": 1, "-1": -1, "0": 0}
REQUIRED = ("participant", "statement", "vote")


def _vote(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and value in (-1, 0, 1):
        return int(value)
    return WORDS.get(str(value).strip().lower())


class _Collector:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.p: list[str] = []
        self.s: list[str] = []
        self.v: list[int] = []
        self.where: dict[tuple[Any, Any], str] = {}

    def add(self, pid: Any, sid: Any, vote: Any, place: str, line: int | None, loc: tuple[str | int, ...]) -> None:
        pid_text, sid_text = str(pid if pid is not None else "").strip(), str(sid if sid is not None else "").strip()
        value = _vote(vote)

        def problem(message: str, found: str | None = None, expected: str | None = None) -> None:
            self.problems.append(Problem(message, loc=loc, found=found, expected=expected, file=self.file, line=line))

        if not pid_text:
            problem("empty participant", expected="a participant id")
        if not sid_text:
            problem("empty statement", expected="a statement id")
        if value is None:
            problem("vote must be -1, 0 or 1", found=repr(vote), expected="1/agree, -1/disagree or 0/pass")
        if not pid_text or not sid_text or value is None:
            return
        key = (id_key(pid_text), id_key(sid_text))
        if key in self.where:
            problem(
                f"participant {pid_text} votes twice on statement {sid_text}",
                found=f"also at {self.where[key]}",
                expected="one vote per participant and statement",
            )
            return
        self.where[key] = place
        self.p.append(pid_text)
        self.s.append(sid_text)
        self.v.append(value)

    def matrix(self, texts: dict[Any, str | None], source: str) -> VoteMatrix:
        if not self.p and not self.problems:
            self.problems.append(Problem("no votes in the file", expected="one vote per row", file=self.file))
        if self.problems:
            raise InputError(self.problems[:50])
        return vote_matrix_from_triples(
            np.array(self.p, dtype=object),
            np.array(self.s, dtype=object),
            np.array(self.v, dtype=np.int8),
            statements=np.array(sorted(set(self.s) | {str(k) for k in texts}), dtype=object),
            texts=texts,
            source=source,
        )


def read_stances_csv(path: Path) -> VoteMatrix:
    """Votes from a CSV stance file (see the module docstring)."""
    file = str(path)
    rows = list(csv.reader(io.StringIO(read_text(path, "a stance CSV"), newline="")))
    header = [name.strip().lower() for name in rows[0]]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise InputError(
            [
                Problem(
                    f"missing column {name!r}", found=", ".join(header), expected=", ".join(REQUIRED), file=file, line=1
                )
                for name in missing
            ]
        )
    at = {name: header.index(name) for name in (*REQUIRED, "text") if name in header}
    out = _Collector(file)
    texts: dict[Any, str | None] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {name: (row[i] if i < len(row) else "") for name, i in at.items()}
        out.add(cells["participant"], cells["statement"], cells["vote"], f"line {number}", number, ())
        if cells.get("text"):
            texts[id_key(cells["statement"])] = cells["text"]
    return out.matrix(texts, file)


def read_stances_json(path: Path) -> VoteMatrix:
    """Votes from a JSON stance file (see the module docstring)."""
    file = str(path)
    try:
        data = json.loads(read_text(path, "a stance JSON file"))
    except json.JSONDecodeError as error:
        raise InputError([Problem(f"not valid JSON: {error.msg}", file=file, line=error.lineno)]) from None
    texts: dict[Any, str | None] = {}
    votes = data
    if isinstance(data, dict):
        votes = data.get("votes")
        for i, item in enumerate(data.get("statements") or []):
            if not isinstance(item, dict) or "id" not in item:
                raise InputError([Problem("a statement needs an id", loc=("statements", i), file=file)])
            texts[id_key(item["id"])] = item.get("text")
    if not isinstance(votes, list):
        raise InputError(
            [
                Problem(
                    "expected a list of votes",
                    found=type(votes).__name__,
                    expected='[{"participant", "statement", "vote"}, ...]',
                    file=file,
                )
            ]
        )
    out = _Collector(file)
    for i, item in enumerate(votes):
        loc: tuple[str | int, ...] = ("votes", i) if isinstance(data, dict) else (i,)
        if not isinstance(item, dict) or any(k not in item for k in REQUIRED):
            out.problems.append(
                Problem(
                    "a vote needs participant, statement and vote",
                    loc=loc,
                    found=json.dumps(item)[:80],
                    expected=", ".join(REQUIRED),
                    file=file,
                )
            )
            continue
        out.add(item["participant"], item["statement"], item["vote"], f"vote {i}", None, loc)
    return out.matrix(texts, file)


def read_stances(path: str | Path) -> VoteMatrix:
    """A stance file, CSV or JSON by its suffix."""
    path = Path(path)
    return read_stances_json(path) if path.suffix.lower() == ".json" else read_stances_csv(path)
