"""Monte Carlo over a scenario's uncertainty: seeds, chunking, bands, the documented distribution."""

from __future__ import annotations

import numpy as np
import pytest

from accord.engines.bargaining import BargainingProblem
from accord.engines.bargaining.classic import CompromiseModel, NashBargainingModel, WeightedMedianModel
from accord.engines.bargaining.montecarlo import BLOCK, Sampler, simulate
from accord.engines.bargaining.scenario_input import scenario_inputs
from accord.errors import AccordError
from accord.io import load_default_scenario
from accord.model import Estimate, Measure, Position, ProvenanceKind
from tests.engines.scenario_builders import ScenarioBuilder

MODELS = [CompromiseModel(), WeightedMedianModel(), NashBargainingModel()]


@pytest.fixture(scope="module")
def default_sampler() -> Sampler:
    return Sampler.from_inputs(scenario_inputs(load_default_scenario()))


def test_same_seed_same_runs_other_seed_other_runs(default_sampler: Sampler) -> None:
    first = simulate(default_sampler, MODELS, 600, seed=7)
    again = simulate(default_sampler, MODELS, 600, seed=7)
    other = simulate(default_sampler, MODELS, 600, seed=8)
    np.testing.assert_array_equal(first.samples, again.samples)
    assert not np.array_equal(first.samples, other.samples)
    assert first.seed == 7 and first.samples.shape == (3, 600, 9)


def test_results_do_not_depend_on_chunking(default_sampler: Sampler) -> None:
    runs = 3 * BLOCK + 17
    one = simulate(default_sampler, MODELS, runs, seed=1, blocks_per_task=1)
    for per_task in (2, 3, 100):
        np.testing.assert_array_equal(
            simulate(default_sampler, MODELS, runs, seed=1, blocks_per_task=per_task).samples, one.samples
        )
    # Fewer runs are a prefix of more runs: block b's seed does not depend on the total.
    np.testing.assert_array_equal(simulate(default_sampler, MODELS, BLOCK, seed=1).samples, one.samples[:, :BLOCK])


def test_band_contains_the_median_and_the_point_forecast_is_near(default_sampler: Sampler) -> None:
    result = simulate(default_sampler, MODELS, 1000, seed=3)
    for model in MODELS:
        band = result.band(model.name)
        assert np.all(band.low <= band.median) and np.all(band.median <= band.high)
        assert np.all(band.high - band.low > 0)
        assert np.all(band.failed == 0)
        assert np.all((band.low >= 0) & (band.high <= 100))


def test_input_without_range_gives_zero_width() -> None:
    problem = BargainingProblem.build(["a", "b", "c"], [[10.0], [50.0], [90.0]], [0.5, 0.7, 0.9], [3, 2, 1])
    result = simulate(Sampler.fixed_problem(problem), MODELS, 300, seed=0)
    for model in MODELS:
        band = result.band(model.name)
        np.testing.assert_array_equal(band.low, band.high)
        np.testing.assert_allclose(band.median, model.predict(problem))


def _one_cell(value: Measure) -> Sampler:
    b = ScenarioBuilder().actor("a", capability=1).actor("b", capability=1).issue("x")
    b.position("a", "x", 50, 1).position("b", "x", 50, 1)
    b.positions[0] = Position(actor="a", issue="x", value=value, salience=b.measure(1.0))
    return Sampler.from_inputs(scenario_inputs(b.build()))


def _estimate(value: float, rng: tuple[float, float] | None, rationale: str = "r") -> Estimate:
    return Estimate(value=value, kind=ProvenanceKind.ESTIMATED, source="analyst", rationale=rationale, range=rng)


def test_draws_follow_the_documented_split_normal() -> None:
    sampler = _one_cell(Measure([_estimate(60, (40, 70))]))
    positions = sampler.draw(np.random.default_rng(0), 200_000)[0][:, 0, 0]
    assert np.quantile(positions, 0.1) == pytest.approx(40, abs=0.3)
    assert np.quantile(positions, 0.5) == pytest.approx(60, abs=0.3)
    assert np.quantile(positions, 0.9) == pytest.approx(70, abs=0.3)


def test_several_estimates_are_picked_uniformly_then_drawn() -> None:
    sampler = _one_cell(Measure([_estimate(85, None, "one"), _estimate(60, None, "two")]))
    positions = sampler.draw(np.random.default_rng(0), 10_000)[0][:, 0, 0]
    assert set(np.unique(positions)) == {60.0, 85.0}
    assert np.mean(positions == 85.0) == pytest.approx(0.5, abs=0.02)


def test_draws_are_clipped_to_the_scale() -> None:
    sampler = _one_cell(Measure([_estimate(95, (80, 100))]))
    positions = sampler.draw(np.random.default_rng(0), 10_000)[0][:, 0, 0]
    assert positions.max() == 100.0 and positions.min() >= 0


def test_progress_reaches_the_total(default_sampler: Sampler) -> None:
    seen: list[tuple[int, int]] = []
    simulate(
        default_sampler, MODELS[:1], 2 * BLOCK + 1, seed=0, progress=lambda done, total: seen.append((done, total))
    )
    assert seen[-1] == (2 * BLOCK + 1, 2 * BLOCK + 1) and len(seen) == 3


def test_a_model_without_a_batch_path_runs_run_by_run(default_sampler: Sampler) -> None:
    class Plain(CompromiseModel):
        predict_batch = None  # type: ignore[assignment]

    fast = simulate(default_sampler, [CompromiseModel()], 300, seed=2).samples[0]
    slow = simulate(default_sampler, [Plain()], 300, seed=2).samples[0]
    np.testing.assert_allclose(slow, fast, rtol=1e-12)


def test_bad_arguments_are_refused(default_sampler: Sampler) -> None:
    with pytest.raises(AccordError, match="runs"):
        simulate(default_sampler, MODELS, 0)
    with pytest.raises(AccordError, match="seed"):
        simulate(default_sampler, MODELS, 10, seed=-1)
    with pytest.raises(AccordError, match="executor"):
        simulate(default_sampler, MODELS, 10, executor="ray://x")
