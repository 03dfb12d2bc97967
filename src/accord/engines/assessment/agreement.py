"""How far the parties' stances lie apart: pairwise agreement and the propositions that divide them."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations

from accord.engines.assessment.options import DEFAULT_OPTIONS, AssessmentOptions
from accord.engines.assessment.readings import Readings, clamp, weighted_mean
from accord.engines.assessment.results import Crux, PairMatrix
from accord.model.entities import Proposition
from accord.model.scenario import Scenario


def separation(readings: Readings, proposition: Proposition) -> float | None:
    """How strongly a proposition divides the parties, from 0 (all alike) to 2 (full accept against full reject).

    The weighted mean, over the pairs of parties whose stances are both known,
    of ``|s_i - s_j|``, each pair weighted by :meth:`Readings.pair_weight`
    (the pair's mean salience on the proposition's issue, else 1): a split
    between parties that care about the issue counts more than one between
    parties that do not. None with fewer than two known stances.
    """
    differences: list[float] = []
    weights: list[float] = []
    for a, b in combinations(readings.parties, 2):
        s_a, s_b = readings.stance(a, proposition.id), readings.stance(b, proposition.id)
        if s_a is not None and s_b is not None:
            differences.append(abs(s_a - s_b))
            weights.append(readings.pair_weight(a, b, proposition))
    if not differences:
        return None
    return clamp(weighted_mean(differences, weights), 0.0, 2.0)


def agreement_matrix(
    scenario: Scenario, parties: Iterable[str] | None, options: AssessmentOptions = DEFAULT_OPTIONS
) -> PairMatrix:
    """How much each pair of parties agrees on the propositions, from 0 (opposite) to 1 (identical).

    For a pair, over the propositions on which both stances are known:
    ``1 - weighted_mean(|s_i - s_j|) / 2``, each proposition weighted by
    :meth:`Readings.pair_weight` (the pair's mean salience on its issue, else
    1; the plain mean if every weight is 0). The diagonal is 1 and counts the
    party's known stances; a pair with nothing to compare is None (count 0).
    """
    readings = Readings.of(scenario, parties)
    n = len(readings.parties)
    values: list[list[float | None]] = [[None] * n for _ in range(n)]
    counts = [[0] * n for _ in range(n)]
    for i, party in enumerate(readings.parties):
        values[i][i] = 1.0
        counts[i][i] = sum(readings.stance(party, p.id) is not None for p in readings.propositions)
    for (i, a), (j, b) in combinations(enumerate(readings.parties), 2):
        differences: list[float] = []
        weights: list[float] = []
        for proposition in readings.propositions:
            s_a, s_b = readings.stance(a, proposition.id), readings.stance(b, proposition.id)
            if s_a is not None and s_b is not None:
                differences.append(abs(s_a - s_b))
                weights.append(readings.pair_weight(a, b, proposition))
        if differences:
            value = clamp(1.0 - weighted_mean(differences, weights) / 2.0, 0.0, 1.0)
            values[i][j] = values[j][i] = value
        counts[i][j] = counts[j][i] = len(differences)
    return PairMatrix(parties=list(readings.parties), values=values, counts=counts)


def cruxes(
    scenario: Scenario, parties: Iterable[str] | None, options: AssessmentOptions = DEFAULT_OPTIONS
) -> list[Crux]:
    """The ``options.crux_count`` propositions that best separate the parties.

    Ranked by :func:`separation` (descending, ties by id). Only propositions
    with at least two known stances and a separation above 0 qualify: a
    proposition every party reads alike divides nobody.
    """
    readings = Readings.of(scenario, parties)
    found: list[Crux] = []
    for proposition in readings.propositions:
        value = separation(readings, proposition)
        if value is not None and value > 0:
            stances = {party: readings.stance(party, proposition.id) for party in readings.parties}
            found.append(Crux(id=proposition.id, text=proposition.text, separation=value, stances=stances))
    found.sort(key=lambda crux: (-crux.separation, crux.id))
    return found[: options.crux_count]
