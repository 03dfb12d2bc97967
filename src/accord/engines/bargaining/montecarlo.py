"""Monte Carlo over the uncertainty a scenario records: the distribution of each forecast.

Every input cell of a problem (each actor's position, salience and capability
on each issue, and each issue's status quo) is drawn afresh in every run:

- a cell with one estimate is drawn from that estimate's documented
  distribution: the quantile-matched split normal whose 10th and 90th
  percentiles are the ends of its 80% range (:meth:`accord.model.Estimate.sample`);
- a cell with several estimates (two sources disagree) first picks one of them
  uniformly at random, then draws from it: a mixture, so that disagreement
  between sources widens the band rather than averaging away;
- a cell without a range, or without a measure (an actor holding no position:
  salience 0), keeps its value;
- draws are clipped: positions and status quo to the issue's scale, salience to
  [0, 1], capability to >= 0.

Runs come in blocks of :data:`BLOCK` runs. Block ``b`` draws from its own
generator, seeded by the ``b``-th child of ``SeedSequence(seed)`` (what
``SeedSequence(seed).spawn`` would give), so the result does not depend on how
blocks are grouped into tasks or which executor runs them: the local loop and a
Dask cluster give bit-identical samples. Models with ``predict_batch`` run a
whole block at once; others are fitted run by run. A run a model cannot take
(say, every salience on an issue drawn to 0) counts as failed (NaN), and the
band is taken over the rest.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray

from accord.engines.bargaining.problem import Array, BargainingModel, BargainingProblem, ModelInputError
from accord.engines.bargaining.scenario_input import ScenarioInputs
from accord.errors import AccordError
from accord.model import Z90, Measure

#: Runs per block: the unit of randomness (one spawned seed each) and of work.
BLOCK = 250

#: Called after each finished task with (runs done, runs in all).
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Sampler:
    """The uncertain inputs of a problem as flat tables: picklable, drawn in blocks.

    Cells are ordered positions (n*m), salience (n*m), capability (n*m), status
    quo (m). Cell ``c`` has ``count[c]`` estimates (0: fixed at ``fixed[c]``);
    estimate ``k`` has median ``value[c, k]`` and split-normal scales
    ``below[c, k]``, ``above[c, k]``.
    """

    problem: BargainingProblem
    count: NDArray[np.intp]
    fixed: Array
    value: Array
    below: Array
    above: Array
    floor: Array
    ceiling: Array

    @classmethod
    def from_inputs(cls, inputs: ScenarioInputs) -> Sampler:
        """The sampler of a scenario's problem, from the measure behind each cell."""
        problem = inputs.problem
        measures: list[Measure | None] = []
        for cells in (inputs.positions, inputs.salience, inputs.capability):
            measures.extend(cell for row in cells for cell in row)
        measures.extend(inputs.status_quo)
        return cls._build(problem, measures)

    @classmethod
    def fixed_problem(cls, problem: BargainingProblem) -> Sampler:
        """A sampler with no uncertainty: every run is the problem itself (imported tables without ranges)."""
        n, m = problem.positions.shape
        return cls._build(problem, [None] * (3 * n * m + m))

    @classmethod
    def _build(cls, problem: BargainingProblem, measures: Sequence[Measure | None]) -> Sampler:
        n, m = problem.positions.shape
        sq = problem.status_quo if problem.status_quo is not None else np.full(m, np.nan)
        fixed = np.concatenate([problem.positions.ravel(), problem.salience.ravel(), problem.capability.ravel(), sq])
        floor = np.concatenate([np.tile(problem.low, n), np.zeros(n * m), np.zeros(n * m), problem.low])
        ceiling = np.concatenate([np.tile(problem.high, n), np.ones(n * m), np.full(n * m, np.inf), problem.high])
        width = max((len(measure) for measure in measures if measure is not None), default=1)
        count = np.zeros(len(measures), dtype=np.intp)
        value = np.zeros((len(measures), width))
        below, above = np.zeros_like(value), np.zeros_like(value)
        for c, measure in enumerate(measures):
            if measure is None:
                continue
            count[c] = len(measure)
            for k, estimate in enumerate(measure):
                low, high = estimate.range if estimate.range is not None else (estimate.value, estimate.value)
                value[c, k] = estimate.value
                below[c, k] = (estimate.value - low) / Z90
                above[c, k] = (high - estimate.value) / Z90
        return cls(problem, count, fixed, value, below, above, floor, ceiling)

    def draw(self, rng: np.random.Generator, size: int) -> tuple[Array, Array, Array, Array]:
        """``size`` runs: positions, salience, capability (size, n, m) and status quo (size, m)."""
        cells = self.count.size
        z = rng.standard_normal((size, cells))
        pick = np.minimum((rng.random((size, cells)) * self.count).astype(np.intp), np.maximum(self.count - 1, 0))
        index = np.arange(cells)
        centre = self.value[index, pick]
        spread = np.where(z < 0, self.below[index, pick], self.above[index, pick])
        drawn = np.where(self.count > 0, centre + z * spread, self.fixed)
        drawn = np.clip(drawn, self.floor, self.ceiling)
        n, m = self.problem.positions.shape
        k = n * m
        shape = (size, n, m)
        return (
            drawn[:, :k].reshape(shape),
            drawn[:, k : 2 * k].reshape(shape),
            drawn[:, 2 * k : 3 * k].reshape(shape),
            drawn[:, 3 * k :],
        )


