"""The arithmetic of one expected-utility round, vectorised over a batch of independent issues.

Every function takes a batch of ``B`` issues with ``n`` actors each: positions
``x`` (B, n), weights ``w = capability * salience`` (B, n), saliences ``s``
(B, n), and each issue's unit of distance ``span`` (B,), the spread of the
initial positions (the replication's ``position_range``). Matrices are indexed
``[b, a, o]``: row ``a`` is the actor whose view is taken, column ``o`` the
other actor.

Notation follows Scholz, Calbert & Smith (2011), "Unravelling Bueno de
Mesquita's group decision model", J. Theoretical Politics 23(4): ``d`` is the
normalised distance ``|x_a - x_o| / span``; voter ``k`` weighs a position ``a``
by the loss ``d_ka ** r_k`` (``r_k`` its risk exponent); its vote for ``i``
over ``j`` is ``w_k (d_kj**r_k - d_ki**r_k)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from accord.engines.bargaining.expected_utility import fast

Array = NDArray[np.float64]
Normaliser = Literal["all-pairs", "pairwise"]

#: Up to this many actors the win-probability sums are taken directly (O(n^3), the
#: replication's own order of summation); above it through sorted prefix sums (O(n^2 log n)).
DIRECT_MAX = 24
_CHUNK = 1 << 22

#: Offer kinds, as stored in the round records.
NONE, CONFRONTATION, COMPROMISE, CAPITULATION = 0, 1, 2, 3
KIND_NAMES = {CONFRONTATION: "confrontation", COMPROMISE: "compromise", CAPITULATION: "capitulation"}


def distances(x: Array, span: Array) -> Array:
    """``d[b, a, o] = |x_a - x_o| / span``: distances in units of the issue's initial spread."""
    out: Array = np.abs(x[:, :, None] - x[:, None, :]) / span[:, None, None]
    return out


def voter_losses(d: Array, risk: Array | None) -> Array:
    """``loss[b, k, a] = d[b, k, a] ** r_k``: how far voter ``k`` finds position ``a`` (risk-neutral if None)."""
    if risk is None:
        return d
    out: Array = d ** risk[:, :, None]
    return out


@dataclass(frozen=True)
class Sides:
    """For every pair ``(i, j)`` of one issue, which sorted voters prefer ``i``: they are ``order[lo:hi]``."""

    order: NDArray[np.intp]
    """The voters sorted by position (stable)."""
    lo: NDArray[np.intp]
    """(n, n): the first sorted voter on ``i``'s side (0 when ``i`` is left of ``j``)."""
    hi: NDArray[np.intp]
    """(n, n): one past the last (``n`` when ``i`` is right of ``j``); ``lo == hi`` when ``x_i == x_j``."""


def sides(x: Array) -> list[Sides]:
    """Each issue's :class:`Sides`: found once per round, used for both sets of win probabilities.

    Voter ``k`` prefers ``i`` to ``j`` exactly when it sits strictly on ``i``'s
    side of their midpoint, whatever its risk exponent, so in the sorted order
    its supporters are a prefix (``x_i < x_j``) or a suffix (``x_i > x_j``).
    Working in sorted order makes each row's midpoints ascending, which keeps
    the binary searches local.
    """
    out = []
    for row in x:
        n = row.size
        order = np.argsort(row, kind="stable")
        xs = row[order]
        mid = ((xs[:, None] + xs[None, :]) / 2).ravel()
        below = np.searchsorted(xs, mid, side="left").reshape(n, n)
        above = np.searchsorted(xs, mid, side="right").reshape(n, n)
        left = xs[:, None] < xs[None, :]
        right = xs[:, None] > xs[None, :]
        lo_sorted = np.where(left, 0, np.where(right, above, 0))
        hi_sorted = np.where(left, below, np.where(right, n, 0))
        rank = np.empty(n, dtype=np.intp)
        rank[order] = np.arange(n)
        grid = np.ix_(rank, rank)
        out.append(Sides(order, lo_sorted[grid], hi_sorted[grid]))
    return out


