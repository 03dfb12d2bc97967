"""Pol.is exports: ``votes.csv``, ``participants-votes.csv`` and ``comments.csv``, read by header name.

A Pol.is export folder (as published in compdemocracy/openData) holds:

* ``comments.csv``: ``comment-id``, ``moderated`` (-1 moderated out, 0 not yet
  moderated, 1 accepted) and ``comment-body`` (the text), among others;
* ``votes.csv`` (long format): ``voter-id``, ``comment-id``, ``vote`` (+1 agree,
  -1 disagree, 0 pass) and ``timestamp``. It holds re-votes. **Rule: the last
  vote of a participant on a statement counts**: the one with the latest
  timestamp, and of votes with the same timestamp (or without a timestamp
  column) the one further down the file. Exact duplicate rows are therefore
  harmless;
* ``participants-votes.csv`` (wide format): ``participant``, sometimes
  ``xid``, ``group-id`` (the group Pol.is assigned), ``n-comments``,
  ``n-votes``, ``n-agree``, ``n-disagree``, then one column per statement id
  holding 1, -1, 0 or nothing. Some exports have only this file.

``votes.csv`` is used when present (it is the complete record), otherwise
``participants-votes.csv``. Statements moderated out are dropped from the
matrix (the votes cast on them are still counted per participant, see
:class:`~accord.engines.opinion.matrix.VoteMatrix`); 0 and 1 are kept.
Columns may come in any order; every problem (a missing column, an unknown
statement id, a vote outside -1/0/1, a repeated participant or statement row,
an empty file) is an :class:`~accord.errors.InputError` naming the file and
line.
"""

from __future__ import annotations

import csv
import io
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from accord.engines.opinion.matrix import VoteMatrix, id_key, unique_values, vote_matrix_from_triples
from accord.errors import InputError, Problem
from accord.io.yaml_source import read_text

#: Progress of a long read: (rows done, rows in all).
ReadProgress = Callable[[int, int], None]

