"""From a scenario to a bargaining problem: aggregates, per-issue capability, absent positions, status quo."""

from __future__ import annotations

import numpy as np
import pytest

from accord.engines.bargaining import ModelInputError
from accord.engines.bargaining.scenario_input import problem_from_scenario, scenario_inputs
from accord.io import load_default_scenario
from accord.model import Estimate, Measure, Position, ProvenanceKind
from tests.engines.scenario_builders import ScenarioBuilder


def small() -> ScenarioBuilder:
    b = ScenarioBuilder()
    b.actor("a", capability=60).actor("b", capability=20).actor("c", capability=40)
    b.issue("x").issue("y", low=-1, high=1)
    b.position("a", "x", 80, 0.5).position("b", "x", 20, 1.0).position("a", "y", -0.5, 0.9)
    b.position("c", "y", 0.5, 0.3)
    return b


def test_aggregates_and_absent_positions() -> None:
    problem = problem_from_scenario(small().build())
    assert problem.actors == ("a", "b", "c") and problem.issues == ("x", "y")
    np.testing.assert_allclose(problem.salience, [[0.5, 0.9], [1.0, 0.0], [0.0, 0.3]])
    np.testing.assert_allclose(problem.capability, [[60, 60], [20, 20], [40, 40]])
    # c holds no position on x: placed at the weighted mean of a and b, with salience 0.
    assert problem.positions[2, 0] == pytest.approx((60 * 0.5 * 80 + 20 * 1.0 * 20) / (60 * 0.5 + 20 * 1.0))
    np.testing.assert_allclose(problem.low, [0, -1])
    assert problem.status_quo is None
    assert scenario_inputs(small().build()).held.tolist() == [[True, True], [True, False], [False, True]]


def test_mean_of_several_estimates_and_per_issue_capability() -> None:
    b = small()
    two = [b.est(70.0), b.est(90.0, ProvenanceKind.ATTRIBUTED)]
    b.positions[0] = Position(
        actor="a", issue="x", value=Measure(two), salience=b.measure(0.5), capability=b.measure(10)
    )
    problem = problem_from_scenario(b.build())
    assert problem.positions[0, 0] == pytest.approx(80.0)
    assert problem.capability[0, 0] == 10 and problem.capability[0, 1] == 60


def test_default_scenario_issues_parties_and_status_quo() -> None:
    scenario = load_default_scenario()
    problem = problem_from_scenario(scenario, issues=["foreign-troops"], parties=["Washington", "taliban"])
    assert problem.actors == ("usa", "taliban") and problem.issues == ("foreign-troops",)
    assert problem.status_quo is not None and problem.status_quo[0] == 75
    assert problem.capability[1, 0] == 65  # the Taliban's capability on the troop issue


def test_errors_name_what_is_wrong() -> None:
    scenario = small().build()
    with pytest.raises(ModelInputError, match="no issue 'z'"):
        problem_from_scenario(scenario, issues=["z"])
    with pytest.raises(ModelInputError, match="no party called 'd'"):
        problem_from_scenario(scenario, parties=["d"])
    with pytest.raises(ModelInputError, match="no chosen party holds a position on issue 'x'"):
        problem_from_scenario(scenario, issues=["x"], parties=["c"])
    b = ScenarioBuilder().actor("a").actor("b", capability=1).issue("x")
    b.position("a", "x", 10, 1).position("b", "x", 20, 1)
    with pytest.raises(ModelInputError, match=r"'a'.*no capability"):
        problem_from_scenario(b.build())


def test_estimate_ranges_are_kept_for_sampling() -> None:
    e = Estimate(value=60, kind=ProvenanceKind.ESTIMATED, source="analyst", rationale="r", range=(40, 70))
    b = small()
    b.positions[1] = Position(actor="b", issue="x", value=Measure([e]), salience=b.measure(1.0))
    inputs = scenario_inputs(b.build())
    cell = inputs.positions[1][0]
    assert cell is not None and cell.root[0].range == (40, 70)
