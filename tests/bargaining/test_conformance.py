"""One conformance suite that every registered bargaining model passes (scikit-learn's check_estimator idea)."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from accord.engines.bargaining import MODELS, BargainingModel, BargainingProblem, ModelInputError, model_class


def _model(name: str, seed: int | None = 0) -> BargainingModel:
    """A fresh instance with default parameters (and ``seed`` where the model takes one)."""
    cls = model_class(name)
    kwargs = {"seed": seed} if "seed" in inspect.signature(cls).parameters else {}
    return cls(**kwargs)


def _problem(seed: int, n: int = 5, m: int = 3, low: float = 0.0, high: float = 100.0) -> BargainingProblem:
    rng = np.random.default_rng(seed)
    return BargainingProblem.build(
        [f"actor-{i}" for i in range(n)],
        rng.uniform(low, high, (n, m)),
        rng.uniform(0.2, 1.0, (n, m)),
        rng.uniform(10, 100, n),
        issues=[f"issue-{j}" for j in range(m)],
        low=low,
        high=high,
        status_quo=rng.uniform(low, high, m),
        source="conformance",
    )


names = pytest.mark.parametrize("name", list(MODELS))


@names
@pytest.mark.parametrize(("seed", "low", "high"), [(1, 0.0, 100.0), (2, -5.0, 5.0), (3, 0.0, 1.0)])
def test_forecast_lies_within_the_scale(name: str, seed: int, low: float, high: float) -> None:
    problem = _problem(seed, low=low, high=high)
    forecast = _model(name).fit(problem).forecast_
    assert forecast.issues == problem.issues
    assert forecast.values.shape == (problem.n_issues,)
    assert np.all(np.isfinite(forecast.values))
    assert np.all((forecast.values >= low - 1e-9) & (forecast.values <= high + 1e-9))


@names
@pytest.mark.parametrize("seed", [4, 5])
def test_forecast_does_not_depend_on_actor_order(name: str, seed: int) -> None:
    problem = _problem(seed)
    order = np.random.default_rng(seed).permutation(problem.n_actors)
    shuffled = BargainingProblem(
        tuple(problem.actors[i] for i in order),
        problem.issues,
        problem.positions[order],
        problem.salience[order],
        problem.capability[order],
        problem.low,
        problem.high,
        problem.status_quo,
    )
    first = _model(name).predict(problem)
    second = _model(name).predict(shuffled)
    np.testing.assert_allclose(first, second, atol=1e-6)


@names
def test_unanimity_is_the_forecast(name: str) -> None:
    problem = _problem(6)
    common = np.array([20.0, 55.0, 90.0])
    same = BargainingProblem.build(
        problem.actors,
        np.tile(common, (problem.n_actors, 1)),
        problem.salience,
        problem.capability,
        issues=problem.issues,
        status_quo=[60.0, 10.0, 40.0],
    )
    np.testing.assert_allclose(_model(name).predict(same), common, atol=1e-6)


@names
def test_results_are_reproducible_with_a_seed(name: str) -> None:
    problem = _problem(7)
    first = _model(name, seed=42).fit(problem).forecast_
    second = _model(name, seed=42).fit(problem).forecast_
    np.testing.assert_array_equal(first.values, second.values)
    again = _model(name, seed=42)
    again.fit(problem)
    np.testing.assert_array_equal(again.fit(problem).forecast_.values, first.values)


@names
def test_a_single_actor_is_refused(name: str) -> None:
    alone = BargainingProblem.build(["only"], [[30.0, 70.0]], 0.5, 50.0, status_quo=[50.0, 50.0])
    with pytest.raises(ModelInputError):
        _model(name).fit(alone)


@names
@pytest.mark.parametrize("zero", ["capability", "salience"])
def test_all_weights_zero_is_refused(name: str, zero: str) -> None:
    problem = _problem(8)
    arrays = {"salience": problem.salience, "capability": problem.capability, zero: np.zeros_like(problem.salience)}
    empty = BargainingProblem(
        problem.actors,
        problem.issues,
        problem.positions,
        arrays["salience"],
        arrays["capability"],
        problem.low,
        problem.high,
        problem.status_quo,
    )
    with pytest.raises(ModelInputError):
        _model(name).fit(empty)
