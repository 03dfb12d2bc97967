"""The vote matrix: who reacted to which statement, and how, as a sparse matrix from the start.

Pol.is (Small et al. 2021, "Polis: Scaling deliberation by mapping high
dimensional opinion spaces") keeps a participants x statements rating matrix in
which a cell is agree (+1), disagree (-1), pass (0) or *not seen*. The
difference between a pass and an unseen statement matters to every later step
(the participant filter counts votes, the projection scales by them, repness
counts the seen), so :class:`VoteMatrix` stores it explicitly: a stored entry of
the CSR matrix is a vote (a stored ``0`` is a pass), an absent entry is unseen.
Never call ``eliminate_zeros`` on it.

Rows and columns are kept in canonical order (ids sorted, numerically when
every id is an integer) so that results do not depend on the order of a file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from accord.engines.opinion.sparse import CSR, as_csr

if TYPE_CHECKING:
    from accord.model import Scenario

#: Ids as Pol.is writes them (integers) or free text (stance files, scenarios).
Ids = np.ndarray

#: A scenario stance at or above this value counts as agree, at or below its negative as disagree.
STANCE_THRESHOLD = 1.0 / 3.0


def canonical_ids(values: Iterable[Any]) -> np.ndarray:
    """Ids as an array: ``int64`` when every id is an integer (so they sort numerically), else ``str``."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "iu":
        return values.astype(np.int64, copy=False)
    items = [str(v).strip() for v in values]
    try:
        return np.array([int(v) for v in items], dtype=np.int64)
    except ValueError:
        return np.array(items, dtype=object)


def id_key(value: Any) -> int | str:
    """The canonical form of one id (an int when it reads as one), for look-ups keyed by id."""
    if isinstance(value, np.integer | int):
        return int(value)
    text = str(value).strip()
    try:
        return int(text)
    except ValueError:
        return text


def id_to_json(value: Any) -> int | str:
    """An id as it goes into JSON: a Python int for integer ids, else text."""
    return int(value) if isinstance(value, np.integer | int) else str(value)