def win_numerators(x: Array, w: Array, loss: Array, split: list[Sides] | None = None) -> Array:
    """``N[b, i, j] = sum_k w_k max(0, loss[k, j] - loss[k, i])``: the votes for ``i`` against ``j``.

    Through :func:`sides`, ``N[i, j]`` is a difference of two prefix sums of
    ``w_k loss[k, .]`` over the sorted voters: O(n^2) memory and O(n^2 log n)
    time instead of the O(n^3) direct sum. Up to ``DIRECT_MAX`` actors the
    direct sum is used, adding the votes in the replication's order.
    """
    if x.shape[-1] <= DIRECT_MAX and split is None:
        return _numerators_direct(w, loss)
    compiled = fast.numerators(x, w, loss)
    return compiled if compiled is not None else _numerators_sorted(x, w, loss, split)


def _numerators_direct(w: Array, loss: Array) -> Array:
    # votes[b, k, i, j] = w_k (loss[k, j] - loss[k, i]), summed over k in actor order; in chunks of issues
    # so that the (chunk, n, n, n) temporaries stay near 32 MB.
    batch, n = w.shape
    out = np.empty((batch, n, n))
    step = max(1, _CHUNK // n**3)
    for start in range(0, batch, step):
        part = slice(start, start + step)
        gains = loss[part, :, None, :] - loss[part, :, :, None]
        votes = w[part, :, None, None] * gains
        np.maximum(votes, 0.0, out=votes).sum(axis=1, out=out[part])
    return out


def _numerators_sorted(x: Array, w: Array, loss: Array, split: list[Sides] | None = None) -> Array:
    batch, n = x.shape
    split = sides(x) if split is None else split
    out = np.empty((batch, n, n))
    rows = np.arange(n)[:, None]
    cols = np.arange(n)[None, :]
    for b, side in enumerate(split):
        prefix = np.zeros((n + 1, n))
        np.cumsum(w[b, side.order, None] * loss[b, side.order, :], axis=0, out=prefix[1:])
        # votes for i = sum over its side of w_k (loss[k, j] - loss[k, i])
        out[b] = (prefix[side.hi, cols] - prefix[side.lo, cols]) - (prefix[side.hi, rows] - prefix[side.lo, rows])
    np.maximum(out, 0.0, out=out)
    return out


def all_pairs_total(w: Array, loss: Array) -> Array:
    """``sum_k sum_a sum_b w_k |loss[k, a] - loss[k, b]|`` per issue: the replication's normaliser (B,).

    For one voter, the sum of ``|u_a - u_b|`` over ordered pairs is
    ``2 sum_t (2t - n + 1) u_(t)`` with ``u_(t)`` sorted ascending: O(n^2 log n) in all.
    """
    n = loss.shape[-1]
    ordered = np.sort(loss, axis=-1)
    coefficients = 2.0 * (2.0 * np.arange(n) - n + 1.0)
    out: Array = np.einsum("bk,bkt,t->b", w, ordered, coefficients)
    return out


def win_probabilities(
    x: Array, w: Array, loss: Array, normaliser: Normaliser, split: list[Sides] | None = None
) -> Array:
    """``P[b, i, j]``: the probability that ``i`` prevails over ``j`` in a contest; 0 where ``x_i == x_j``.

    ``all-pairs`` divides the votes for ``i`` by the absolute votes of every voter
    over every pair of actors (the replication's code); ``pairwise`` divides by
    the absolute votes over this pair only (the paper's text), so that
    ``P_ij + P_ji = 1``; a pair no voter tells apart gets 0.5.
    """
    numerators = win_numerators(x, w, loss, split)
    if normaliser == "all-pairs":
        p = numerators / all_pairs_total(w, loss)[:, None, None]
    else:
        both = numerators + numerators.swapaxes(-1, -2)
        with np.errstate(invalid="ignore", divide="ignore"):
            p = np.where(both > 0, numerators / np.where(both > 0, both, 1.0), 0.5)
    p[x[:, :, None] == x[:, None, :]] = 0.0
    out: Array = p
    return out


def challenge_utilities(
    x: Array,
    d: Array,
    risk: Array,
    s: Array,
    p: Array,
    *,
    q: float,
    t: float,
    median_distance: Array | None = None,
) -> tuple[Array, Array]:
    """``(eu_ij, eu_ji)``: actor ``a``'s expected utility of challenging ``o``, and of ``o`` challenging ``a``.

    Both are taken from ``a``'s point of view, with ``a``'s risk exponent (as in
    the paper and the replication). For a challenger ``i`` and target ``j``,
    ``EU = s_j (P_ij U_s + (1 - P_ij) U_f) + (1 - s_j) U_s - Q U_sq - (1 - Q)(T U_b + (1 - T) U_w)``
    with ``U_s = 2 - 4 (1/2 - d/2)**r``, ``U_f = 2 - 4 (1/2 + d/2)**r``,
    ``U_sq = 2 - 4 (1/2)**r``. ``U_b`` and ``U_w`` (things get better or worse
    for ``i`` without a challenge) put ``(|x_i - mu| / span + d_ij) / 4`` in
    place of ``d/2``, ``mu`` the weighted median; ``median_distance`` (B, n) is
    ``|x - mu| / span``, and the term is left out when it is None (the
    replication's code, which has no such term) or ``q == 1``.
    """
    exponent = risk[:, :, None]
    u_success = 2 - 4 * (0.5 - 0.5 * d) ** exponent
    u_failure = 2 - 4 * (0.5 + 0.5 * d) ** exponent
    u_status_quo = (q * (2 - 4 * 0.5**risk))[:, :, None]
    p_ji = p.swapaxes(-1, -2)
    eu_ij = s[:, None, :] * (p * u_success + (1 - p) * u_failure) + (1 - s[:, None, :]) * u_success - u_status_quo
    eu_ji = s[:, :, None] * (p_ji * u_success + (1 - p_ji) * u_failure) + (1 - s[:, :, None]) * u_success
    eu_ji = eu_ji - u_status_quo
    if q != 1.0 and median_distance is not None:
        eu_ij = eu_ij - (1 - q) * _better_worse(median_distance[:, :, None] + d, exponent, t)
        eu_ji = eu_ji - (1 - q) * _better_worse(median_distance[:, None, :] + d, exponent, t)
    return eu_ij, eu_ji


def _better_worse(reach: Array, exponent: Array, t: float) -> Array:
    """``T U_b + (1 - T) U_w`` for ``reach = |x_i - mu| / span + d_ij``."""
    better = 2 - 4 * (0.5 - 0.25 * reach) ** exponent
    worse = 2 - 4 * (0.5 + 0.25 * reach) ** exponent
    out: Array = t * better + (1 - t) * worse
    return out


def risk_exponents(danger: Array) -> Array:
    """``r = (1 - R/3) / (1 + R/3)`` with ``R = (2 D_i - D_max - D_min) / (D_max - D_min)``.

    ``D_i`` is the sum of every other actor's expected utility of challenging
    ``i`` (computed risk-neutrally): ``R`` runs from -1 (the least threatened
    actor) to 1 (the most), ``r`` from 2 down to 0.5. Where all ``D_i`` are equal
    (the replication divides by zero) every actor is risk-neutral.
    """
    top = danger.max(axis=-1, keepdims=True)
    bottom = danger.min(axis=-1, keepdims=True)
    spread = top - bottom
    with np.errstate(invalid="ignore", divide="ignore"):
        acceptance = np.where(spread > 0, (2 * danger - top - bottom) / np.where(spread > 0, spread, 1.0), 0.0)
    out: Array = (1 - acceptance / 3.0) / (1 + acceptance / 3.0)
    return out
