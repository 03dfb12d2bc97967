"""Equal-gain terms of a batch of candidate exchanges, vectorised over candidates.

Stokman & Van Oosten (1994): when actor ``j`` moves its vote on ``p`` by ``dx``,
the outcome (NBS) of ``p`` shifts by the *exchange ratio* ``dx * s_jp c_jp /
sum_k s_kp c_kp``. An exchange gives both partners the same utility gain
``gain = r_p s_ip - r_q s_iq = r_q s_jq - r_p s_jp``, which fixes
``r_q = r_p (s_ip + s_jp) / (s_iq + s_jq)``. One partner moves all the way to
the other's position and the other moves as far as equal gain requires; if
that would carry the second past its partner's position, the roles swap.

The steps mirror ``EqualGainExchange.calculate`` and
``AbstractExchangeActor.check_nbs`` / ``is_move_valid`` of decide-exchange-model
2025.3.1, with each product and sum associated as there, so that run on
``Decimal`` numbers they reproduce the package's runs (to the 15 digits its files print):

* a move is shortened when it would push the supply issue's NBS past the
  partner's position, using the package's running estimate of that NBS (the
  partners' moves recorded per exchange);
* a move is valid only if it is larger than 1e-10, stays on the 0-100 scale,
  its running sum stays <= 100 and it keeps the direction of the actor's earlier
  candidate moves in this exchange;
* after a shortening ``dp``/``dq`` hold the shortened side's ratio first (the
  package's naming, kept for comparison with its output).
"""

from __future__ import annotations

import numpy as np

from accord.engines.bargaining.exchange._candidates import Array, Candidates, Index, Mask

#: Moves and gains at or below this (0-100 scale) count as none, as in the package.
EPSILON = 1e-10


def move_ok(c: Candidates, rows: Index, side: int) -> Mask:
    """The package's ``is_move_valid`` for one side of the given candidates."""
    move = c.move[rows, side]
    landing = c.pos[rows, side] + move
    size = np.abs(move)
    direction = np.where(move > 0, ~c.hist_nonpos[rows, side], ~c.hist_nonneg[rows, side])
    ok: Mask = np.asarray(
        (size > EPSILON)
        & (size <= 100)
        & (landing >= -c.slack)
        & (landing <= 100 + c.slack)
        & (c.hist_sum[rows, side] + move <= 100 + c.slack)
        & direction,
        dtype=bool,
    )
    return ok


def estimate_nbs(c: Candidates, rows: Index, side: int, position: Array, *, own_first: bool = False) -> Array:
    """The package's estimate of a side's supply-issue NBS with that side's actor at ``position``.

    Round-start positions, overridden by the partners' votes recorded for the
    candidate, then by ``position`` for the side's own actor (``adjust_nbs``);
    with ``own_first`` the own position is set first and a recorded vote of the
    actor itself wins (``adjusted_nbs_by_position``). Returns the numerator
    ``sum (x*s)*c``; divide by ``c.d(rows, side)`` for the NBS.
    """
    issue = c.supply[rows, side]
    actor = c.actor[rows, side]
    x = c.x[:, issue].T.copy()
    line = np.arange(rows.size)
    if own_first:
        x[line, actor] = position
    x = np.where(c.upd_has[rows, side], c.upd_pos[rows, side], x)
    if not own_first:
        x[line, actor] = position
    numerator: Array = np.add.reduce((x * c.sal[:, issue].T) * c.cap[:, issue].T, axis=1)
    return numerator


