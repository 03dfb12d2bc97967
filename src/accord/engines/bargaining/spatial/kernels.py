"""Elementwise pieces of KTAB's SMP: votes, victory odds, distance and utility.

Each function is KTAB's scalar rule (``Model::vote``, ``Model::vProb``,
``SMPModel::bvDiff`` and ``bsUtil`` in KTAB's ``kmodel.cpp`` and ``smp.cpp``; Wise,
Lumley et al., KAPSARC Toolkit for Behavioral Analysis, 2015-2017) written over
numpy arrays, so that a whole tensor of comparisons is one call.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

#: Width of the linear ramp that makes the binary vote continuous (KTAB's ``sTol``).
BINARY_VOTE_TOL = 1e-8
#: Weight of the binary part in ``PropBin`` and of the cubic part in ``PropCbc``.
PROP_BIN_WEIGHT = 0.2
PROP_CUBIC_WEIGHT = 0.5
#: A 10% strength advantage wins outright under the ``Binary`` victory model.
BINARY_VICTORY_THRESHOLD = 1.10
BINARY_VICTORY_FLOOR = 1e-6


def vote(rule: str, weight: Array | float, du: Array) -> Array:
    """An actor's vote for option 1 over option 2 given ``du = u1 - u2``: positive for 1, negative for 2.

    The rules scale a weight (the actor's clout) by a response to the utility
    difference: proportional, cubic, a binary step made continuous over
    ``BINARY_VOTE_TOL``, mixtures of those, or KTAB's asymmetric prospect rule
    (gains count two thirds of losses).
    """
    if rule == "Prop":
        return weight * du
    if rule == "Binary":
        return weight * np.clip(du / BINARY_VOTE_TOL, -1.0, 1.0)
    if rule == "PropBin":
        return weight * ((1 - PROP_BIN_WEIGHT) * du + PROP_BIN_WEIGHT * np.clip(du / BINARY_VOTE_TOL, -1.0, 1.0))
    if rule == "PropCbc":
        return weight * ((1 - PROP_CUBIC_WEIGHT) * du + PROP_CUBIC_WEIGHT * (du * du * du))
    if rule == "Cubic":
        return weight * (du * du * du)
    if rule == "ASymProsp":
        return np.where(du < 0.0, weight * du, (2.0 * weight * du) / 3.0)
    raise ValueError(f"unknown voting rule {rule!r}")


def victory_probability(model: str, s1: Array, s2: Array) -> Array:
    """Probability that a coalition of strength ``s1`` beats one of strength ``s2`` (KTAB's ``vProb``).

    ``Linear`` is s1 / (s1 + s2); ``Square``, ``Quartic`` and ``Octic`` raise the
    strengths to that power first; ``Binary`` makes a 10% advantage decisive, with a
    linear ramp in between.
    """
    if model == "Linear":
        x1, x2 = s1, s2
    elif model == "Square":
        x1, x2 = s1 * s1, s2 * s2
    elif model == "Quartic":
        x1, x2 = _quartic(s1), _quartic(s2)
    elif model == "Octic":
        q1, q2 = _quartic(s1), _quartic(s2)
        x1, x2 = q1 * q1, q2 * q2
    elif model == "Binary":
        t = BINARY_VICTORY_THRESHOLD
        ramp = ((s1 / (s1 + s2)) * (t + 1.0) - 1.0) / (t - 1.0)
        x1 = np.where(s1 >= t * s2, 1.0, np.where(s2 >= t * s1, BINARY_VICTORY_FLOOR, ramp))
        x2 = np.where(s1 >= t * s2, BINARY_VICTORY_FLOOR, np.where(s2 >= t * s1, 1.0, 1.0 - ramp))
    else:
        raise ValueError(f"unknown victory probability model {model!r}")
    result: Array = x1 / (x1 + x2)
    return result


def _quartic(x: Array) -> Array:
    square = x * x
    result: Array = square * square
    return result


def weighted_distance(ideals: Array, positions: Array, salience: Array) -> Array:
    """``d[i, j]``: distance from actor i's ideal to actor j's position, weighted by i's saliences.

    KTAB's ``bvDiff``: the root of sum_k (s_ik (x_ik - y_jk))^2 / sum_k s_ik^2, which
    is 0 at the ideal and 1 at the far corner of the unit cube along i's concerns.
    For an actor with no salience at all (where KTAB divides 0 by 0) the weights
    are equal: the limit of a vanishing salience spread evenly, which on one issue
    is the limit of any vanishing salience (the distance does not depend on its size).
    """
    salience = np.where((np.sum(salience, axis=1) > 0)[:, None], salience, 1.0)
    diff = ideals[:, None, :] - positions[None, :, :]
    weighted = diff * salience[:, None, :]
    total = np.sum(salience * salience, axis=1)
    result: Array = np.sqrt(np.sum(weighted * weighted, axis=2) / total[:, None])
    return result


def distance_to(ideals: Array, points: Array, salience: Array) -> Array:
    """``d[i, b]``: weighted distance from actor i's ideal to candidate point b (points has shape (B, m))."""
    return weighted_distance(ideals, points, salience)


def utility(distance: Array, risk: Array | float) -> Array:
    """KTAB's ``bsUtil``: (1 - d)(1 + d R), so risk-averse actors (R > 0) lose little near their ideal.

    Beyond d = 1 (round-off only) KTAB continues the line with slope -(1 + R).
    """
    result: Array = (1.0 - distance) * (1.0 + np.minimum(distance, 1.0) * risk)
    return result
