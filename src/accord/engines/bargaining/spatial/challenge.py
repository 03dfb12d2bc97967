"""Challenges: who would gain by challenging whom, as each actor sees it.

KTAB's ``SMPState::probEduChlg`` and ``bestChallenge`` (``smpbcn.cpp``; Wise, Lumley
et al., KAPSARC 2015-2017), for a whole batch of (estimator h, affected k, initiator
i, receiver j) at once. In h's eyes, i and j vote on their own contest; every third
party n weighs in after looking at the "little" three-actor contest in which it
joins the side it prefers, valuing outcomes by the sum of the three positions'
utilities (``ThirdPartyCommit`` says whose position n counts after a win). The
coalitions give P(i beats j); j resists with probability equal to its salience,
otherwise it simply gives in.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from accord.engines.bargaining.spatial import fast as kernels
from accord.engines.bargaining.spatial.kernels import Array, utility, vote

#: Starting strength of each side in a challenge (KTAB's ``minCltn``).
MIN_CHALLENGE_COALITION = 1e-10
#: Smallest expected gain worth a challenge (KTAB's ``minSigEDU``).
MIN_SIGNIFICANT_GAIN = 1e-5
_CHUNK_ELEMENTS = 1 << 21

Index = NDArray[np.intp]


@dataclass(frozen=True)
class Views:
    """Every actor's estimate of every actor's utility for every position, kept as its two factors."""

    distance: Array
    """(n, n): salience-weighted distance from a's ideal to b's position."""
    perceived: Array
    """(n, n): perceived[h, a], h's estimate of a's risk attitude."""
    fast: bool = False
    """Whether the numba kernels compute utilities on the fly (else the (n, n, n) tensor is built)."""

    @cached_property
    def tensor(self) -> Array:
        """(n, n, n): tensor[h, a, b], h's estimate of a's utility for b's position."""
        return utility(self.distance[None, :, :], self.perceived[:, :, None])

    @property
    def own(self) -> Array:
        """(n, n): each actor's own utility for each position."""
        return utility(self.distance, np.diag(self.perceived)[:, None])


@dataclass(frozen=True)
class Actors:
    """What challenges need to know about the actors besides utilities."""

    clout: Array
    """(n,): capability times total salience, the weight each actor brings to a challenge."""
    resolve: Array
    """(n,): total salience, the probability a receiver resists rather than gives in."""


