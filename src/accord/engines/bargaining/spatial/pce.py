"""Probabilistic Condorcet elections (PCE): from votes to the probability that each option wins.

Follows KTAB's ``Model::coalitions``, ``probCE2``, ``condPCE``, ``markovIncentivePCE``,
``markovUniformPCE``, ``scalarPCE`` and ``bigRfromProb`` (``kmodel.cpp``), after
Wise, Lumley et al. (KAPSARC, 2015-2017) and the KTAB note "Markov Voting with
Incentives in KTAB". Options are compared pairwise: each actor votes for one of two
options in proportion to its weight and utility difference; the coalitions so formed
give each option's probability of beating each other; the PCE combines those pairwise
odds into one distribution over options.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from accord.engines.bargaining.spatial.kernels import Array, victory_probability, vote

#: Every coalition starts with this much strength, so no probability is 0/0.
MIN_COALITION = 1e-8
#: Extra weight on "stay put" in the Markov-incentive chain.
EPS_SUPPORT = 1e-10
#: Cap on the number of voters times options squared held in memory at once.
_CHUNK_ELEMENTS = 1 << 22
_MARKOV_MAX_ITER = 1000


class PCEConvergenceError(ArithmeticError):
    """A Markov PCE did not settle within KTAB's iteration limit."""


