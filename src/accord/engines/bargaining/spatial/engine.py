"""The SMP turn loop on unit-scale arrays: assess the state, challenge, bargain, move, stop.

Follows KTAB's ``SMPState::setAllAUtil``, ``stepBCN``/``doBCN``, ``newIdeals``,
``pDist`` and ``smpStopFn`` (``smp.cpp``, ``smpbcn.cpp``; Wise, Lumley et al.,
KAPSARC Toolkit for Behavioral Analysis, 2015-2017). One turn costs O(n^3) array
operations (every estimator's view of every challenge), done as numpy tensors
rather than KTAB's per-quadruple loops and database writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from accord.engines.bargaining.spatial.bargain import Bargains, Resolution, propose, resolve
from accord.engines.bargaining.spatial.challenge import Actors, Challenges, Views, best_challenges
from accord.engines.bargaining.spatial.kernels import Array, utility, weighted_distance
from accord.engines.bargaining.spatial.options import SmpOptions
from accord.engines.bargaining.spatial.pce import big_r_from_probability, coalitions, pce, perceived_risk, scalar_pce

#: Positions closer than this (Euclidean, unit scale) are one option in the final PCE (KTAB's ``posTol``).
POSITION_TOLERANCE = 1e-3
#: Added to the first turn's movement in the stopping rule, against 0/0 (KTAB's ``minSigDelta``).
MIN_SIGNIFICANT_DELTA = 1e-4


@dataclass(frozen=True)
class Assessment:
    """How the actors see one state (KTAB's ``setAllAUtil``)."""

    distance: Array
    """(n, n): salience-weighted distance from i's ideal to j's position."""
    values: Array
    """(n, n): risk-neutral utility of j's position to i (KTAB's "raw actor-pos value matrix")."""
    probabilities: Array
    """(n,): each position's PCE probability when actors are risk-neutral."""
    risk: Array
    """(n,): risk attitudes inferred from those probabilities."""
    views: Views
    """Everyone's estimates of everyone's utilities."""

    @property
    def utilities(self) -> Array:
        """(n, n, n): utilities[h, i, j], h's estimate of i's utility for j's position."""
        return self.views.tensor

    @property
    def own_utility(self) -> Array:
        """(n, n): each actor's own, risk-aware utility for each position."""
        return self.views.own


def assess(positions: Array, ideals: Array, salience: Array, capability: Array, options: SmpOptions) -> Assessment:
    """Risk-neutral values, the PCE over all positions, inferred risk attitudes and everyone's utility estimates."""
    distance = weighted_distance(ideals, positions, salience)
    values = utility(distance, 0.0)
    fast = options.fast
    strength = coalitions(options.voting_rule, capability, values, fast=fast)
    probabilities, _ = pce(options.pce_model, options.victory_prob_model, strength)
    risk = big_r_from_probability(probabilities, options.big_r_range)
    views = Views(distance, perceived_risk(risk, options.big_r_adjust), fast)
    return Assessment(distance, values, probabilities, risk, views)


@dataclass(frozen=True)
class Turn:
    """One turn: the state it started from and what happened in it."""

    positions: Array
    ideals: Array
    assessment: Assessment
    challenges: Challenges
    bargains: Bargains
    resolution: Resolution


@dataclass
class Run:
    """A whole SMP run on the unit scale."""

    states: list[Array] = field(default_factory=list)
    """Positions of every state, the inputs first."""
    ideals: list[Array] = field(default_factory=list)
    turns: list[Turn] = field(default_factory=list)
    final: Assessment | None = None
    final_probabilities: Array | None = None
    """(n,): probability that each actor's final position wins (KTAB's ``pDist(-1)`` / ``posProb``)."""
    ktab_probabilities: Array | None = None
    """(n,): the same, grouping positions as KTAB does (actor order): what KTAB reports."""
    final_groups: NDArray[np.intp] | None = None
    """(n,): which distinct final position each actor holds (positions within ``POSITION_TOLERANCE``)."""

    @property
    def rounds(self) -> int:
        return len(self.turns)


def run(
    positions: Array,
    salience: Array,
    capability: Array,
    options: SmpOptions,
    *,
    accommodation: Array | None = None,
    seed: int | None = None,
    keep_turns: bool = True,
) -> Run:
    """Run the SMP from unit-scale positions until KTAB's stopping rule fires.

    ``accommodation`` is KTAB's ideal-adjustment matrix: after each turn, i's ideal
    becomes sum_j a[i, j] x_j + (1 - sum_j a[i, j]) times its old ideal; None (the
    identity) keeps ideals at positions.
    """
    rng = np.random.default_rng(seed) if options.stochastic else None
    actors = Actors(clout=capability * salience.sum(axis=1), resolve=salience.sum(axis=1))
    x, ideal = positions.copy(), positions.copy()
    result = Run(states=[x], ideals=[ideal])
    state = assess(x, ideal, salience, capability, options)
    first_move = 0.0
    for turn in range(1, options.max_turns + 1):
        challenges = best_challenges(state.views, actors, options.voting_rule, options.third_party_commit)
        bargains = propose(x, salience, capability, state.views, actors, challenges, options)
        moved = resolve(x, ideal, salience, capability, state.own_utility, state.risk, bargains, options, rng)
        if keep_turns:
            result.turns.append(Turn(x, ideal, state, challenges, bargains, moved))
        else:
            result.turns.append(_light_turn(x, ideal, moved))
        new_x = moved.positions
        ideal = _new_ideals(new_x, ideal, accommodation)
        move = float(np.sum(np.linalg.norm(new_x - x, axis=1)))
        x = new_x
        result.states.append(x)
        result.ideals.append(ideal)
        state = assess(x, ideal, salience, capability, options)
        if turn == 1:
            first_move = move + MIN_SIGNIFICANT_DELTA
        if turn >= options.min_turns and move / first_move < options.min_delta_ratio:
            break
    result.final = state
    result.final_probabilities, result.final_groups = position_probabilities(state, capability, x, options)
    result.ktab_probabilities, _ = position_probabilities(state, capability, x, options, grouping="ktab")
    return result


def _light_turn(x: Array, ideal: Array, moved: Resolution) -> Turn:
    empty = np.zeros(0)
    none = np.zeros(0, dtype=np.intp)
    return Turn(
        x,
        ideal,
        Assessment(empty, empty, empty, empty, Views(empty, empty)),
        Challenges(none, empty, empty, empty, empty),
        Bargains(none, none, empty, empty, empty, empty),
        moved,
    )


def _new_ideals(positions: Array, ideals: Array, accommodation: Array | None) -> Array:
    if accommodation is None:
        return positions.copy()
    lag = 1.0 - np.minimum(accommodation.sum(axis=1), 1.0)
    result: Array = accommodation @ positions + lag[:, None] * ideals
    return result


def position_probabilities(
    state: Assessment, capability: Array, positions: Array, options: SmpOptions, *, grouping: str = "sorted"
) -> tuple[Array, NDArray[np.intp]]:
    """Probability that each actor's position wins, and the group of each, from one PCE over distinct positions.

    This is KTAB's ``pDist(-1)``: each actor votes with its own utilities, and
    positions within ``POSITION_TOLERANCE`` of each other are one option. With
    ``grouping="ktab"`` they are grouped greedily in actor order, the first member
    standing for its group, and each actor is then reported with the *last* group
    whose representative lies within tolerance of its position (KTAB's ``setUENdx``
    and ``posProb``: the two scans differ when positions form chains). With
    ``"sorted"`` the grouping runs in the positions' sorted order and each actor
    keeps its own group, so that nothing depends on how the actors are listed.
    """
    n = positions.shape[0]
    order = np.lexsort(positions.T[::-1]) if grouping == "sorted" else np.arange(n)
    group = np.full(n, -1, dtype=np.intp)
    representatives: list[int] = []
    for a in order:
        for g, rep in enumerate(representatives):
            if np.linalg.norm(positions[a] - positions[rep]) < POSITION_TOLERANCE:
                group[a] = g
                break
        else:
            group[a] = len(representatives)
            representatives.append(int(a))
    values = state.own_utility[:, representatives]
    rule, victory, pce_model = options.voting_rule, options.victory_prob_model, options.pce_model
    p, _, _ = scalar_pce(capability, values, rule, victory, pce_model, fast=options.fast)
    if grouping == "ktab":
        reps = positions[representatives]
        near = np.linalg.norm(positions[:, None, :] - reps[None, :, :], axis=2) < POSITION_TOLERANCE
        group = (len(representatives) - 1 - np.argmax(near[:, ::-1], axis=1)).astype(np.intp)
    result: Array = p[group]
    return result, group