def calculate(c: Candidates, rows: Index) -> None:
    """(Re)compute moves, voting positions, gain and validity of the candidates ``rows``."""
    if rows.size == 0:
        return
    pos, target = c.pos[rows], c.target[rows]
    s_sup = np.stack([c.s(rows, 0), c.s(rows, 1)], axis=1)
    s_dem = np.stack([c.s(rows, 0, "demand"), c.s(rows, 1, "demand")], axis=1)
    cap = np.stack([c.c(rows, 0), c.c(rows, 1)], axis=1)
    den = np.stack([c.d(rows, 0), c.d(rows, 1)], axis=1)
    gap = np.abs(target - pos)
    # First try: side 1 moves all the way to side 0's position on p.
    ratio_p = ((gap[:, 1] * s_sup[:, 1]) * cap[:, 1]) / den[:, 1]
    ratio_q = ((s_sup[:, 1] + s_dem[:, 0]) / (s_dem[:, 1] + s_sup[:, 0])) * ratio_p
    move0 = (ratio_q * den[:, 0]) / (cap[:, 0] * s_sup[:, 0])
    move1 = gap[:, 1]
    # If side 0 would pass side 1's position on q, side 0 moves all the way instead.
    over = np.asarray(np.abs(move0) > gap[:, 0], dtype=bool)
    alt_q = ((gap[:, 0] * s_sup[:, 0]) * cap[:, 0]) / den[:, 0]
    alt_p = ((s_sup[:, 0] + s_dem[:, 1]) / (s_dem[:, 0] + s_sup[:, 1])) * alt_q
    ratio_p = np.where(over, alt_p, ratio_p)
    ratio_q = np.where(over, alt_q, ratio_q)
    alt_move1 = (alt_p * den[:, 1]) / (cap[:, 1] * s_sup[:, 1])
    move = np.stack([np.where(over, gap[:, 0], move0), np.where(over, alt_move1, move1)], axis=1)
    move = np.where(pos > target, -move, move)
    c.move[rows] = move
    c.y[rows] = pos + move
    c.dp[rows], c.dq[rows] = ratio_p, ratio_q
    c.gain[rows] = np.abs(ratio_q * s_sup[:, 0] - ratio_p * s_dem[:, 0])
    valid = move_ok(c, rows, 0) & move_ok(c, rows, 1) & np.asarray(c.gain[rows] >= EPSILON, dtype=bool)
    c.valid[rows] = valid
    checked = rows[valid]
    if checked.size:
        check_nbs(c, checked, 0)
        check_nbs(c, checked, 1)
        c.valid[checked] = move_ok(c, checked, 0) & move_ok(c, checked, 1)


def check_nbs(c: Candidates, rows: Index, side: int) -> None:
    """Shorten this side's move where it would carry its supply issue's NBS past the partner's position."""
    other = 1 - side
    den = c.d(rows, side)
    nbs0 = estimate_nbs(c, rows, side, c.pos[rows, side]) / den
    nbs1 = estimate_nbs(c, rows, side, c.y[rows, side]) / den
    target = c.target[rows, side]
    # Within ``slack`` an NBS sits on the target (float64 only: an earlier shortening put it there exactly).
    low, high = target - c.slack, target + c.slack
    same_side = np.asarray(((nbs0 <= high) & (nbs1 <= high)) | ((nbs0 >= low) & (nbs1 >= low)), dtype=bool)
    c.nbs0[rows, side], c.nbs1[rows, side] = nbs0, nbs1
    if same_side.all():
        return
    r = rows[~same_side]
    den = den[~same_side]
    s_own, c_own = c.s(r, side), c.c(r, side)
    here = estimate_nbs(c, r, side, c.pos[r, side], own_first=True)
    shift = np.abs(((c.target[r, side] * den) - here) / (s_own * c_own))
    ratio_own = ((shift * s_own) * c_own) / den
    ratio_other = ((s_own + c.s(r, other, "demand")) / (c.s(r, side, "demand") + c.s(r, other))) * ratio_own
    move_other = np.abs((ratio_other * c.d(r, other)) / (c.c(r, other) * c.s(r, other)))
    c.move[r, other] = np.where(c.pos[r, other] > c.target[r, other], -move_other, move_other)
    c.move[r, side] = np.where(c.pos[r, side] > c.target[r, side], -shift, shift)
    c.y[r] = c.pos[r] + c.move[r]
    c.dp[r], c.dq[r] = ratio_own, ratio_other
    c.gain[r] = np.abs(ratio_other * c.s(r, other) - ratio_own * c.s(r, other, "demand"))
    c.nbs1[r, side] = estimate_nbs(c, r, side, c.y[r, side]) / den
    c.adjusted[r, side] = True


def commit(c: Candidates, rows: Index, sides: Mask) -> None:
    """Keep the current move of the marked sides in their history (the package's ``moves`` list)."""
    move = c.move[rows]
    c.hist_sum[rows] = np.where(sides, c.hist_sum[rows] + move, c.hist_sum[rows])
    c.hist_nonpos[rows] |= sides & np.asarray(move <= 0, dtype=bool)
    c.hist_nonneg[rows] |= sides & np.asarray(move >= 0, dtype=bool)
