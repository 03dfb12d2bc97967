"""One round of bargaining: risk attitudes, expected utilities, offers, and each actor's choice among them.

The two modes differ only in the rules here (documented in
docs/models/expected-utility.md):

* ``scholz-code`` follows the public replication (dmasad/bdm-scholz-expected-utility-model):
  win probabilities normalised over all pairs; an actor takes the nearest
  confrontation if it has one, else the compromise with the smallest
  EU-weighted position, and the capitulation test compares ``eu_ji`` with
  ``|eu_ji|``, so it never passes; exact ties go to the earlier actor.
* ``paper`` follows Scholz, Calbert & Smith (2011): pairwise win probabilities;
  capitulation when the challenger's gain is below the actor's loss; among all
  offers the one that moves the actor least (ties: the more determined
  challenger, then the lower position); the ``(1 - Q)`` status-quo term.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from accord.engines.bargaining.expected_utility import fast
from accord.engines.bargaining.expected_utility.core import (
    CAPITULATION,
    COMPROMISE,
    CONFRONTATION,
    DIRECT_MAX,
    Array,
    Normaliser,
    challenge_utilities,
    distances,
    risk_exponents,
    sides,
    voter_losses,
    win_probabilities,
)

Mode = Literal["scholz-code", "paper"]
MODES: tuple[Mode, ...] = ("scholz-code", "paper")


@dataclass(frozen=True)
class Round:
    """What happened to each actor in one round (arrays (B, n))."""

    kind: NDArray[np.int8]
    """0 no move, 1 lost a confrontation, 2 compromised, 3 capitulated."""
    partner: NDArray[np.intp]
    """The actor whose offer was taken; -1 where none."""
    eu_own: Array
    """``eu_ij``: the actor's expected utility of challenging the partner (NaN where none)."""
    eu_other: Array
    """``eu_ji``: the partner's expected utility of challenging the actor, in the actor's view (NaN where none)."""
    positions: Array
    """Every actor's position after the round."""
    risk: Array
    """The risk exponents used in the round."""


def play_round(
    x: Array,
    w: Array,
    s: Array,
    span: Array,
    *,
    mode: Mode,
    q: float = 1.0,
    t: float = 1.0,
    median: Array | None = None,
) -> Round:
    """Play one round on a batch of issues with positions ``x`` (B, n); ``span`` (B,) must be > 0."""
    normaliser: Normaliser = "all-pairs" if mode == "scholz-code" else "pairwise"
    d = distances(x, span)
    reach = None if mode == "scholz-code" or median is None else np.abs(x - median[:, None]) / span[:, None]
    neutral = np.ones_like(x)
    split = sides(x) if x.shape[-1] > DIRECT_MAX and not fast.available() else None
    # Security: everyone risk-neutral, how much does each actor expect to be challenged?
    p = win_probabilities(x, w, voter_losses(d, None), normaliser, split)
    _, threat = challenge_utilities(x, d, neutral, s, p, q=q, t=t, median_distance=reach)
    np.einsum("bii->bi", threat)[...] = 0.0
    risk = risk_exponents(threat.sum(axis=-1))
    # Then the same with each actor's own risk exponent.
    p = win_probabilities(x, w, voter_losses(d, risk), normaliser, split)
    eu_ij, eu_ji = challenge_utilities(x, d, risk, s, p, q=q, t=t, median_distance=reach)
    return _choose(x, eu_ij, eu_ji, risk, mode)


def _choose(x: Array, eu_ij: Array, eu_ji: Array, risk: Array, mode: Mode) -> Round:
    own, other = x[:, :, None], x[:, None, :]
    valid = own != other
    conflict = valid & (eu_ji > eu_ij) & (eu_ij > 0)
    yielding = valid & ~conflict & (eu_ji > 0) & (eu_ij < 0)
    compromise = yielding & (eu_ji > np.abs(eu_ij))
    if mode == "scholz-code":
        capitulation = yielding & ~compromise & (eu_ji < np.abs(eu_ji))  # as coded upstream: never true
    else:
        capitulation = yielding & ~compromise & (eu_ji < np.abs(eu_ij))
    with np.errstate(invalid="ignore", divide="ignore"):
        meet = own + (other - own) * np.abs(eu_ij / eu_ji)
    target = np.where(compromise, meet, np.broadcast_to(other, eu_ij.shape))
    kinds = np.where(conflict, CONFRONTATION, np.where(compromise, COMPROMISE, np.where(capitulation, CAPITULATION, 0)))
    offered = kinds > 0
    if mode == "scholz-code":
        partner = _pick_scholz(own, other, eu_ij, eu_ji, conflict, compromise, capitulation)
    else:
        partner = _pick_nearest(own, target, eu_ji, offered)
    has = partner >= 0
    index = np.where(has, partner, 0)[..., None]

    def picked(a: Array) -> Array:
        out: Array = np.where(has, np.take_along_axis(a, index, axis=-1)[..., 0], np.nan)
        return out

    positions = np.where(has, picked(target), x)
    kind = np.where(has, np.take_along_axis(kinds, index, axis=-1)[..., 0], 0).astype(np.int8)
    return Round(kind, partner, picked(eu_ij), picked(eu_ji), positions, risk)


def _first_min(key: Array, allowed: NDArray[np.bool_]) -> NDArray[np.intp]:
    """Per row, the first column with the smallest ``key`` among ``allowed`` ones; -1 if none."""
    masked = np.where(allowed, key, np.inf)
    out: NDArray[np.intp] = np.where(allowed.any(axis=-1), np.argmin(masked, axis=-1), -1)
    return out


def _pick_scholz(
    own: Array,
    other: Array,
    eu_ij: Array,
    eu_ji: Array,
    conflict: NDArray[np.bool_],
    compromise: NDArray[np.bool_],
    capitulation: NDArray[np.bool_],
) -> NDArray[np.intp]:
    """Nearest confrontation; else the compromise with the smallest EU-weighted position; else capitulation."""
    move = np.abs(own - other)
    with np.errstate(invalid="ignore", divide="ignore"):
        weighted = (np.abs(eu_ij) * own + np.abs(eu_ji) * other) / (np.abs(eu_ij) + np.abs(eu_ji))
    pick = _first_min(np.broadcast_to(move, eu_ij.shape), conflict)
    pick = np.where(pick >= 0, pick, _first_min(weighted, compromise))
    out: NDArray[np.intp] = np.where(pick >= 0, pick, _first_min(np.broadcast_to(move, eu_ij.shape), capitulation))
    return out


def _pick_nearest(own: Array, target: Array, eu_ji: Array, offered: NDArray[np.bool_]) -> NDArray[np.intp]:
    """The offer that moves the actor least; ties to the larger ``eu_ji``, then the lower position."""
    move = np.where(offered, np.abs(own - target), np.inf)
    tied = offered & (move == move.min(axis=-1, keepdims=True))
    gain = np.where(tied, eu_ji, -np.inf)
    tied &= gain == gain.max(axis=-1, keepdims=True)
    return _first_min(target, tied)
