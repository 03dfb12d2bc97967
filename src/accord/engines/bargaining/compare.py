"""Forecasts of a scenario and its variants side by side, the levers that move them, and hindsight.

- :func:`forecast_problem` runs each model once on the aggregated inputs (the
  point forecast, with rounds and final positions for round-based models) and,
  with ``runs > 0``, the Monte Carlo sweep for its band.
- :func:`compare_variants` does so for the base scenario and each variant with
  the same seed. Every variant has the same cells in the same order, so run
  ``k`` of a variant and run ``k`` of the base share their random numbers
  (common random numbers), and the band of the shift is the distribution of the
  paired differences: tighter than the difference of two bands, and honest.
- :func:`sensitivity` moves one input at a time (a party's position, salience or
  capability on one issue) to each end of its 80% range, all else at its
  aggregate, and records how far every forecast moves. A cell with several
  estimates uses the means of the estimates' 10th and 90th percentiles; a
  cell without a range moves by 10% of its scale (positions: of the issue's
  scale; salience: 0.1; capability: 10% of the largest capability in the problem).
- :func:`hindsight` sets each forecast beside what happened (``Scenario.outcomes``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from accord.engines.bargaining.executor import parse_executor
from accord.engines.bargaining.montecarlo import (
    Band,
    MonteCarloResult,
    Progress,
    Sampler,
    forecast_runs,
    resolve_seed,
    simulate,
)
from accord.engines.bargaining.problem import Array, BargainingModel, BargainingProblem, Forecast
from accord.engines.bargaining.scenario_input import ScenarioInputs, scenario_inputs
from accord.errors import AccordError
from accord.model import Measure, Scenario

KINDS = ("position", "salience", "capability")


@dataclass(frozen=True)
class ProblemForecast:
    """Every model's point forecast of one problem and, with runs, its Monte Carlo band."""

    label: str
    problem: BargainingProblem
    forecasts: dict[str, Forecast]
    montecarlo: MonteCarloResult | None = None

    def band(self, model: str) -> Band | None:
        """The model's Monte Carlo band; None if it was not swept."""
        if self.montecarlo is None or model not in self.montecarlo.models:
            return None
        return self.montecarlo.band(model)


@dataclass(frozen=True)
class Shift:
    """How far a variant moves one model's forecast on each issue: point and paired-run band."""

    variant: str
    model: str
    values: Array
    band: Band | None


@dataclass(frozen=True)
class Comparison:
    """The base scenario's forecasts, each variant's, and the shifts."""

    base: ProblemForecast
    variants: dict[str, ProblemForecast] = field(default_factory=dict)
    shifts: dict[tuple[str, str], Shift] = field(default_factory=dict)
    """(variant, model) -> shift."""


def forecast_problem(
    sampler: Sampler,
    models: Sequence[BargainingModel],
    *,
    label: str = "base",
    runs: int = 0,
    seed: int | None = None,
    executor: str = "local",
    progress: Progress | None = None,
    banded: Sequence[str] | None = None,
    points: Mapping[str, Forecast] | None = None,
) -> ProblemForecast:
    """Point forecasts of every model and, when ``runs > 0``, Monte Carlo bands of those in ``banded`` (default all).

    ``points``: point forecasts of this very problem already made (model name -> forecast), not made again.
    """
    parse_executor(executor)
    known = points or {}
    points = {model.name: known.get(model.name) or model.fit(sampler.problem).forecast_ for model in models}
    swept = [m for m in models if banded is None or m.name in banded]
    result = None
    if runs > 0 and swept:
        result = simulate(sampler, swept, runs, seed, executor=executor, progress=progress)
    return ProblemForecast(label, sampler.problem, points, result)


def compare_variants(
    scenario: Scenario,
    models: Sequence[BargainingModel],
    variants: Sequence[str] | None = None,
    *,
    runs: int = 0,
    seed: int | None = None,
    executor: str = "local",
    progress: Progress | None = None,
    issues: Sequence[str] | None = None,
    parties: Sequence[str] | None = None,
    banded: Sequence[str] | None = None,
    points: Mapping[str, Forecast] | None = None,
) -> Comparison:
    """The base scenario and each variant (default: all), same seed, with each forecast's shift.

    ``banded``: the models whose bands the Monte Carlo sweep gives (default: all). ``points``: the base
    problem's point forecasts when already made (model name -> forecast).
    """
    chosen = [v.id for v in scenario.variants] if variants is None else list(variants)
    known = [v.id for v in scenario.variants]
    for wanted in chosen:
        if wanted not in known:
            raise AccordError(
                f"no variant {wanted!r} in scenario {scenario.id!r} (known: {', '.join(known) or 'none'})"
            )
    fixed_seed = resolve_seed(seed)
    inputs = scenario_inputs(scenario, issues, parties)
    run = {"runs": runs, "seed": fixed_seed, "executor": executor, "progress": progress, "banded": banded}
    base = forecast_problem(
        Sampler.from_inputs(inputs),
        models,
        label="base",
        points=points,
        **run,  # type: ignore[arg-type]
    )
    comparison = Comparison(base)
    for variant in chosen:
        changed = scenario_inputs(scenario.with_variant(variant), base.problem.issues, base.problem.actors)
        other = forecast_problem(Sampler.from_inputs(changed), models, label=variant, **run)  # type: ignore[arg-type]
        comparison.variants[variant] = other
        for model in models:
            name = model.name
            values = other.forecasts[name].values - base.forecasts[name].values
            paired = None
            if base.montecarlo is not None and other.montecarlo is not None and name in base.montecarlo.models:
                i = base.montecarlo.models.index(name)
                diff = other.montecarlo.samples[i] - base.montecarlo.samples[i]
                paired = MonteCarloResult((name,), base.problem.issues, runs, fixed_seed, diff[None]).band(name)
            comparison.shifts[variant, name] = Shift(variant, name, values, paired)
    return comparison


