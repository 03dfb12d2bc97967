"""The Schulze method: a full ranking of candidates from ballots, by strongest paths.

Markus Schulze (2011), "A new monotonic, clone-independent, reversal symmetric, and
Condorcet-consistent single-winner election method", Social Choice and Welfare 36(2): 267-303.

``d[a, b]`` is the number (or weight) of voters who strictly prefer ``a`` to ``b``; a link ``a -> b``
has strength ``d[a, b]`` when ``d[a, b] > d[b, a]`` (winning votes) and 0 otherwise; ``p[a, b]`` is the
strength of the strongest path from ``a`` to ``b`` (the widest path, found Floyd-Warshall style, one
vectorised max-min update per intermediate candidate: O(n^3) in numpy). ``a`` ranks above ``b`` when
``p[a, b] > p[b, a]``; Schulze proves this relation transitive (and ``p[a, b] >= p[b, a]`` a complete
preorder), so counting whom each candidate beats gives the full ranking. Candidates with
``p[a, b] == p[b, a]`` are tied: they share a rank, and within it keep the order they were given in
(deterministic; Schulze's random tie-breaking ballot is not used).

Ballots come as rankings (:func:`pairwise_from_rankings`), as a score matrix voters x candidates where
higher is preferred, equal is indifferent and NaN is no opinion (:func:`pairwise_from_scores`), or as
-1/0/+1 votes with a seen mask (:func:`pairwise_from_votes`, sparse-friendly). A voter with no
opinion on a candidate counts in none of that candidate's pairs.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp  # type: ignore[import-untyped, unused-ignore]
from numpy.typing import NDArray

Float = NDArray[np.float64]


@dataclass(frozen=True)
class SchulzeResult:
    """The pairwise preferences, strongest paths and the ranking they give."""

    candidates: list[Any]
    d: Float
    """``d[a, b]``: weight of voters preferring candidate ``a`` to ``b``."""
    p: Float
    """``p[a, b]``: strength of the strongest path from ``a`` to ``b``."""
    order: list[Any]
    """The candidates best first; tied candidates in their given order."""
    ranks: dict[Any, int]
    """Candidate to rank (1 = best); tied candidates share a rank."""
    wins: dict[Any, int]
    """Candidate to the number of candidates it beats (``p[a, b] > p[b, a]``)."""

    @property
    def winners(self) -> list[Any]:
        """The candidates ranked first (several when tied)."""
        return [c for c in self.order if self.ranks[c] == 1]


def strongest_paths(d: Float) -> Float:
    """Strengths of the strongest (widest) paths between candidates, from the pairwise matrix ``d``."""
    d = np.asarray(d, dtype=np.float64)
    p = np.where(d > d.T, d, 0.0)
    np.fill_diagonal(p, 0.0)
    for k in range(len(p)):
        np.maximum(p, np.minimum(p[:, k : k + 1], p[k : k + 1, :]), out=p)
    np.fill_diagonal(p, 0.0)
    return p


def schulze(d: Float, candidates: Sequence[Any] | None = None) -> SchulzeResult:
    """Rank candidates by the Schulze method from the pairwise preference matrix ``d``."""
    d = np.asarray(d, dtype=np.float64)
    n = len(d)
    if d.shape != (n, n):
        raise ValueError(f"the pairwise matrix must be square, not {d.shape}")
    names = list(range(n)) if candidates is None else list(candidates)
    if len(names) != n:
        raise ValueError(f"{len(names)} candidates for a {n} x {n} pairwise matrix")
    p = strongest_paths(d)
    beats = p > p.T
    wins = beats.sum(axis=1)
    order = sorted(range(n), key=lambda i: (-wins[i], i))
    ranks: dict[Any, int] = {}
    rank = 0
    for position, i in enumerate(order):
        if position == 0 or beats[order[position - 1], i]:
            rank = position + 1
        ranks[names[i]] = rank
    return SchulzeResult(
        candidates=names,
        d=d,
        p=p,
        order=[names[i] for i in order],
        ranks=ranks,
        wins={names[i]: int(wins[i]) for i in range(n)},
    )


def pairwise_from_rankings(
    ballots: Iterable[tuple[Sequence[Hashable | Sequence[Hashable]], float]], candidates: Sequence[Hashable]
) -> Float:
    """``d`` from ranked ballots, each ``(ranking, weight)``; the ranking lists candidates best first.

    An entry of a ranking may be a tuple/list/set of candidates ranked equal. Candidates a ballot leaves
    out rank below all it lists, equal among themselves.
    """
    index = {c: i for i, c in enumerate(candidates)}
    n = len(index)
    d = np.zeros((n, n))
    for ranking, weight in ballots:
        level = np.full(n, len(ranking), dtype=np.int64)
        for position, entry in enumerate(ranking):
            group = entry if isinstance(entry, tuple | list | set | frozenset) else (entry,)
            for candidate in group:
                if candidate not in index:
                    raise ValueError(f"unknown candidate {candidate!r} in a ballot")
                level[index[candidate]] = position
        d += weight * (level[:, None] < level[None, :])
    return d


def pairwise_from_scores(scores: Any, weights: Any = None, chunk: int = 4096) -> Float:
    """``d`` from a voters x candidates score matrix: higher preferred, equal indifferent, NaN no opinion."""
    matrix = np.asarray(scores, dtype=np.float64)
    n_v, n = matrix.shape
    w = np.ones(n_v) if weights is None else np.asarray(weights, dtype=np.float64)
    d = np.zeros((n, n))
    step = max(1, chunk * 64 // max(n * n, 1))
    for start in range(0, n_v, step):
        block = matrix[start : start + step]
        prefers = block[:, :, None] > block[:, None, :]  # NaN compares False: no opinion, no preference
        d += np.einsum("v,vab->ab", w[start : start + step], prefers)
    return d


def vote_indicators(votes: Any, seen: Any) -> tuple[sp.csr_matrix, sp.csr_matrix, sp.csr_matrix]:
    """Agree, disagree and seen indicators (float CSR) of a -1/0/+1 vote matrix; votes not seen are ignored."""
    if sp.issparse(votes):
        matrix = sp.csr_matrix(votes, dtype=np.float64)
        mask = sp.csr_matrix(matrix, dtype=bool) if seen is None else sp.csr_matrix(seen, dtype=bool)
        if seen is None:
            mask.data[:] = True
    else:
        dense = np.asarray(votes, dtype=np.float64)
        observed = ~np.isnan(dense) if seen is None else np.asarray(seen, dtype=bool)
        matrix = sp.csr_matrix(np.where(observed, np.nan_to_num(dense), 0.0))
        mask = sp.csr_matrix(observed)
    mask.eliminate_zeros()
    matrix = sp.csr_matrix(matrix.multiply(mask))
    agree = sp.csr_matrix(matrix > 0, dtype=np.float64)
    disagree = sp.csr_matrix(matrix < 0, dtype=np.float64)
    return agree, disagree, sp.csr_matrix(mask, dtype=np.float64)


def pairwise_from_votes(votes: Any, seen: Any = None) -> Float:
    """``d`` from -1/0/+1 votes (participants x statements) and a seen mask, as sparse products.

    With A, P, N the indicators of agree, pass and disagree among seen votes, a participant prefers
    statement a to b when it agreed with a and passed on or disagreed with b, or passed on a and
    disagreed with b: ``d = A^T (P + N) + P^T N``. ``seen=None`` treats stored entries of a sparse
    matrix, or non-NaN entries of a dense one, as seen.
    """
    agree, disagree, mask = vote_indicators(votes, seen)
    passed = mask - agree - disagree
    passed.eliminate_zeros()
    d = agree.T @ (passed + disagree) + passed.T @ disagree
    return np.asarray(d.toarray() if sp.issparse(d) else d, dtype=np.float64)
