"""Bargains: the compromise each challenge proposes, and which bargain each actor ends up with.

KTAB's ``SMPActor::interpolateBrgn`` and ``SMPState::doBCN`` / ``updateBestBrgnPositions``
(``smp.cpp``, ``smpbcn.cpp``; Wise, Lumley et al., KAPSARC 2015-2017). An initiator
and its target meet at points interpolated between their positions, dimension by
dimension, weighted by salience and estimated odds (``InterVecBrgn``). Every actor
then faces its own status quo and every bargain that involves it; all actors vote
on those alternatives by the utility of the state each would produce, a PCE gives
each bargain's probability, and the actor takes the most probable one
(deterministic) or draws one (stochastic).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from accord.engines.bargaining.spatial.challenge import Actors, Challenges, Views, challenge_estimates
from accord.engines.bargaining.spatial.kernels import Array, distance_to, utility
from accord.engines.bargaining.spatial.options import SmpOptions
from accord.engines.bargaining.spatial.pce import scalar_pce

#: Keeps interpolation defined when neither side cares or can coerce (KTAB's ``minW``).
MIN_INTERP_WEIGHT = 1e-6


def _round4(x: Array) -> Array:
    """KTAB rounds interpolated bargains to 4 decimals on the unit scale (half up)."""
    result: Array = np.floor(0.5 + x * 10000.0) / 10000.0
    return result


def interpolate(
    pos_i: Array, sal_i: Array, prob_i: Array, pos_j: Array, sal_j: Array, prob_j: Array, rule: str
) -> tuple[Array, Array]:
    """The bargain points (for i, for j) between positions i and j; rows are bargains, columns dimensions.

    ``S1P1`` and ``S2P2`` weight each side by salience^n * probability^n and round to
    4 decimals, with a tiny extra weight on the side's own position (so both keep
    their positions when neither weight is positive). ``S2PMax`` moves only the side
    less likely to win, by the probability gap, weighted by squared saliences.
    """
    prob_i, prob_j = prob_i[:, None], prob_j[:, None]
    if rule in ("S1P1", "S2P2"):
        power = 1 if rule == "S1P1" else 2
        w_i = sal_i**power * prob_i**power
        w_j = sal_j**power * prob_j**power
        total = w_i + MIN_INTERP_WEIGHT + w_j
        b_i = _round4(((w_i + MIN_INTERP_WEIGHT) * pos_i + w_j * pos_j) / total)
        b_j = _round4((w_i * pos_i + (MIN_INTERP_WEIGHT + w_j) * pos_j) / total)
        return b_i, b_j
    if rule == "S2PMax":
        d_i = np.maximum(prob_j - prob_i, 0.0)
        d_j = np.maximum(prob_i - prob_j, 0.0)
        si2, sj2 = sal_i * sal_i, sal_j * sal_j
        move_i = (d_i * sj2) / ((d_i * sj2) + MIN_INTERP_WEIGHT + ((1 - d_i) * si2))
        move_j = (d_j * si2) / ((d_j * si2) + MIN_INTERP_WEIGHT + ((1 - d_j) * sj2))
        return pos_i + move_i * (pos_j - pos_i), pos_j + move_j * (pos_i - pos_j)
    raise ValueError(f"unknown InterVecBrgn {rule!r}")


@dataclass(frozen=True)
class Bargains:
    """The bargains proposed in one turn (status-quo bargains are implicit)."""

    initiator: NDArray[np.intp]
    """(B,): who proposed each bargain."""
    receiver: NDArray[np.intp]
    """(B,): whom it was proposed to."""
    point_initiator: Array
    """(B, m): where the initiator would move."""
    point_receiver: Array
    """(B, m): where the receiver would move."""
    receiver_prob: Array
    """(n,): the receiver's estimate that the initiator wins (NaN without a challenge)."""
    receiver_gain: Array
    """(n,): the receiver's estimate of the initiator's expected gain (NaN without a challenge)."""


