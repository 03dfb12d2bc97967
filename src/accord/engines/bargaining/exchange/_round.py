"""One round of the exchange model: realise the best exchange, update the rest, repeat.

Follows ``decide.model.utils.ModelLoop.loop`` of decide-exchange-model 2025.3.1:
the candidate list is stably sorted by gain before every pick; the best valid
candidate is realised; every remaining candidate that shares an actor's supply
issue with it (its position there has moved) or its demand issue (the NBS
estimate has moved) is recomputed and dropped if no longer valid. After the
round each realised move sets the actor's vote (``position_voting``, the last
exchange wins) and its next start position ``x + ((1-s) w_s + w_f) (y - x)``
with ``w_s = salience_weight``, ``w_f = fixed_weight``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from accord.engines.bargaining.exchange._candidates import Array, Candidates, Index, build
from accord.engines.bargaining.exchange._gain import calculate, commit


@dataclass(frozen=True)
class Realised:
    """One realised exchange, on the 0-100 working scale (mapped to issue scales by the model)."""

    seq: int
    row: int
    gain: float
    dp: float
    dq: float
    tie: bool
    """Another candidate's gain was within the tie tolerance when this one was picked."""
    x: tuple[float, float]
    y: tuple[float, float]
    nbs0: tuple[float, float]
    nbs1: tuple[float, float]
    adjusted: tuple[bool, bool]


@dataclass(frozen=True)
class RoundResult:
    """What one round did: start/voting/end positions (n, m), NBS and the realised exchanges."""

    start: Array
    voting: Array
    end: Array
    candidates: Candidates
    realised: tuple[Realised, ...]
    n_valid: int


def _resort(order: Index, gain: Array, tolerance: float) -> Index:
    """Stable sort of ``order`` by gain, highest first, gains within ``tolerance`` of their neighbour tied."""
    values = gain[order]
    rank = np.argsort(-values, kind="stable")
    ranked = values[rank]
    group = np.empty(order.size, dtype=np.intp)
    group[rank] = np.concatenate([[0], np.cumsum(ranked[:-1] - ranked[1:] > tolerance)])
    resorted: Index = order[np.argsort(group, kind="stable")]
    return resorted


def _pick(order: Index, gain: Array, tolerance: float, rng: np.random.Generator | None) -> tuple[int, bool]:
    """Index into ``order`` of the candidate to realise, and whether it was tied with the next."""
    top = gain[order]
    tied = int(np.count_nonzero(top[0] - top <= tolerance))
    if rng is None or tied < 2:
        return 0, tied > 1
    return int(rng.integers(tied)), True


def _recompute(c: Candidates, rows: Index, r: int) -> Index:
    """Update the remaining candidates ``rows`` after realising ``r``; the ones still valid, in order."""
    actor, supply, demand = c.actor[rows], c.supply[rows], c.demand[rows]
    # Supply side: this side's actor moved on its supply issue in r; it starts from there now.
    hit = (actor[:, :, None] == c.actor[r][None, None, :]) & (supply[:, :, None] == c.supply[r][None, None, :])
    matched = hit.any(axis=2)
    source = np.where(hit[:, :, 0], 0, 1)
    touched = matched.any(axis=1)
    if touched.any():
        t = rows[touched]
        commit(c, t, matched[touched])
        c.pos[t] = np.where(matched[touched], c.y[r][source[touched]], c.pos[t])
    # Demand side: r's supplier moved on the issue this candidate's partner supplies; note it for the NBS estimate.
    for giver, taker in ((0, 1), (1, 0)):
        who = (actor == c.actor[r, taker]) & (demand == c.demand[r, taker])
        hit_rows = who.any(axis=1)
        if hit_rows.any():
            _note_move(c, rows[hit_rows], 1 - np.argmax(who[hit_rows], axis=1), r, giver)
        touched |= hit_rows
    calculate(c, rows[touched])
    remaining: Index = rows[c.valid[rows]]
    return remaining


def _note_move(c: Candidates, rows: Index, sides: Index, r: int, giver: int) -> None:
    """The package's ``update_updates``: record ``r``'s giver's new vote in the candidates ``rows``.

    A vote already recorded for that actor is kept where it lies beyond the new
    one, seen from the actor's round-start position.
    """
    a = int(c.actor[r, giver])
    y, start = c.y[r, giver], c.start[r, giver]
    known = c.upd_pos[rows, sides, a]
    keep = np.where(start <= known, known < y, known > y) & c.upd_has[rows, sides, a]
    c.upd_pos[rows, sides, a] = np.where(keep, known, y)
    c.upd_has[rows, sides, a] = True


def play_round(
    x: Array,
    salience: Array,
    capability: Array,
    *,
    salience_weight: float | Decimal,
    fixed_weight: float | Decimal,
    tie_tolerance: float,
    slack: float,
    rng: np.random.Generator | None,
) -> RoundResult:
    """Run one round from positions ``x`` (n, m) on the 0-100 working scale."""
    c = build(x, salience, capability, slack)
    calculate(c, np.arange(len(c)))
    order: Index = np.flatnonzero(c.valid)
    n_valid = int(order.size)
    realised: list[Realised] = []
    while order.size:
        order = _resort(order, c.gain, tie_tolerance)
        at, tie = _pick(order, c.gain, tie_tolerance, rng)
        r = int(order[at])
        order = np.delete(order, at)
        realised.append(
            Realised(
                seq=len(realised) + 1,
                row=r,
                gain=float(c.gain[r]),
                dp=float(c.dp[r]),
                dq=float(c.dq[r]),
                tie=tie,
                x=(float(c.pos[r, 0]), float(c.pos[r, 1])),
                y=(float(c.y[r, 0]), float(c.y[r, 1])),
                nbs0=(float(c.nbs0[r, 0]), float(c.nbs0[r, 1])),
                nbs1=(float(c.nbs1[r, 0]), float(c.nbs1[r, 1])),
                adjusted=(bool(c.adjusted[r, 0]), bool(c.adjusted[r, 1])),
            )
        )
        order = _recompute(c, order, r)
    voting, end = x.copy(), x.copy()
    for record in realised:
        for side in (0, 1):
            a, issue = c.actor[record.row, side], c.supply[record.row, side]
            start, y, s = c.start[record.row, side], c.y[record.row, side], salience[a, issue]
            voting[a, issue] = y
            # The package's new_start_position, associated as there.
            kept = (1 - (1 - s) * salience_weight) - fixed_weight
            end[a, issue] = (((1 - s) * salience_weight) * y + fixed_weight * y) + kept * start
    return RoundResult(x, voting, end, c, tuple(realised), n_valid)
