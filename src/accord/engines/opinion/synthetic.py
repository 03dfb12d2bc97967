"""A seeded generator of conversations with planted opinion groups, for tests and the scale benchmark.

Each participant belongs to one planted group and votes on ``votes_per_participant``
distinct statements drawn at random. Each group leans on each statement one
of three ways (agree 80% / disagree 10%, the reverse, or split 40/40), the
rest being passes; a share of ``consensus`` statements every group agrees
with. The matrix is built row block by row block straight into CSR arrays,
so a million participants and 50 million votes fit in well under a gigabyte.
The same arguments give the same matrix on every machine (numpy's PCG64).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accord.engines.opinion.matrix import VoteMatrix

_LEANS = np.array([[0.8, 0.1], [0.1, 0.8], [0.4, 0.4]])


@dataclass(frozen=True)
class Planted:
    """A generated conversation: the vote matrix and the planted group of every participant."""

    matrix: VoteMatrix
    groups: np.ndarray


def planted_arrays(
    n_participants: int,
    n_statements: int,
    votes_per_participant: int,
    n_groups: int = 3,
    seed: int = 0,
    consensus: float = 0.05,
    block: int = 100_000,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """CSR arrays (indptr, indices, data) of the votes and the planted groups (see the module docstring)."""
    if votes_per_participant > n_statements:
        raise ValueError("more votes per participant than statements")
    rng = np.random.default_rng(seed)
    sizes = rng.dirichlet(np.full(n_groups, 4.0))
    groups = rng.choice(n_groups, size=n_participants, p=sizes).astype(np.int64)
    lean = rng.integers(0, 3, size=(n_groups, n_statements))
    lean[:, rng.random(n_statements) < consensus] = 0
    p_agree, p_disagree = _LEANS[lean, 0], _LEANS[lean, 1]
    k = votes_per_participant
    indptr = np.arange(n_participants + 1, dtype=np.int64) * k
    indices = np.empty(n_participants * k, dtype=np.int32)
    data = np.empty(n_participants * k, dtype=np.int8)
    offsets = np.arange(k, dtype=np.int64)
    for start in range(0, n_participants, block):
        stop = min(start + block, n_participants)
        draws = np.sort(rng.integers(0, n_statements - k + 1, size=(stop - start, k)), axis=1) + offsets
        g = groups[start:stop, None]
        u = rng.random(draws.shape)
        agree, disagree = p_agree[g, draws], p_disagree[g, draws]
        values = np.where(u < agree, 1, np.where(u < agree + disagree, -1, 0)).astype(np.int8)
        indices[start * k : stop * k] = draws.ravel()
        data[start * k : stop * k] = values.ravel()
    return indptr, indices, data, groups


def planted(
    n_participants: int,
    n_statements: int,
    votes_per_participant: int,
    n_groups: int = 3,
    seed: int = 0,
    consensus: float = 0.05,
) -> Planted:
    """A :class:`VoteMatrix` with planted groups; participants and statements are numbered from 0."""
    from accord.engines.opinion.sparse import CSR

    indptr, indices, data, groups = planted_arrays(
        n_participants, n_statements, votes_per_participant, n_groups, seed, consensus
    )
    votes = CSR(indptr, indices, data, (n_participants, n_statements))
    matrix = VoteMatrix(
        participants=np.arange(n_participants, dtype=np.int64),
        statements=np.arange(n_statements, dtype=np.int64),
        votes=votes,
        source=f"synthetic(seed={seed})",
    )
    return Planted(matrix=matrix, groups=groups)