def challenge_estimates(
    views: Views,
    actors: Actors,
    h: Index,
    k: Index,
    i: Index,
    j: Index,
    rule: str,
    commit: str,
) -> tuple[Array, Array]:
    """h's estimate of P(i beats j) and of k's expected gain from i challenging j, per batch entry."""
    if views.fast:
        args = (views.distance, views.perceived, actors.clout, actors.resolve)
        return kernels.challenge_estimates(*args, h, k, i, j, rule, commit)
    utilities = views.tensor
    size = h.size
    n = utilities.shape[0]
    prob, gain = np.empty(size), np.empty(size)
    step = max(1, _CHUNK_ELEMENTS // n)
    for start in range(0, size, step):
        part = slice(start, start + step)
        prob[part], gain[part] = _estimates(utilities, actors, h[part], k[part], i[part], j[part], rule, commit)
    return prob, gain


def _estimates(
    u: Array, actors: Actors, h: Index, k: Index, i: Index, j: Index, rule: str, commit: str
) -> tuple[Array, Array]:
    n = u.shape[0]
    clout, resolve = actors.clout, actors.resolve
    uii, uij, uji, ujj = u[h, i, i], u[h, i, j], u[h, j, i], u[h, j, j]
    eu_sq = u[h, k, i] + u[h, k, j]
    eu_win = u[h, k, i] + u[h, k, i]
    eu_lose = u[h, k, j] + u[h, k, j]

    own_i = vote(rule, clout[i], uii - uij)
    own_j = vote(rule, clout[j], uji - ujj)
    base_i = MIN_CHALLENGE_COALITION + np.maximum(own_i, 0.0) + np.maximum(own_j, 0.0)
    base_j = MIN_CHALLENGE_COALITION + np.maximum(-own_i, 0.0) + np.maximum(-own_j, 0.0)

    third = np.arange(n)
    uni = u[h[:, None], third[None, :], i[:, None]]
    unj = u[h[:, None], third[None, :], j[:, None]]
    unn = u[h[:, None], third[None, :], third[None, :]]
    w = clout[None, :]
    lean = vote(rule, w, uni - unj)
    side_i = base_i[:, None] + np.maximum(lean, 0.0)
    side_j = base_j[:, None] + np.maximum(-lean, 0.0)
    p_in = side_i / (side_i + side_j)
    p_jn = 1.0 - p_in
    join_i_wins, alone_j_wins, alone_i_wins, join_j_wins = _third_party_outcomes(commit, uni, unj, unn)
    with_i = p_in * join_i_wins + p_jn * alone_j_wins
    with_j = p_in * alone_i_wins + p_jn * join_j_wins
    votes = vote(rule, w, with_i - with_j)
    votes[(third[None, :] == i[:, None]) | (third[None, :] == j[:, None])] = 0.0
    strength_i = base_i + np.sum(np.maximum(votes, 0.0), axis=1)
    strength_j = base_j + np.sum(np.maximum(-votes, 0.0), axis=1)

    p_ij = strength_i / (strength_i + strength_j)
    p_ji = strength_j / (strength_i + strength_j)
    s_j = resolve[j]
    eu_contest = p_ij * eu_win + p_ji * eu_lose
    eu_challenge = (1 - s_j) * eu_win + s_j * eu_contest
    return p_ij, eu_challenge - eu_sq


def _third_party_outcomes(commit: str, uni: Array, unj: Array, unn: Array) -> tuple[Array, Array, Array, Array]:
    """Third party n's value of: (n joins i, i wins), (n joins i, j wins), (n joins j, i wins), (n joins j, j wins).

    KTAB's ``Actor::thirdPartyVoteSU``: each is the sum of n's utilities for the three
    positions after the contest; the loser adopts the winner's position, and a losing
    third party keeps its own position unless fully committed (``FullCommit``), or,
    under ``NoCommit``, keeps it even when its side wins.
    """
    if commit == "SemiCommit":
        return uni + uni + unn, unj + unj + unj, uni + uni + uni, unj + unj + unn
    if commit == "FullCommit":
        return uni + uni + uni, unj + unj + unj, uni + uni + uni, unj + unj + unj
    if commit == "NoCommit":
        return uni + uni + unn, unj + unj + unn, uni + uni + unn, unj + unj + unn
    raise ValueError(f"unknown ThirdPartyCommit {commit!r}")


@dataclass(frozen=True)
class Challenges:
    """Each actor's best challenge in one turn (target -1: none worth making)."""

    target: NDArray[np.intp]
    """(n,): whom each actor challenges, -1 for no one."""
    prob: Array
    """(n,): the initiator's estimate that it wins."""
    gain: Array
    """(n,): the initiator's expected gain."""
    gain_matrix: Array
    """(n, n): gain[i, j], i's expected gain from challenging j (0 on the diagonal)."""
    prob_matrix: Array
    """(n, n): i's estimate that i beats j."""


def best_challenges(views: Views, actors: Actors, rule: str, commit: str) -> Challenges:
    """Every actor's most advantageous target, as KTAB's ``bestChallenge`` picks it.

    The first target (lowest index) with the largest expected gain above
    ``MIN_SIGNIFICANT_GAIN``.
    """
    n = views.distance.shape[0]
    if views.fast:
        args = (views.distance, views.perceived, actors.clout, actors.resolve)
        prob_matrix, gain_matrix = kernels.best_estimates(*args, rule, commit)
    else:
        ii, jj = np.nonzero(~np.eye(n, dtype=bool))
        prob, gain = challenge_estimates(views, actors, ii, ii, ii, jj, rule, commit)
        gain_matrix, prob_matrix = np.zeros((n, n)), np.full((n, n), 0.5)
        gain_matrix[ii, jj], prob_matrix[ii, jj] = gain, prob
    masked = np.where(np.eye(n, dtype=bool), -np.inf, gain_matrix)
    best = np.argmax(masked, axis=1)
    best_gain = masked[np.arange(n), best]
    worth = best_gain > MIN_SIGNIFICANT_GAIN
    target = np.where(worth, best, -1).astype(np.intp)
    return Challenges(
        target=target,
        prob=np.where(worth, prob_matrix[np.arange(n), best], 0.0),
        gain=np.where(worth, best_gain, 0.0),
        gain_matrix=gain_matrix,
        prob_matrix=prob_matrix,
    )
