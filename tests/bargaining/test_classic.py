"""Hand-computed cases of the compromise, weighted-median and Nash bargaining models."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import minimize  # type: ignore[import-untyped]

from accord.engines.bargaining import BargainingProblem, ModelInputError
from accord.engines.bargaining.classic import (
    CompromiseModel,
    NashBargainingModel,
    WeightedMedianModel,
    weighted_median,
)


def one_issue(
    positions: list[float], capability: list[float], salience: list[float] | float = 1.0, sq: float | None = None
) -> BargainingProblem:
    actors = [f"a{i}" for i in range(len(positions))]
    sal = salience if isinstance(salience, list) else [salience] * len(positions)
    return BargainingProblem.build(
        actors, [[p] for p in positions], sal, capability, status_quo=None if sq is None else [sq]
    )


def test_compromise_is_the_capability_and_salience_weighted_mean() -> None:
    assert CompromiseModel().predict(one_issue([0, 100], [1, 3]))[0] == pytest.approx(75.0)
    # Salience 1/3 cancels the threefold capability: an even split.
    assert CompromiseModel().predict(one_issue([0, 100], [1, 3], [1.0, 1 / 3]))[0] == pytest.approx(50.0)


def test_compromise_reports_its_reference() -> None:
    assert "Achen" in CompromiseModel.reference and CompromiseModel.name == "compromise"


@pytest.mark.parametrize(
    ("positions", "weights", "expected"),
    [
        ([10, 20, 30], [1, 1, 1], 20.0),
        ([30, 10, 20], [5, 1, 1], 30.0),  # the heavy actor holds more than half
        ([10, 20, 30, 40], [1, 1, 1, 1], 25.0),  # exactly half at 20: midpoint of 20 and 30
        ([10, 80, 90], [1, 0, 1], 50.0),  # a zero-weight actor is never the median
        ([40, 40, 10], [1, 1, 1], 40.0),  # tied positions pool their weight
    ],
)
def test_weighted_median_hand_cases(positions: list[float], weights: list[float], expected: float) -> None:
    assert WeightedMedianModel().predict(one_issue(positions, weights))[0] == pytest.approx(expected)


def test_weighted_median_batches_over_runs_and_issues() -> None:
    positions = np.array([[[10.0, 0.0], [20.0, 50.0], [30.0, 100.0]]] * 2)
    weights = np.array([[[1.0, 2.0], [1.0, 1.0], [1.0, 1.0]], [[5.0, 1.0], [1.0, 1.0], [1.0, 2.0]]])
    np.testing.assert_allclose(weighted_median(positions, weights), [[20.0, 25.0], [10.0, 75.0]])


def test_nash_one_issue_matches_the_closed_form() -> None:
    # Gains over sq = 0 on [0, 1]: x(1.2 - x) and x(1.6 - x); the first-order condition gives
    # x^2 - 2.1x + 0.96 = 0, so x = (2.1 - sqrt(0.57)) / 2.
    expected = 100 * (2.1 - math.sqrt(0.57)) / 2
    assert NashBargainingModel().predict(one_issue([60, 80], [1, 1], sq=0))[0] == pytest.approx(expected, abs=1e-6)


def test_nash_power_follows_capability() -> None:
    even = NashBargainingModel().predict(one_issue([60, 80], [1, 1], sq=0))[0]
    strong_first = NashBargainingModel().predict(one_issue([60, 80], [3, 1], sq=0))[0]
    assert 60 < strong_first < even


def test_nash_keeps_a_pareto_optimal_status_quo() -> None:
    # Actors on both sides of the status quo: no change makes both better off.
    assert NashBargainingModel().predict(one_issue([20, 80], [1, 1], sq=50))[0] == pytest.approx(50.0)


def test_nash_per_issue_ignores_salience_but_joint_trades_across_issues() -> None:
    positions = [[80.0, 20.0], [20.0, 80.0]]
    sq = [0.0, 0.0]
    flat = BargainingProblem.build(["a", "b"], positions, [[1.0, 1.0], [1.0, 1.0]], 1.0, status_quo=sq)
    skewed = BargainingProblem.build(["a", "b"], positions, [[1.0, 0.2], [0.2, 1.0]], 1.0, status_quo=sq)
    per_issue = NashBargainingModel(joint=False)
    np.testing.assert_allclose(per_issue.predict(flat), per_issue.predict(skewed))
    joint_flat, joint_skewed = NashBargainingModel().predict(flat), NashBargainingModel().predict(skewed)
    # Each actor cares most about the issue where it stands high: the package moves towards those ends.
    assert joint_skewed[0] > joint_flat[0] and joint_skewed[1] > joint_flat[1]


def test_nash_joint_solution_maximises_the_weighted_product_of_gains() -> None:
    rng = np.random.default_rng(3)
    p, s, c, d = rng.uniform(0, 1, (4, 2)), rng.uniform(0.1, 1, (4, 2)), rng.uniform(1, 10, 4), np.zeros(2)
    problem = BargainingProblem.build([f"a{i}" for i in range(4)], p, s, c, low=0, high=1, status_quo=d)
    alpha = c / c.sum()

    def minus_log_product(x: np.ndarray) -> float:
        gain = (s * ((d - p) ** 2 - (x - p) ** 2)).sum(axis=1)
        return math.inf if (gain <= 0).any() else float(-(alpha * np.log(gain)).sum())

    grid = np.stack(np.meshgrid(np.linspace(0, 1, 201), np.linspace(0, 1, 201)), axis=-1).reshape(-1, 2)
    start = min(grid, key=minus_log_product)  # the best grid point, then refined
    best = minimize(minus_log_product, start, method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-14})
    np.testing.assert_allclose(NashBargainingModel().predict(problem), best.x, atol=1e-6)


def test_nash_without_status_quo_uses_the_far_end_or_refuses() -> None:
    # Centre 70 -> the far end, 0, is the disagreement point: the same as sq = 0.
    far_end = NashBargainingModel().predict(one_issue([60, 80], [1, 1]))[0]
    assert far_end == pytest.approx(NashBargainingModel().predict(one_issue([60, 80], [1, 1], sq=0))[0])
    with pytest.raises(ModelInputError, match="status quo"):
        NashBargainingModel(missing_status_quo="error").fit(one_issue([60, 80], [1, 1]))


def test_nash_batch_marks_runs_it_cannot_take() -> None:
    positions = np.array([[[60.0], [80.0]], [[60.0], [80.0]]])
    salience = np.array([[[1.0], [1.0]], [[0.0], [0.0]]])
    out = NashBargainingModel().predict_batch(
        positions, salience, np.ones_like(salience), low=np.zeros(1), high=np.full(1, 100.0), status_quo=np.zeros(1)
    )
    assert np.isfinite(out[0, 0]) and np.isnan(out[1, 0])


@pytest.mark.parametrize("model", [CompromiseModel(), WeightedMedianModel(), NashBargainingModel()])
def test_an_issue_nobody_weighs_is_named(model: CompromiseModel) -> None:
    problem = BargainingProblem.build(["a", "b"], [[10.0, 20.0], [30.0, 40.0]], [[1.0, 0.0], [1.0, 0.0]], 1.0)
    with pytest.raises(ModelInputError, match="issue-2"):
        model.fit(problem)