@dataclass(frozen=True)
class Band:
    """The distribution of one model's forecast on each issue: median and 80% interval."""

    median: Array
    low: Array
    high: Array
    failed: Array
    """(m,): runs the model could not take on each issue (excluded from the band)."""


@dataclass(frozen=True)
class MonteCarloResult:
    """Every run's forecast of every model: ``samples[model, run, issue]``."""

    models: tuple[str, ...]
    issues: tuple[str, ...]
    runs: int
    seed: int
    samples: Array

    def band(self, model: str) -> Band:
        """Median and 10th/90th percentiles of ``model``'s forecasts over the runs."""
        values = self.samples[self.models.index(model)]
        failed = np.isnan(values).sum(axis=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # an issue where every run failed: NaN band
            low, median, high = np.nanquantile(values, [0.1, 0.5, 0.9], axis=0)
        return Band(median, low, high, failed)


@dataclass(frozen=True)
class Sweep:
    """What every task of a sweep needs: picklable, shipped once to each worker."""

    sampler: Sampler
    models: tuple[BargainingModel, ...]
    seed: int

    def run_blocks(self, blocks: Sequence[tuple[int, int]]) -> Array:
        """Forecasts for some blocks ``(index, size)``: (models, sum of sizes, m)."""
        return np.concatenate([self.run_block(index, size) for index, size in blocks], axis=1)

    def run_block(self, index: int, size: int) -> Array:
        """Block ``index``: ``size`` runs drawn from the block's own spawned seed."""
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(self.seed, spawn_key=(index,))))
        draws = self.sampler.draw(rng, size)
        return np.stack([forecast_runs(model, self.sampler.problem, *draws) for model in self.models])


def forecast_runs(
    model: BargainingModel,
    problem: BargainingProblem,
    positions: Array,
    salience: Array,
    capability: Array,
    status_quo: Array,
) -> Array:
    """``model``'s forecast in each run (r, m): through ``predict_batch`` if it has one, else run by run."""
    batch = _batch_method(model)
    if batch is not None:
        accepted = _keywords(batch)
        extra = {"low": problem.low, "high": problem.high, "status_quo": status_quo}
        kwargs = {k: v for k, v in extra.items() if accepted is None or k in accepted}
        return np.asarray(batch(positions, salience, capability, **kwargs), dtype=np.float64)
    out = np.full((positions.shape[0], problem.n_issues), np.nan)
    for run in range(positions.shape[0]):
        sq = None if np.isnan(status_quo[run]).all() else status_quo[run]
        try:
            drawn = BargainingProblem(
                problem.actors,
                problem.issues,
                positions[run],
                salience[run],
                capability[run],
                problem.low,
                problem.high,
                sq,
                problem.source,
            )
            out[run] = model.predict(drawn)
        except ModelInputError:
            continue
    return out


def _batch_method(model: BargainingModel) -> Callable[..., Any] | None:
    method = getattr(model, "predict_batch", None)
    return method if callable(method) else None


def _keywords(method: Callable[..., Any]) -> set[str] | None:
    """The keyword names ``method`` takes; None if it takes any (``**kwargs``)."""
    parameters = inspect.signature(method).parameters.values()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return None
    return {p.name for p in parameters}


def blocks_of(runs: int) -> list[tuple[int, int]]:
    """The blocks ``(index, size)`` of a sweep of ``runs`` runs."""
    return [(b, min(BLOCK, runs - b * BLOCK)) for b in range((runs + BLOCK - 1) // BLOCK)]


def resolve_seed(seed: int | None) -> int:
    """The seed to record: ``seed`` itself, or fresh entropy when None (printed so a run can be repeated)."""
    if seed is None:
        entropy = np.random.SeedSequence().entropy
        return int(cast(int, entropy)) % 2**63
    if seed < 0:
        raise AccordError(f"seed is {seed}; expected an integer >= 0")
    return seed


def simulate(
    sampler: Sampler,
    models: Sequence[BargainingModel],
    runs: int,
    seed: int | None = None,
    *,
    executor: str = "local",
    progress: Progress | None = None,
    blocks_per_task: int | None = None,
) -> MonteCarloResult:
    """Run ``runs`` draws of the inputs through every model; ``executor`` is ``local`` or ``dask://HOST:PORT``."""
    from accord.engines.bargaining.executor import run_sweep

    if runs < 1:
        raise AccordError(f"runs is {runs}; expected at least 1")
    if not models:
        raise AccordError("no model to run")
    sweep = Sweep(sampler, tuple(models), resolve_seed(seed))
    samples = run_sweep(sweep, blocks_of(runs), executor, progress=progress, blocks_per_task=blocks_per_task)
    return MonteCarloResult(tuple(model.name for model in models), sampler.problem.issues, runs, sweep.seed, samples)