def propose(
    positions: Array,
    salience: Array,
    capability: Array,
    views: Views,
    actors: Actors,
    challenges: Challenges,
    options: SmpOptions,
) -> Bargains:
    """Form the bargains of every challenge worth making (``BargnModel`` says whose perspective)."""
    n = positions.shape[0]
    init = np.flatnonzero(challenges.target >= 0).astype(np.intp)
    rcvr = challenges.target[init]
    p_init = challenges.prob[init]
    rule = options.voting_rule
    r_prob, r_gain = challenge_estimates(views, actors, rcvr, init, init, rcvr, rule, options.third_party_commit)
    receiver_prob, receiver_gain = np.full(n, np.nan), np.full(n, np.nan)
    receiver_prob[init], receiver_gain[init] = r_prob, r_gain
    pos_i, pos_j, sal_i, sal_j = positions[init], positions[rcvr], salience[init], salience[rcvr]
    ivb = options.inter_vec_brgn
    own_i, own_j = interpolate(pos_i, sal_i, p_init, pos_j, sal_j, 1 - p_init, ivb)
    if options.bargn_model == "InitOnlyInterp":
        return Bargains(init, rcvr, own_i, own_j, receiver_prob, receiver_gain)
    view = r_gain if options.receiver_estimate == "ktab" else r_prob
    other_i, other_j = interpolate(pos_i, sal_i, view, pos_j, sal_j, 1 - view, ivb)
    if options.bargn_model == "InitRcvrInterp":
        both = np.concatenate
        return Bargains(
            both([init, init]),
            both([rcvr, rcvr]),
            both([own_i, other_i]),
            both([own_j, other_j]),
            receiver_prob,
            receiver_gain,
        )
    # PWCompInterp: KTAB weights the receiver's view by the initiator's capability times the receiver's salience.
    w_i = (capability[init] * salience[init].sum(axis=1))[:, None]
    w_j = (capability[init] * salience[rcvr].sum(axis=1))[:, None]
    mix_i = (w_i * own_i + w_j * other_i) / (w_i + w_j)
    mix_j = (w_i * own_j + w_j * other_j) / (w_i + w_j)
    return Bargains(init, rcvr, mix_i, mix_j, receiver_prob, receiver_gain)


@dataclass(frozen=True)
class Resolution:
    """How each actor's bargains were resolved."""

    options: list[NDArray[np.intp]]
    """Per actor: its alternatives, -1 for its status quo, else an index into the turn's bargains."""
    probabilities: list[Array]
    """Per actor: the PCE probability of each alternative."""
    choice: NDArray[np.intp]
    """(n,): the chosen alternative (an index into ``options[k]``)."""
    positions: Array
    """(n, m): the positions after the turn."""


def resolve(
    positions: Array,
    ideals: Array,
    salience: Array,
    capability: Array,
    own_utility: Array,
    risk: Array,
    bargains: Bargains,
    options: SmpOptions,
    rng: np.random.Generator | None,
) -> Resolution:
    """Each actor's new position: the winner of a PCE among its status quo and the bargains involving it."""
    n = positions.shape[0]
    state_value = _state_values(ideals, salience, own_utility, risk, bargains)
    status_quo = own_utility.sum(axis=1) / n
    new = positions.copy()
    fast = options.fast
    alternatives, probabilities = [], []
    choice = np.zeros(n, dtype=np.intp)
    for k in range(n):
        mine = np.flatnonzero((bargains.initiator == k) | (bargains.receiver == k)).astype(np.intp)
        values = np.column_stack([status_quo, state_value[:, mine]])
        p, _, _ = scalar_pce(
            capability, values, options.voting_rule, options.victory_prob_model, options.pce_model, fast=fast
        )
        pick = int(rng.choice(p.size, p=p / p.sum())) if rng is not None else int(np.argmax(p))
        alternatives.append(np.concatenate([[-1], mine]).astype(np.intp))
        probabilities.append(p)
        choice[k] = pick
        if pick > 0:
            b = mine[pick - 1]
            new[k] = bargains.point_initiator[b] if bargains.initiator[b] == k else bargains.point_receiver[b]
    return Resolution(alternatives, probabilities, choice, new)


def _state_values(ideals: Array, salience: Array, own_utility: Array, risk: Array, bargains: Bargains) -> Array:
    """``v[a, b]``: a's mean utility over all positions once bargain b is carried out (initiator and receiver move)."""
    n = ideals.shape[0]
    total = own_utility.sum(axis=1)[:, None]
    at_init = utility(distance_to(ideals, bargains.point_initiator, salience), risk[:, None])
    at_rcvr = utility(distance_to(ideals, bargains.point_receiver, salience), risk[:, None])
    replaced = own_utility[:, bargains.initiator] + own_utility[:, bargains.receiver]
    result: Array = (total - replaced + at_init + at_rcvr) / n
    return result