def coalitions(rule: str, weights: Array, utilities: Array, *, fast: bool = False) -> Array:
    """``c[i, j]``: strength of the coalition for option i against option j.

    ``utilities[k, i]`` is voter k's utility for option i; ``weights[k]`` its clout.
    As in KTAB, each pair is voted once, as (i over j) with i > j: the positive votes
    go to i, the negative ones to j. (This matters only for the asymmetric
    ``ASymProsp`` rule, where it favours the lower-numbered option.)
    """
    if fast:
        from accord.engines.bargaining.spatial import fast as kernels

        return kernels.coalitions(rule, weights, utilities)
    n_voters, n_opt = utilities.shape
    pro = np.zeros((n_opt, n_opt))
    con = np.zeros((n_opt, n_opt))
    step = max(1, _CHUNK_ELEMENTS // max(1, n_opt * n_opt))
    for start in range(0, n_voters, step):
        u = utilities[start : start + step]
        w = weights[start : start + step, None, None]
        votes = vote(rule, w, u[:, :, None] - u[:, None, :])
        pro += np.sum(np.maximum(votes, 0.0), axis=0)
        con += np.sum(np.maximum(-votes, 0.0), axis=0)
    lower = np.tril(np.ones((n_opt, n_opt), dtype=bool), -1)
    strength = MIN_COALITION + np.where(lower, pro, 0.0) + np.where(lower, con, 0.0).T
    return strength


def victory_matrix(model: str, strength: Array) -> Array:
    """``p[i, j]``: probability option i beats option j, with p[i, i] = 1/2."""
    p = victory_probability(model, strength, strength.T)
    np.fill_diagonal(p, 0.5)
    return p


def conditional_pce(victory: Array) -> Array:
    """KTAB's ``Conditional`` PCE: P(i beats every other option), renormalised over options."""
    p = np.prod(victory, axis=1)
    total = p.sum()
    if total <= 0.0 or not np.isfinite(total):  # underflow with very many options: same ratios, in logs
        logs = np.sum(np.log(victory), axis=1)
        p = np.exp(logs - logs.max())
        total = p.sum()
    result: Array = p / total
    return result


def markov_incentive_pce(strength: Array, victory: Array) -> Array:
    """KTAB's ``MarkovIncentive`` PCE: challengers arise in proportion to their incentive to challenge.

    The incentive for i to challenge the favourite j is c[i, j] p[i, j]; the chain
    is iterated from the uniform distribution, averaging each step with the last,
    until no probability changes by more than 1e-8.
    """
    n = strength.shape[0]
    incentive = strength * victory + EPS_SUPPORT * np.eye(n)
    challenge = incentive / incentive.sum(axis=0, keepdims=True)
    return _iterate(lambda p: _incentive_step(p, challenge, victory), n, 1e-8)


def _incentive_step(p: Array, challenge: Array, victory: Array) -> Array:
    flow = p[:, None] * challenge.T  # flow[i, j] = p_i P[j -> i]
    result: Array = np.sum(victory * (flow + flow.T), axis=1)
    return result


def markov_uniform_pce(victory: Array) -> Array:
    """KTAB's ``MarkovUniform`` PCE: every option challenges the favourite with equal probability."""
    n = victory.shape[0]

    def step(p: Array) -> Array:
        result: Array = np.sum(victory * (p[:, None] + p[None, :]), axis=1) / n
        return result

    return _iterate(step, n, 1e-6)


def _iterate(step: Callable[[Array], Array], n: int, tol: float) -> Array:
    p = np.full(n, 1.0 / n)
    for _ in range(_MARKOV_MAX_ITER):
        q = step(p)
        change = float(np.max(np.abs(q - p)))
        p = (p + q) / 2.0
        if change <= tol:
            return p
    raise PCEConvergenceError(f"the Markov PCE did not converge in {_MARKOV_MAX_ITER} iterations")


def pce(model: str, victory_model: str, strength: Array) -> tuple[Array, Array]:
    """Each option's probability of winning, and the pairwise victory matrix (KTAB's ``probCE2``)."""
    victory = victory_matrix(victory_model, strength)
    if model == "Conditional":
        p = conditional_pce(victory)
    elif model == "MarkovIncentive":
        p = markov_incentive_pce(strength, victory)
    elif model == "MarkovUniform":
        p = markov_uniform_pce(victory)
    else:
        raise ValueError(f"unknown PCE model {model!r}")
    return p, victory


def scalar_pce(
    weights: Array, utilities: Array, rule: str, victory_model: str, pce_model: str, *, fast: bool = False
) -> tuple[Array, Array, Array]:
    """Voters with scalar clout choose among options: (probabilities, victory matrix, coalitions)."""
    strength = coalitions(rule, weights, utilities, fast=fast)
    p, victory = pce(pce_model, victory_model, strength)
    return p, victory, strength


def big_r_from_probability(p: Array, big_r_range: str) -> Array:
    """KTAB's ``bigRfromProb``: actors likely to prevail are risk-averse, the long shots risk-accepting.

    Probabilities are rescaled linearly onto [0, 1] (``Min``), [-1/2, 1] (``Mid``) or
    [-1, 1] (``Max``). When every probability is equal KTAB divides by zero; here the
    actors are then risk-neutral.
    """
    p_min, p_max = float(p.min()), float(p.max())
    spread = p_max - p_min
    if not spread > 0.0:
        return np.zeros_like(p)
    if big_r_range == "Min":
        result: Array = (p - p_min) / spread
    elif big_r_range == "Mid":
        result = (3 * p - (p_max + 2 * p_min)) / (2 * spread)
    elif big_r_range == "Max":
        result = (2 * p - (p_max + p_min)) / spread
    else:
        raise ValueError(f"unknown BigRRange {big_r_range!r}")
    return result


def perceived_risk(risk: Array, big_r_adjust: str) -> Array:
    """``r[h, i]``: h's estimate of i's risk attitude, anchored on h's own (KTAB's ``estNRA``)."""
    rh, ri = risk[:, None], risk[None, :]
    if big_r_adjust == "Full":
        result: Array = np.broadcast_to(ri, (risk.size, risk.size)).copy()
    elif big_r_adjust == "TwoThirds":
        result = (rh + (2.0 * ri)) / 3.0
    elif big_r_adjust == "Half":
        result = (rh + ri) / 2
    elif big_r_adjust == "OneThird":
        result = ((2.0 * rh) + ri) / 3.0
    elif big_r_adjust == "None":
        result = np.broadcast_to(rh, (risk.size, risk.size)).copy()
    else:
        raise ValueError(f"unknown BigRAdjust {big_r_adjust!r}")
    return result
