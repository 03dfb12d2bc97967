"""The candidate exchanges of one round, held as parallel arrays (one row per candidate).

Stokman & Van Oosten (1994) let two actors trade voting positions on two issues
when each cares relatively more about the issue on which the other gives way.
Which pairs may trade follows from where each actor stands relative to the
round's Nash bargaining solution (NBS, the ``c*s``-weighted mean) on issues
``p`` and ``q``: group *a* is right of the NBS on both, *d* left of it on both
("left" includes sitting on it), *b* left on ``p`` only, *c* left on ``q`` only.
Only a-d and b-c pairs can gain from trading. This follows the candidate list
of the reference implementation, decide-exchange-model 2025.3.1
(``decide.model.base.AbstractModel.determine_groups_and_calculate_exchanges``):
issue pairs in combination order, then the a x d actor pairs, then b x c, actors
in the given order. That order is the tie order of the reference runs.

In each candidate, side 0 (the package's ``i``) demands ``p`` and supplies
(moves on) ``q``; side 1 (``j``) demands ``q`` and supplies ``p``. Side 0 is the
partner with the larger salience ratio ``s_p / s_q``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
Index = NDArray[np.intp]
Mask = NDArray[np.bool_]


@dataclass
class Candidates:
    """Every candidate exchange of a round and its mutable state (arrays of shape (E,) or (E, 2)).

    Numbers are float64, or Python ``Decimal`` objects (dtype object) when the
    model reproduces the reference package's decimal arithmetic.
    """

    x: Array
    """(n, m) round-start positions on the 0-100 working scale."""
    sal: Array
    cap: Array
    den: Array
    """(m,) ``sum s*c`` per issue."""
    slack: float
    """Tolerance of the knife-edge comparisons (0 in decimal arithmetic)."""
    p: Index
    q: Index
    ad: Mask
    """True for an a-d pair, False for b-c."""
    actor: Index
    supply: Index
    demand: Index
    start: Array
    """Each side's position on its supply issue at the start of the round."""
    target: Array
    """The partner's round-start position on this side's supply issue (where this side moves towards)."""
    pos: Array
    """This side's current position on its supply issue (moved by earlier exchanges of the round)."""
    move: Array = field(init=False)
    y: Array = field(init=False)
    hist_sum: Array = field(init=False)
    hist_nonpos: Mask = field(init=False)
    hist_nonneg: Mask = field(init=False)
    upd_pos: Array = field(init=False)
    upd_has: Mask = field(init=False)
    """(E, 2, n): partners' votes recorded on this side's supply issue (the package's ``exchange.updates``)."""
    nbs0: Array = field(init=False)
    nbs1: Array = field(init=False)
    adjusted: Mask = field(init=False)
    dp: Array = field(init=False)
    dq: Array = field(init=False)
    gain: Array = field(init=False)
    valid: Mask = field(init=False)

    def __post_init__(self) -> None:
        shape = self.pos.shape
        zero = self.x.flat[0] * 0
        self.move, self.hist_sum = np.full(shape, zero), np.full(shape, zero)
        self.y = self.pos.copy()
        self.hist_nonpos = np.zeros(shape, dtype=bool)
        self.hist_nonneg = np.zeros(shape, dtype=bool)
        self.upd_pos = np.full((*shape, self.x.shape[0]), zero)
        self.upd_has = np.zeros((*shape, self.x.shape[0]), dtype=bool)
        self.nbs0, self.nbs1 = np.full(shape, zero), np.full(shape, zero)
        self.adjusted = np.zeros(shape, dtype=bool)
        self.dp, self.dq, self.gain = (np.full(shape[0], zero) for _ in range(3))
        self.valid = np.zeros(shape[0], dtype=bool)

    def __len__(self) -> int:
        return int(self.p.shape[0])

    def s(self, rows: Index, side: int, which: str = "supply") -> Array:
        """Salience of a side's actor on its supply (or demand) issue."""
        issue = self.supply if which == "supply" else self.demand
        result: Array = self.sal[self.actor[rows, side], issue[rows, side]]
        return result

    def c(self, rows: Index, side: int) -> Array:
        """Capability of a side's actor on its supply issue."""
        result: Array = self.cap[self.actor[rows, side], self.supply[rows, side]]
        return result

    def d(self, rows: Index, side: int) -> Array:
        """``sum s*c`` of a side's supply issue."""
        result: Array = self.den[self.supply[rows, side]]
        return result


def enumerate_pairs(x: Array, present: Mask, nbs: Array, slack: float) -> tuple[Index, Index, Index, Mask]:
    """``(p, q, pairs, ad)`` of every a-d and b-c pair, in the reference's order.

    Returns issue indices ``p``, ``q`` (E,), actor pairs (E, 2) as ``[i, j]`` as
    grouped, and the a-d mask. Actors with zero ``capability * salience`` on ``p``
    or ``q`` take no part in that pair's trades.
    """
    m = x.shape[1]
    left = x <= nbs + slack
    ps: list[Index] = []
    qs: list[Index] = []
    pairs: list[Index] = []
    ads: list[Mask] = []
    for p, q in combinations(range(m), 2):
        both = present[:, p] & present[:, q]
        code = left[:, p].astype(np.intp) + 2 * left[:, q].astype(np.intp)
        for first, second, ad in ((0, 3, True), (1, 2, False)):
            i = np.flatnonzero(both & (code == first))
            j = np.flatnonzero(both & (code == second))
            if i.size == 0 or j.size == 0:
                continue
            grid = np.stack([np.repeat(i, j.size), np.tile(j, i.size)], axis=1)
            pairs.append(grid)
            ps.append(np.full(grid.shape[0], p, dtype=np.intp))
            qs.append(np.full(grid.shape[0], q, dtype=np.intp))
            ads.append(np.full(grid.shape[0], ad))
    if not pairs:
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty, np.zeros((0, 2), dtype=np.intp), np.zeros(0, dtype=bool)
    return np.concatenate(ps), np.concatenate(qs), np.concatenate(pairs), np.concatenate(ads)


def nbs(x: Array, sal: Array, cap: Array, den: Array) -> Array:
    """``sum (x*s)*c / sum s*c`` per issue, summed in actor order (as the package does)."""
    result: Array = np.add.reduce((x * sal) * cap, axis=0) / den
    return result


def build(x: Array, sal: Array, cap: Array, slack: float) -> Candidates:
    """The round's candidates at positions ``x`` (n, m) on the 0-100 working scale."""
    weight = sal * cap
    den = np.add.reduce(weight, axis=0)
    p, q, pair, ad = enumerate_pairs(x, weight > 0, nbs(x, sal, cap, den), slack)
    i, j = pair[:, 0], pair[:, 1]
    # The partner with the larger s_p / s_q demands p (becomes side 0), as in the package's AbstractExchange.
    swap = np.asarray(sal[i, p] / sal[i, q] < sal[j, p] / sal[j, q], dtype=bool)
    actor = np.stack([np.where(swap, j, i), np.where(swap, i, j)], axis=1)
    supply = np.stack([q, p], axis=1)
    demand = np.stack([p, q], axis=1)
    start = x[actor, supply]
    return Candidates(
        x=x,
        sal=sal,
        cap=cap,
        den=den,
        slack=slack,
        p=p,
        q=q,
        ad=ad,
        actor=actor,
        supply=supply,
        demand=demand,
        start=start,
        target=x[actor, demand][:, ::-1].copy(),
        pos=start.copy(),
    )