VOTES, WIDE, COMMENTS = "votes.csv", "participants-votes.csv", "comments.csv"
WIDE_META = ("participant", "xid", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree")
VOTE_VALUES = {"1": 1, "+1": 1, "-1": -1, "0": 0, "1.0": 1, "-1.0": -1, "0.0": 0, "-0": 0}
MAX_PROBLEMS = 50
_EVERY = 20_000


class _Problems:
    """Collects problems of one file and raises them together."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[Problem] = []

    def add(self, message: str, line: int | None, found: str | None = None, expected: str | None = None) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(Problem(message, found=found, expected=expected, file=self.file, line=line))

    def raise_any(self) -> None:
        if self.items:
            raise InputError(self.items)


def _rows(path: Path, what: str) -> tuple[list[str], list[list[str]]]:
    """Header (lower-cased, stripped) and rows of a CSV file; an empty file is an error."""
    text = read_text(path, what)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = [name.strip().lower() for name in rows[0]]
    return header, rows[1:]


def _columns(header: list[str], required: tuple[str, ...], problems: _Problems) -> dict[str, int]:
    where = {name: i for i, name in enumerate(header)}
    for name in required:
        if name not in where:
            problems.add(
                f"missing column {name!r}", 1, found=", ".join(header) or "no columns", expected=", ".join(required)
            )
    problems.raise_any()
    return where


def _vote(text: str) -> int | None:
    return VOTE_VALUES.get(text.strip())


def read_comments(path: Path) -> tuple[dict[Any, str | None], dict[Any, int]]:
    """Texts and moderation (-1, 0, 1) of the statements in a ``comments.csv``."""
    file = str(path)
    problems = _Problems(file)
    header, rows = _rows(path, "a Pol.is comments.csv")
    where = _columns(header, ("comment-id", "moderated"), problems)
    texts: dict[Any, str | None] = {}
    moderation: dict[Any, int] = {}
    first_line: dict[Any, int] = {}
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cid = row[where["comment-id"]].strip() if len(row) > where["comment-id"] else ""
        mod = row[where["moderated"]].strip() if len(row) > where["moderated"] else ""
        if not cid:
            problems.add("empty comment-id", number, expected="a statement id")
            continue
        key = id_key(cid)
        if key in first_line:
            problems.add(
                f"statement {cid} appears twice",
                number,
                found=f"also on line {first_line[key]}",
                expected="one row per statement",
            )
            continue
        first_line[key] = number
        value = _vote(mod) if mod else 0
        if value is None:
            problems.add("moderated must be -1, 0 or 1", number, found=repr(mod), expected="-1, 0 or 1")
            continue
        moderation[key] = value
        body = where.get("comment-body")
        texts[key] = row[body] if body is not None and len(row) > body else None
    problems.raise_any()
    return texts, moderation


def _check_statement(cid: str, known: dict[Any, int] | None, problems: _Problems, line: int) -> Any:
    key = id_key(cid)
    if not cid:
        problems.add("empty statement id", line, expected="a statement id")
    elif known is not None and key not in known:
        problems.add(f"unknown statement id {cid}", line, found=cid, expected="a comment-id of comments.csv")
    return key


def read_votes_long(
    path: Path, moderation: dict[Any, int] | None = None, progress: ReadProgress | None = None
) -> tuple[Any, Any, Any, Any]:
    """(participant, statement, vote, order) of every row of a ``votes.csv``, in file order."""
    file = str(path)
    problems = _Problems(file)
    text = read_text(path, "a Pol.is votes.csv")
    header = [name.strip().lower() for name in next(csv.reader([text.split("\n", 1)[0]]))]
    where = _columns(header, ("voter-id", "comment-id", "vote"), problems)
    pi, si, vi, ti = where["voter-id"], where["comment-id"], where["vote"], where.get("timestamp")
    width = max(pi, si, vi, -1 if ti is None else ti) + 1
    fast = _fast_long(text, (pi, si, vi, ti), moderation)
    if fast is not None:
        if progress is not None:
            progress(len(fast[0]), len(fast[0]))
        return fast
    rows = list(csv.reader(io.StringIO(text, newline="")))[1:]
    p_ids: list[Any] = []
    s_ids: list[Any] = []
    votes: list[int] = []
    stamps: list[int] = []
    total = len(rows)
    for n, row in enumerate(rows):
        line = n + 2
        if progress is not None and n % _EVERY == 0:
            progress(n, total)
        if len(row) < width:
            if any(cell.strip() for cell in row):
                problems.add("row has too few cells", line, found=f"{len(row)} cells", expected=f"{len(header)}")
            continue
        pid, cid, raw = row[pi].strip(), row[si].strip(), row[vi]
        value = _vote(raw)
        if value is None:
            problems.add(
                "vote must be -1, 0 or 1", line, found=repr(raw), expected="-1 (disagree), 0 (pass), 1 (agree)"
            )
        if not pid:
            problems.add("empty voter-id", line, expected="a participant id")
        key = _check_statement(cid, moderation, problems, line)
        stamp = 0
        if ti is not None:
            try:
                stamp = int(float(row[ti]))
            except ValueError:
                problems.add("timestamp is not a number", line, found=repr(row[ti]), expected="milliseconds")
        p_ids.append(pid)
        s_ids.append(key)
        votes.append(value or 0)
        stamps.append(stamp)
    if not p_ids and not problems.items:
        problems.add("no votes in the file", 2, found="only a header", expected="one row per vote")
    problems.raise_any()
    if progress is not None:
        progress(total, total)
    return p_ids, s_ids, votes, stamps


def _fast_long(
    text: str, at: tuple[int, int, int, int | None], moderation: dict[Any, int] | None
) -> tuple[Any, Any, Any, Any] | None:
    """Vectorised reading of a plain ``votes.csv`` with integer ids, or None (then rows are checked one by one)."""
    if '"' in text:
        return None
    pi, si, vi, ti = at
    columns = (pi, si, vi) if ti is None else (pi, si, vi, ti)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            table = np.loadtxt(io.StringIO(text), delimiter=",", skiprows=1, usecols=columns, dtype=np.int64, ndmin=2)
    except ValueError:
        return None
    if table.shape[0] == 0 or not np.isin(table[:, 2], (-1, 0, 1)).all():
        return None
    if moderation is not None:
        known = np.array([k for k in moderation if isinstance(k, int)], dtype=np.int64)
        if not np.isin(table[:, 1], known).all():
            return None
    stamps = table[:, 3] if ti is not None else np.zeros(table.shape[0], dtype=np.int64)
    return table[:, 0].copy(), table[:, 1].copy(), table[:, 2].astype(np.int8), stamps.copy()


def read_votes_wide(
    path: Path, moderation: dict[Any, int] | None = None, progress: ReadProgress | None = None
) -> tuple[list[Any], list[Any], list[int], dict[Any, int | None]]:
    """(participant, statement, vote) triples of a ``participants-votes.csv``, and its group-ids."""
    file = str(path)
    problems = _Problems(file)
    header, rows = _rows(path, "a Pol.is participants-votes.csv")
    where = _columns(header, ("participant",), problems)
    statement_cols = [(i, name) for i, name in enumerate(header) if name not in WIDE_META]
    for _, name in statement_cols:
        _check_statement(name, moderation, problems, 1)
    problems.raise_any()
    keys = [id_key(name) for _, name in statement_cols]
    gi = where.get("group-id")
    p_ids: list[Any] = []
    s_ids: list[Any] = []
    votes: list[int] = []
    groups: dict[Any, int | None] = {}
    first_line: dict[Any, int] = {}
    total = len(rows)
    for n, row in enumerate(rows):
        line = n + 2
        if progress is not None and n % _EVERY == 0:
            progress(n, total)
        if not any(cell.strip() for cell in row):
            continue
        pid = row[where["participant"]].strip() if len(row) > where["participant"] else ""
        if not pid:
            problems.add("empty participant id", line, expected="a participant id")
            continue
        pkey = id_key(pid)
        if pkey in first_line:
            problems.add(
                f"participant {pid} appears twice",
                line,
                found=f"also on line {first_line[pkey]}",
                expected="one row per participant",
            )
            continue
        first_line[pkey] = line
        if gi is not None and gi < len(row):
            cell = row[gi].strip()
            groups[pkey] = int(cell) if cell.lstrip("-").isdigit() else None
        for (i, name), key in zip(statement_cols, keys, strict=True):
            cell = row[i].strip() if i < len(row) else ""
            if not cell:
                continue
            value = _vote(cell)
            if value is None:
                problems.add(
                    f"vote on statement {name} must be -1, 0, 1 or empty",
                    line,
                    found=repr(cell),
                    expected="-1, 0, 1 or nothing",
                )
                continue
            p_ids.append(pid)
            s_ids.append(key)
            votes.append(value)
    if not first_line and not problems.items:
        problems.add("no participants in the file", 2, found="only a header", expected="one row per participant")
    problems.raise_any()
    if progress is not None:
        progress(total, total)
    return p_ids, s_ids, votes, groups


def _folder_of(path: Path) -> tuple[Path, Path | None]:
    """The export folder and, when ``path`` is a file in it, that file."""
    return (path, None) if path.is_dir() else (path.parent, path)


def read_polis(path: str | Path, progress: ReadProgress | None = None) -> VoteMatrix:
    """A Pol.is export (folder, or its ``votes.csv`` / ``participants-votes.csv``) as a vote matrix."""
    folder, chosen = _folder_of(Path(path))
    comments = folder / COMMENTS
    texts: dict[Any, str | None] = {}
    moderation: dict[Any, int] | None = None
    if comments.exists():
        texts, moderation = read_comments(comments)
    wide = chosen if chosen is not None and chosen.name == WIDE else folder / WIDE
    long_file = chosen if chosen is not None and chosen.name != WIDE else folder / VOTES
    order: np.ndarray | None = None
    if long_file.exists() and not (chosen is not None and chosen.name == WIDE):
        p_ids, s_ids, votes, stamps = read_votes_long(long_file, moderation, progress)
        order = np.asarray(stamps, dtype=np.int64)
    elif wide.exists():
        p_ids, s_ids, votes, _ = read_votes_wide(wide, moderation, progress)
    else:
        raise InputError(
            [
                Problem(
                    "no Pol.is vote file",
                    found=str(folder),
                    expected=f"a folder with {VOTES} or {WIDE}",
                    file=str(folder),
                )
            ]
        )
    moderation = moderation or {}
    out = [k for k, m in moderation.items() if m == -1]
    kept = [k for k, m in moderation.items() if m != -1]
    voted = {k for k in (unique_values(s_ids).tolist() if isinstance(s_ids, np.ndarray) else s_ids)}
    voted = {k for k in voted if moderation.get(k, 0) != -1}
    statements = sorted({*kept, *voted}, key=lambda k: (isinstance(k, str), k))
    return vote_matrix_from_triples(
        p_ids if isinstance(p_ids, np.ndarray) else np.array(p_ids, dtype=object),
        s_ids if isinstance(s_ids, np.ndarray) else np.array(s_ids, dtype=object),
        np.asarray(votes, dtype=np.int8),
        order=order,
        statements=np.array(statements, dtype=object),
        texts=texts,
        moderation=moderation,
        moderated_out=out,
        source=str(folder),
    )


def read_polis_groups(path: str | Path) -> dict[Any, int | None]:
    """The group Pol.is itself assigned to each participant (``group-id`` of participants-votes.csv)."""
    folder, _ = _folder_of(Path(path))
    _, _, _, groups = read_votes_wide(folder / WIDE)
    return groups


def is_polis_export(path: Path) -> bool:
    """Whether ``path`` is a Pol.is export folder or one of its vote files."""
    if path.is_dir():
        return (path / VOTES).exists() or (path / WIDE).exists()
    return path.name in (VOTES, WIDE)


def read_opinion_input(path: str | Path, progress: ReadProgress | None = None) -> VoteMatrix:
    """Votes from a Pol.is export (folder or vote file) or a plain stance file (CSV or JSON)."""
    from accord.io.stances_table import read_stances

    path = Path(path)
    if path.is_dir():
        if not is_polis_export(path):
            raise InputError(
                [
                    Problem(
                        "no Pol.is vote file in the folder",
                        found=str(path),
                        expected=f"{VOTES} or {WIDE}",
                        file=str(path),
                    )
                ]
            )
        return read_polis(path, progress)
    if not path.exists():
        raise InputError(
            [
                Problem(
                    "no such file or folder", found=str(path), expected="a Pol.is export or stance file", file=str(path)
                )
            ]
        )
    if path.name in (VOTES, WIDE) or (path.suffix.lower() == ".csv" and _header_has(path, "voter-id")):
        return read_polis(path, progress)
    return read_stances(path)


def _header_has(path: Path, name: str) -> bool:
    with path.open(encoding="utf-8", errors="replace") as handle:
        first = handle.readline()
    return name in [cell.strip().lower() for cell in next(csv.reader([first]), [])]