@dataclass(frozen=True)
class Lever:
    """One input moved to both ends of its range, and how every issue's forecast moved."""

    actor: str
    issue: str
    kind: str
    """``position``, ``salience`` or ``capability``."""
    base: float
    low: float
    high: float
    at_low: Array
    """(m,): the forecast change with the input at ``low``."""
    at_high: Array
    """(m,): the forecast change with the input at ``high``."""

    @property
    def swing(self) -> Array:
        """(m,): the largest move of each issue's forecast, either end."""
        return np.fmax(np.abs(self.at_low), np.abs(self.at_high))


def sensitivity(inputs: ScenarioInputs, model: BargainingModel) -> list[Lever]:
    """One-at-a-time sensitivity of ``model``'s forecasts to every input a party holds (module docstring)."""
    problem = inputs.problem
    base = model.fit(problem).forecast_.values
    cells = _levers(inputs)
    if not cells:
        return []
    r = 2 * len(cells)
    arrays = [np.repeat(a[None], r, axis=0) for a in (problem.positions, problem.salience, problem.capability)]
    for k, (i, j, kind, _, low, high) in enumerate(cells):
        arrays[KINDS.index(kind)][2 * k, i, j] = low
        arrays[KINDS.index(kind)][2 * k + 1, i, j] = high
    sq = np.full(problem.n_issues, np.nan) if problem.status_quo is None else problem.status_quo
    positions, salience, capability = arrays
    moved = forecast_runs(model, problem, positions, salience, capability, np.repeat(sq[None], r, axis=0)) - base
    return [
        Lever(problem.actors[i], problem.issues[j], kind, value, low, high, moved[2 * k], moved[2 * k + 1])
        for k, (i, j, kind, value, low, high) in enumerate(cells)
    ]


def top_levers(levers: Sequence[Lever], issue: int, count: int = 5) -> list[Lever]:
    """The ``count`` levers that move the forecast on issue ``issue`` most, largest first (ties: input order)."""
    ranked = sorted(levers, key=lambda lever: -float(np.nan_to_num(lever.swing[issue])))
    return [lever for lever in ranked[:count] if np.nan_to_num(lever.swing[issue]) > 0]


def _levers(inputs: ScenarioInputs) -> list[tuple[int, int, str, float, float, float]]:
    problem = inputs.problem
    top_capability = float(problem.capability.max()) or 1.0
    out = []
    for i in range(problem.n_actors):
        for j in range(problem.n_issues):
            if inputs.positions[i][j] is None:
                continue  # the actor takes no part on this issue
            bounds = {
                "position": (problem.low[j], problem.high[j], 0.1 * (problem.high[j] - problem.low[j])),
                "salience": (0.0, 1.0, 0.1),
                "capability": (0.0, np.inf, 0.1 * top_capability),
            }
            values = {"position": problem.positions, "salience": problem.salience, "capability": problem.capability}
            measures = {"position": inputs.positions, "salience": inputs.salience, "capability": inputs.capability}
            for kind in KINDS:
                floor, ceiling, step = bounds[kind]
                value = float(values[kind][i, j])
                low, high = _range(measures[kind][i][j], value, step)
                out.append(
                    (i, j, kind, value, float(np.clip(low, floor, ceiling)), float(np.clip(high, floor, ceiling)))
                )
    return out


def _range(measure: Measure | None, value: float, step: float) -> tuple[float, float]:
    if measure is None or all(e.range is None for e in measure):
        return value - step, value + step
    low = float(np.mean([e.quantile(0.1) for e in measure]))
    high = float(np.mean([e.quantile(0.9) for e in measure]))
    return low, high


@dataclass(frozen=True)
class Hindsight:
    """One recorded outcome beside each model's forecast of its issue."""

    outcome: str
    issue: str
    date: dt.date
    value: float
    range: tuple[float, float]
    description: str
    forecasts: dict[str, float]
    errors: dict[str, float]
    """Forecast minus outcome."""
    within_band: dict[str, bool | None]
    """Whether the outcome fell inside the model's 80% band (None without runs)."""


def hindsight(scenario: Scenario, forecast: ProblemForecast) -> list[Hindsight]:
    """Every outcome the scenario records on a forecast issue, in date order, against each model."""
    out = []
    for outcome in sorted(scenario.outcomes, key=lambda o: (o.date, o.id)):
        if outcome.issue not in forecast.problem.issues:
            continue
        j = forecast.problem.issues.index(outcome.issue)
        value = outcome.value.mean
        points = {name: float(f.values[j]) for name, f in forecast.forecasts.items()}
        inside: dict[str, bool | None] = {}
        for name in points:
            band = forecast.band(name)
            inside[name] = None if band is None else bool(band.low[j] <= value <= band.high[j])
        out.append(
            Hindsight(
                outcome.id,
                outcome.issue,
                outcome.date,
                value,
                outcome.value.spread,
                outcome.description,
                points,
                {name: point - value for name, point in points.items()},
                inside,
            )
        )
    return out