@dataclass(frozen=True, eq=False)
class VoteMatrix:
    """Participants x statements votes in {-1, 0, +1}, sparse, with the seen structure explicit.

    ``participants`` and ``statements`` hold the ids in canonical (sorted)
    order; ``votes`` is a :class:`~accord.engines.opinion.sparse.CSR` matrix
    (``int8``) whose stored entries are the votes (sorted column indices within
    each row; a scipy sparse matrix given here is converted, and
    ``votes.to_scipy()`` gives one back); ``texts`` and
    ``moderation`` (0 unmoderated, 1 accepted) follow ``statements``.
    Statements moderated out (-1) are not columns: the ids of those that
    received votes are in ``moderated_out`` and the votes cast on them in
    ``moderated`` (a CSR matrix whose columns follow ``moderated_out``; its
    row counts are ``moderated_votes``), because Pol.is keeps them as
    zeroed columns, which its participant filter and projection count).
    """

    participants: np.ndarray
    statements: np.ndarray
    votes: CSR
    texts: tuple[str | None, ...] = ()
    moderation: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))
    moderated_out: tuple[int | str, ...] = ()
    moderated: CSR = None  # type: ignore[assignment]  # filled in by __post_init__
    source: str | None = None

    def __post_init__(self) -> None:
        n_p, n_s = len(self.participants), len(self.statements)
        if not isinstance(self.votes, CSR):
            object.__setattr__(self, "votes", as_csr(self.votes))
        if self.votes.shape != (n_p, n_s):
            raise ValueError(f"votes have shape {self.votes.shape}, expected {(n_p, n_s)}")
        if not self.texts:
            object.__setattr__(self, "texts", (None,) * n_s)
        if len(self.moderation) != n_s:
            object.__setattr__(self, "moderation", np.zeros(n_s, dtype=np.int8))
        if self.moderated is None:
            object.__setattr__(self, "moderated", CSR.empty((n_p, len(self.moderated_out))))
        elif not isinstance(self.moderated, CSR):
            object.__setattr__(self, "moderated", as_csr(self.moderated))

    @property
    def moderated_votes(self) -> np.ndarray:
        """Votes each participant cast on statements moderated out."""
        return np.asarray(np.diff(self.moderated.indptr), dtype=np.int64)

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.participants), len(self.statements))

    @property
    def n_votes(self) -> int:
        """Number of votes (passes included)."""
        return int(self.votes.nnz)

    def votes_per_participant(self) -> np.ndarray:
        """Votes each participant cast on the kept statements."""
        return np.asarray(np.diff(self.votes.indptr), dtype=np.int64)

    def dense(self, unseen: float = np.nan) -> np.ndarray:
        """A dense float copy with ``unseen`` in the cells nobody filled (for small matrices and tests)."""
        return self.votes.toarray(fill=float(unseen)).astype(np.float64, copy=False)

    def triples(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(participant index, statement index, vote) of every stored vote, row by row."""
        return self.votes.row_ids(), self.votes.indices.astype(np.int64), self.votes.data.astype(np.int8)


def build_csr(
    rows: np.ndarray, cols: np.ndarray, values: np.ndarray, shape: tuple[int, int], order: np.ndarray | None = None
) -> CSR:
    """A CSR vote matrix from triples, keeping the *last* of repeated (row, column) pairs.

    "Last" follows ``order`` (e.g. a timestamp) and then the position in the
    input, so a re-vote replaces the earlier vote, as in Pol.is. Explicit zeros
    (passes) are kept. See :meth:`~accord.engines.opinion.sparse.CSR.from_triples`.
    """
    return CSR.from_triples(rows, cols, values, shape, order, dtype=np.int8)


def unique_values(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted: ``np.unique`` without its lazy import of ``numpy.ma`` (about 10 ms)."""
    ordered = np.sort(np.asarray(values), kind="stable")
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def index_of(ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Positions of ``wanted`` in the sorted id array ``ids`` (-1 where absent)."""
    if len(ids) == 0:
        return np.full(len(wanted), -1, dtype=np.int64)
    pos = np.searchsorted(ids, wanted)
    pos = np.clip(pos, 0, len(ids) - 1)
    return np.where(ids[pos] == wanted, pos, -1).astype(np.int64)


def vote_matrix_from_triples(
    participant_ids: Sequence[Any] | np.ndarray,
    statement_ids: Sequence[Any] | np.ndarray,
    votes: Sequence[int] | np.ndarray,
    *,
    order: np.ndarray | None = None,
    statements: Sequence[Any] | np.ndarray | None = None,
    texts: dict[Any, str | None] | None = None,
    moderation: dict[Any, int] | None = None,
    moderated_out: Iterable[Any] = (),
    source: str | None = None,
) -> VoteMatrix:
    """A :class:`VoteMatrix` from parallel arrays of votes (last vote of a pair wins; see :func:`build_csr`).

    ``statements`` lists the statements to keep as columns (default: those
    voted on); votes on ``moderated_out`` statements are not columns but are
    counted per participant in ``moderated_votes``.
    """
    p_raw = canonical_ids(participant_ids)
    listed = list(statements) if statements is not None else []
    out_list = list(moderated_out)
    s_all = _joined(_as_array(statement_ids), _joined(_as_array(listed), _as_array(out_list)))
    n_votes, n_listed = len(statement_ids), len(listed)
    s_raw, listed_ids, out_ids = s_all[:n_votes], s_all[n_votes : n_votes + n_listed], s_all[n_votes + n_listed :]
    values = np.asarray(votes, dtype=np.int8)
    is_out = np.isin(s_raw, out_ids) if len(out_ids) else np.zeros(len(s_raw), dtype=bool)
    participants = unique_values(p_raw)
    columns = unique_values(listed_ids) if statements is not None else unique_values(s_raw[~is_out])
    if len(out_ids) and len(columns):
        columns = columns[~np.isin(columns, out_ids)]
    rows = index_of(participants, p_raw)
    keep = ~is_out
    cols = index_of(columns, s_raw[keep])
    if np.any(cols < 0):
        raise ValueError("votes name statements that are not columns")
    matrix = build_csr(
        rows[keep],
        cols,
        values[keep],
        (len(participants), len(columns)),
        None if order is None else np.asarray(order)[keep],
    )
    out_columns = unique_values(s_raw[is_out])
    moderated = build_csr(
        rows[is_out],
        index_of(out_columns, s_raw[is_out]),
        values[is_out],
        (len(participants), len(out_columns)),
        None if order is None else np.asarray(order)[is_out],
    )
    texts = {id_key(k): v for k, v in (texts or {}).items()}
    moderation = {id_key(k): int(v) for k, v in (moderation or {}).items()}
    return VoteMatrix(
        participants=participants,
        statements=columns,
        votes=matrix,
        texts=tuple(texts.get(id_to_json(s)) for s in columns),
        moderation=np.array([moderation.get(id_to_json(s), 0) for s in columns], dtype=np.int8),
        moderated_out=tuple(id_to_json(s) for s in out_columns),
        moderated=moderated,
        source=source,
    )


def merge_votes(matrix: VoteMatrix, new: VoteMatrix) -> VoteMatrix:
    """The votes of ``matrix`` updated by ``new`` (a vote in ``new`` replaces the one it re-casts).

    Texts and moderation of ``new`` win where it has them; the result is in
    canonical order, exactly as if all votes had been read at once.
    """
    parts = []
    for rank, part in enumerate((matrix, new)):
        rows, cols, values = part.triples()
        out_rows = np.repeat(np.arange(part.shape[0], dtype=np.int64), np.diff(part.moderated.indptr))
        out_ids = canonical_ids(part.moderated_out)
        parts.append(
            (
                _joined(part.participants[rows], part.participants[out_rows]),
                _joined(part.statements[cols], out_ids[part.moderated.indices] if len(out_ids) else out_ids[:0]),
                np.concatenate([values, part.moderated.data.astype(np.int8)]),
                np.full(len(rows) + len(out_rows), rank, dtype=np.int64),
            )
        )
    texts = dict(zip((id_to_json(s) for s in matrix.statements), matrix.texts, strict=True))
    texts.update({id_to_json(s): t for s, t in zip(new.statements, new.texts, strict=True) if t is not None})
    moderation = {id_to_json(s): int(m) for s, m in zip(matrix.statements, matrix.moderation, strict=True)}
    moderation.update({id_to_json(s): int(m) for s, m in zip(new.statements, new.moderation, strict=True)})
    return vote_matrix_from_triples(
        _joined(parts[0][0], parts[1][0]),
        _joined(parts[0][1], parts[1][1]),
        np.concatenate([parts[0][2], parts[1][2]]),
        order=np.concatenate([parts[0][3], parts[1][3]]),
        statements=_joined(matrix.statements, new.statements),
        texts=texts,
        moderation=moderation,
        moderated_out=(*(s for s in matrix.moderated_out if s not in moderation), *new.moderated_out),
        source=matrix.source,
    )


def _as_array(values: Sequence[Any] | np.ndarray) -> np.ndarray:
    if isinstance(values, np.ndarray):
        return values
    return np.array([str(v) for v in values], dtype=object)


def _joined(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Two id arrays end to end, as integers when both are, else as text (then re-read canonically)."""
    if len(b) == 0:
        return canonical_ids(a)
    if len(a) == 0:
        return canonical_ids(b)
    if a.dtype.kind in "iu" and b.dtype.kind in "iu":
        return np.concatenate([a, b]).astype(np.int64)
    return canonical_ids([*(str(x) for x in a), *(str(x) for x in b)])


def vote_matrix_from_scenario(
    scenario: Scenario, parties: Sequence[str] | None = None, threshold: float = STANCE_THRESHOLD
) -> VoteMatrix:
    """The parties' stances on the scenario's propositions as votes.

    A stance is graded (-1 reject .. +1 accept, the mean of its estimates):
    at or above ``threshold`` it is an agree, at or below ``-threshold`` a
    disagree, in between a pass; an ``unknown`` stance is unseen. With a
    handful of parties the pipeline makes each party its own group.
    """
    chosen = set(parties) if parties is not None else None
    p_ids: list[str] = []
    s_ids: list[str] = []
    values: list[int] = []
    for stance in scenario.stances:
        if stance.value is None or (chosen is not None and stance.actor not in chosen):
            continue
        value = stance.value.mean
        p_ids.append(stance.actor)
        s_ids.append(stance.proposition)
        values.append(1 if value >= threshold else -1 if value <= -threshold else 0)
    texts: dict[Any, str | None] = {p.id: p.text for p in scenario.propositions}
    statements = [p.id for p in scenario.propositions]
    return vote_matrix_from_triples(
        np.array(p_ids, dtype=object),
        np.array(s_ids, dtype=object),
        np.array(values, dtype=np.int8),
        statements=np.array(statements, dtype=object),
        texts=texts,
        source=f"scenario {scenario.id}",
    )
