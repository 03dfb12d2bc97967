"""Variants side by side, one-at-a-time sensitivity, and forecasts against recorded outcomes."""

from __future__ import annotations

import numpy as np
import pytest

from accord.engines.bargaining.classic import CompromiseModel, NashBargainingModel, WeightedMedianModel
from accord.engines.bargaining.compare import compare_variants, hindsight, sensitivity, top_levers
from accord.engines.bargaining.scenario_input import scenario_inputs
from accord.errors import AccordError
from accord.io import load_default_scenario
from accord.model import Scenario

MODELS = [CompromiseModel(), WeightedMedianModel(), NashBargainingModel()]


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_default_scenario()


def test_variants_shift_the_approach_to_pakistan(scenario: Scenario) -> None:
    comparison = compare_variants(scenario, MODELS, runs=500, seed=11)
    assert set(comparison.variants) == {"engagement", "coercion"}
    j = comparison.base.problem.issues.index("us-approach-pakistan")
    engagement = comparison.shifts["engagement", "compromise"]
    coercion = comparison.shifts["coercion", "compromise"]
    assert engagement.values[j] < 0 < coercion.values[j]
    # The shift is the difference of the point forecasts; its band comes from paired runs.
    expected = (
        comparison.variants["engagement"].forecasts["compromise"].values
        - comparison.base.forecasts["compromise"].values
    )
    np.testing.assert_allclose(engagement.values, expected)
    assert engagement.band is not None and engagement.band.high[j] < 0
    # Issues the variant leaves alone do not move in any paired run for the compromise model.
    k = comparison.base.problem.issues.index("foreign-troops")
    assert engagement.band.low[k] == engagement.band.high[k] == 0


def test_compromise_shift_is_hand_checkable(scenario: Scenario) -> None:
    comparison = compare_variants(scenario, [CompromiseModel()], ["engagement"])
    base = scenario_inputs(scenario).problem
    j, i = base.issues.index("us-approach-pakistan"), base.actors.index("usa")
    w = base.capability[:, j] * base.salience[:, j]
    # Engagement moves Washington from its base position to 20 on this issue.
    expected = w[i] * (20 - base.positions[i, j]) / w.sum()
    assert comparison.shifts["engagement", "compromise"].values[j] == pytest.approx(expected)
    assert comparison.base.montecarlo is None and comparison.shifts["engagement", "compromise"].band is None


def test_unknown_variant_is_named(scenario: Scenario) -> None:
    with pytest.raises(AccordError, match=r"no variant 'sanctions'.*engagement, coercion"):
        compare_variants(scenario, MODELS, ["sanctions"])


def test_sensitivity_ranks_the_inputs_that_move_the_compromise(scenario: Scenario) -> None:
    inputs = scenario_inputs(scenario)
    levers = sensitivity(inputs, CompromiseModel())
    # Every party holds a position on every issue: three inputs per cell.
    assert len(levers) == 3 * inputs.problem.n_actors * inputs.problem.n_issues
    j = inputs.problem.issues.index("foreign-troops")
    ranked = top_levers(levers, j, 3)
    assert len(ranked) == 3 and ranked[0].swing[j] >= ranked[1].swing[j] >= ranked[2].swing[j]
    # Inputs on one issue move only that issue's compromise.
    for lever in levers:
        other = [k for k, issue in enumerate(inputs.problem.issues) if issue != lever.issue]
        assert np.all(lever.at_low[other] == 0) and np.all(lever.at_high[other] == 0)
    # A position moved within its range moves the forecast by weight share x the move.
    first = next(lv for lv in levers if lv.kind == "position" and lv.issue == "taliban-role" and lv.actor == "taliban")
    k, i = inputs.problem.issues.index("taliban-role"), inputs.problem.actors.index("taliban")
    w = inputs.problem.capability[:, k] * inputs.problem.salience[:, k]
    assert first.at_high[k] == pytest.approx(w[i] / w.sum() * (first.high - first.base))


def test_hindsight_sets_forecasts_against_outcomes(scenario: Scenario) -> None:
    comparison = compare_variants(scenario, MODELS, [], runs=300, seed=5)
    found = hindsight(scenario, comparison.base)
    assert [h.outcome for h in found][:2] == ["doha-2020-foreign-troops", "doha-2020-taliban-role"]
    troops = found[0]
    assert troops.value == 5 and str(troops.date) == "2020-02-29"
    j = comparison.base.problem.issues.index("foreign-troops")
    for name in ("compromise", "median", "nash"):
        assert troops.errors[name] == pytest.approx(comparison.base.forecasts[name].values[j] - 5)
        assert troops.within_band[name] is not None
