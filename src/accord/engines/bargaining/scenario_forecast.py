"""Everything ``accord forecast``, ``accord analyze`` and the report show about a scenario's forecasts, in one call.

:func:`forecast_scenario` takes a scenario (or a problem read from a table) and
returns a :class:`ScenarioForecast`: every available model's point forecast on
each issue, the Monte Carlo bands of the models with a batch path (or of all
models, when they are named), the variants side by side with each shift and its
paired-run band, optionally the levers that move each forecast most, the
recorded outcomes against each forecast, and the round-by-round trajectories of
the round-based models (expected utility and spatial): each actor's position per
round and the model's own forecast statistic per round.

Models that cannot take the input are listed in ``skipped`` with the reason,
never dropped silently. :meth:`ScenarioForecast.to_dict` is the JSON document
of ``accord forecast --json`` (and the ``forecast`` key of ``accord analyze --json``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from accord.engines.bargaining.compare import (
    Comparison,
    Hindsight,
    Lever,
    ProblemForecast,
    compare_variants,
    forecast_problem,
    hindsight,
    sensitivity,
    top_levers,
)
from accord.engines.bargaining.montecarlo import Band, Progress, Sampler, resolve_seed
from accord.engines.bargaining.problem import Array, BargainingModel, BargainingProblem, Forecast, ModelInputError
from accord.engines.bargaining.scenario_input import scenario_inputs
from accord.errors import AccordError
from accord.model import Scenario, Variant

#: Models whose trajectories (positions and forecast round by round) are kept.
TRAJECTORY_MODELS = ("expected-utility", "spatial")


@dataclass(frozen=True)
class Trajectory:
    """A round-based model's run, round by round, on every issue."""

    model: str
    actors: tuple[str, ...]
    issues: tuple[str, ...]
    positions: Array
    """(rounds + 1, n, m): each actor's position round by round, the inputs first."""
    forecast: Array | None
    """(rounds + 1, m): the model's forecast statistic on each round's positions; None if it cannot be had."""
    statistic: str
    """What ``forecast`` is, in words."""


@dataclass(frozen=True)
class ScenarioForecast:
    """Forecasts of a scenario (or table): points, bands, variants, levers, outcomes and trajectories."""

    comparison: Comparison
    scenario: Scenario | None
    runs: int
    seed: int
    executor: str
    source: str
    """Where the input came from (a path, or ``default``)."""
    kind: str
    """The input's format: ``scenario``, ``bdm``, ``ktab`` or ``exchange``."""
    skipped: dict[str, str] = field(default_factory=dict)
    """Model name -> why it gave no forecast."""
    banded: tuple[str, ...] = ()
    """The models the Monte Carlo sweep ran (those with a band when ``runs > 0``)."""
    levers: dict[str, list[Lever]] = field(default_factory=dict)
    outcomes: list[Hindsight] = field(default_factory=list)
    trajectories: dict[str, Trajectory] = field(default_factory=dict)
    references: dict[str, str] = field(default_factory=dict)
    """Model name -> the paper or implementation it follows."""

    @property
    def base(self) -> ProblemForecast:
        """The base scenario's forecasts."""
        return self.comparison.base

    @property
    def problem(self) -> BargainingProblem:
        """The problem every forecast was made on."""
        return self.comparison.base.problem

    @property
    def models(self) -> list[str]:
        """The models that gave a forecast, in the order they ran."""
        return list(self.comparison.base.forecasts)

    @property
    def variants(self) -> list[str]:
        """The variants set beside the base."""
        return list(self.comparison.variants)

    def band(self, model: str, variant: str | None = None) -> Band | None:
        """A model's Monte Carlo band, for the base or a variant; None if it was not swept."""
        forecast = self.base if variant is None else self.comparison.variants[variant]
        return forecast.band(model)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``accord forecast --json`` (keys: docs/forecasting.md)."""
        problem = self.problem
        issues: dict[str, Any] = {}
        for j, issue_id in enumerate(problem.issues):
            issues[issue_id] = self._issue_dict(j, issue_id)
        scenario = self.scenario
        return {
            "scenario": scenario.id if scenario is not None else problem.source or self.source,
            "title": scenario.title if scenario is not None else self.source,
            "source": self.source,
            "format": self.kind,
            "runs": self.runs,
            "seed": self.seed,
            "executor": self.executor,
            "models": self.models,
            "skipped": dict(self.skipped),
            "banded": [m for m in self.banded if m in self.base.forecasts] if self.runs > 0 else [],
            "variants": self.variants,
            "actors": list(problem.actors),
            "issues": issues,
        }

    def _issue_dict(self, j: int, issue_id: str) -> dict[str, Any]:
        problem = self.problem
        base = self.base
        comparison = self.comparison
        issue = self.scenario.issue(issue_id) if self.scenario is not None else None
        sq = None if problem.status_quo is None or np.isnan(problem.status_quo[j]) else float(problem.status_quo[j])
        return {
            "name": issue.name if issue else issue_id,
            "scale": {
                "low": float(problem.low[j]),
                "high": float(problem.high[j]),
                "low_label": issue.scale.low_label if issue else "low",
                "high_label": issue.scale.high_label if issue else "high",
            },
            "status_quo": sq,
            "forecasts": {name: _model_entry(base, name, j) for name in base.forecasts},
            "variants": {
                variant: {
                    name: {
                        "forecast": float(other.forecasts[name].values[j]),
                        "shift": float(comparison.shifts[variant, name].values[j]),
                        "band": band_dict(other.band(name), j),
                        "shift_band": band_dict(comparison.shifts[variant, name].band, j),
                    }
                    for name in other.forecasts
                }
                for variant, other in comparison.variants.items()
            },
            "levers": {
                name: [
                    {
                        "actor": lv.actor,
                        "issue": lv.issue,
                        "kind": lv.kind,
                        "base": lv.base,
                        "low": lv.low,
                        "high": lv.high,
                        "swing": float(lv.swing[j]),
                    }
                    for lv in top_levers(found, j, 3)
                ]
                for name, found in self.levers.items()
            },
            "trajectories": {
                name: [float(v) for v in trajectory.forecast[:, j]]
                for name, trajectory in self.trajectories.items()
                if trajectory.forecast is not None
            },
            "outcomes": [
                {
                    "id": h.outcome,
                    "date": h.date.isoformat(),
                    "value": h.value,
                    "range": list(h.range),
                    "description": h.description,
                    "sources": self.outcome_sources(h.outcome),
                    "errors": h.errors,
                    "within_band": h.within_band,
                }
                for h in self.outcomes
                if h.issue == issue_id
            ],
        }

    def outcome_sources(self, outcome_id: str) -> list[str]:
        """The source references an outcome's value cites, in order."""
        if self.scenario is None:
            return []
        for outcome in self.scenario.outcomes:
            if outcome.id == outcome_id:
                return list(dict.fromkeys(e.source for e in outcome.value))
        return []


#: The columns of :func:`forecast_rows` (``accord forecast --csv``).
ROW_FIELDS = ("issue", "variant", "model", "forecast", "band_median", "band_low", "band_high", "runs", "seed")


def forecast_rows(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per issue, variant ('base' first) and model, from :meth:`ScenarioForecast.to_dict`'s document."""
    rows: list[dict[str, Any]] = []
    for issue_id, issue in document["issues"].items():
        tables = [("base", issue["forecasts"]), *issue["variants"].items()]
        for variant, entries in tables:
            for model, entry in entries.items():
                band = entry.get("band") or {}
                values = (entry["forecast"], band.get("median"), band.get("low"), band.get("high"))
                rows.append(
                    dict(
                        zip(
                            ROW_FIELDS,
                            (issue_id, variant, model, *values, document["runs"], document["seed"]),
                            strict=True,
                        )
                    )
                )
    return rows


def _model_entry(forecast: ProblemForecast, name: str, j: int) -> dict[str, Any]:
    point = forecast.forecasts[name]
    entry: dict[str, Any] = {"forecast": float(point.values[j]), "band": band_dict(forecast.band(name), j)}
    if point.rounds is not None:
        entry["rounds"] = int(point.rounds)
    if point.final_positions is not None:
        entry["final_positions"] = {
            actor: float(point.final_positions[i, j]) for i, actor in enumerate(forecast.problem.actors)
        }
    return entry


def band_dict(band: Band | None, j: int) -> dict[str, float | int] | None:
    """One issue's band as JSON (``median``, ``low``, ``high``, ``failed``), or None."""
    if band is None:
        return None
    return {
        "median": float(band.median[j]),
        "low": float(band.low[j]),
        "high": float(band.high[j]),
        "failed": int(band.failed[j]),
    }


def choose_variants(known: Sequence[Variant], wanted: Sequence[str] | None) -> list[str]:
    """The variants to run: all when ``wanted`` is None, none for ``["none"]``, else those named (checked)."""
    ids = [v.id for v in known]
    if wanted is None:
        return ids
    if [w.lower() for w in wanted] == ["none"]:
        return []
    for w in wanted:
        if w not in ids:
            raise AccordError(f"no variant {w!r} in this scenario (known: {', '.join(ids) or 'none'})")
    return list(dict.fromkeys(wanted))


def available_models(
    names: Sequence[str] | None, parameters: Mapping[str, Mapping[str, Any]] | None = None
) -> tuple[list[BargainingModel], dict[str, str]]:
    """Instances of the chosen models (default: every registered one whose module is installed), and those skipped."""
    from accord.engines.bargaining import MODELS, model_class

    chosen = list(names) if names else list(MODELS)
    unknown = [n for n in chosen if n not in MODELS]
    if unknown:
        raise AccordError(f"no model called {', '.join(map(repr, unknown))} (known: {', '.join(MODELS)})")
    models: list[BargainingModel] = []
    skipped: dict[str, str] = {}
    for name in chosen:
        try:
            cls = model_class(name)
        except (ImportError, AttributeError):
            if names:
                raise AccordError(f"the {name} model is not available in this installation") from None
            skipped[name] = "not available in this installation"
            continue
        models.append(cls(**dict((parameters or {}).get(name, {}))))
    return models, skipped


def fitting_models(
    models: Sequence[BargainingModel],
    problem: BargainingProblem,
    skipped: dict[str, str],
    *,
    strict: bool,
    points: dict[str, Forecast] | None = None,
) -> list[BargainingModel]:
    """The models that take the problem; the others go to ``skipped`` (with ``strict`` the first refusal raises).

    Each kept model's forecast of ``problem`` is put in ``points`` when given.
    """
    kept = []
    for model in models:
        try:
            forecast = model.fit(problem).forecast_
        except ModelInputError as error:
            if strict:
                raise
            skipped[model.name] = str(error)
            continue
        if points is not None:
            points[model.name] = forecast
        kept.append(model)
    return kept


def has_batch_path(model: BargainingModel) -> bool:
    """Whether the model forecasts a block of Monte Carlo runs at once (``predict_batch``)."""
    return callable(getattr(model, "predict_batch", None))


def forecast_scenario(
    scenario: Scenario | BargainingProblem,
    *,
    models: Sequence[str] | None = None,
    variants: Sequence[str] | None = None,
    runs: int = 0,
    seed: int | None = None,
    executor: str = "local",
    progress: Progress | None = None,
    parameters: Mapping[str, Mapping[str, Any]] | None = None,
    band_all: bool | None = None,
    levers: bool = True,
    trajectories: bool = True,
    source: str = "default",
    kind: str = "scenario",
) -> ScenarioForecast:
    """Forecast a scenario (base and variants) or a problem read from a table with the chosen models.

    ``models``: names (default: every available model; a model that refuses the
    input is then skipped with its reason, while a named one raises).
    ``variants``: ids, ``["none"]`` or None for all. ``runs`` Monte Carlo draws
    (0: point forecasts only) with ``seed`` (None: fresh, recorded). Models
    without a batch path run draw by draw and are swept only when ``band_all``
    (default: when ``models`` are named), so the default stays quick.
    ``levers``: run the one-at-a-time sensitivity analysis of the swept models.
    ``trajectories``: keep the round-by-round runs of :data:`TRAJECTORY_MODELS`.
    ``parameters``: keyword parameters per model name.
    """
    fixed_seed = resolve_seed(seed)
    loaded = scenario if isinstance(scenario, Scenario) else None
    problem = scenario_inputs(loaded).problem if loaded is not None else scenario
    assert isinstance(problem, BargainingProblem)
    chosen_variants = choose_variants(loaded.variants, variants) if loaded is not None else []
    instances, skipped = available_models(models, parameters)
    points: dict[str, Forecast] = {}
    instances = fitting_models(instances, problem, skipped, strict=models is not None, points=points)
    if not instances:
        raise AccordError("no model could forecast this input: " + "; ".join(f"{k}: {v}" for k, v in skipped.items()))
    sweep_all = models is not None if band_all is None else band_all
    banded = [m.name for m in instances if sweep_all or has_batch_path(m)]
    found_levers: dict[str, list[Lever]] = {}
    outcomes: list[Hindsight] = []
    if loaded is not None:
        comparison = compare_variants(
            loaded,
            instances,
            chosen_variants,
            runs=runs,
            seed=fixed_seed,
            executor=executor,
            progress=progress,
            banded=banded,
            points=points,
        )
        if levers:
            inputs = scenario_inputs(loaded)
            found_levers = {m.name: sensitivity(inputs, m) for m in instances if m.name in banded}
        outcomes = hindsight(loaded, comparison.base)
    else:
        base = forecast_problem(
            Sampler.fixed_problem(problem),
            instances,
            runs=runs,
            seed=fixed_seed,
            executor=executor,
            progress=progress,
            banded=banded,
            points=points,
        )
        comparison = Comparison(base)
    kept: dict[str, Trajectory] = {}
    if trajectories:
        for model in instances:
            if model.name in TRAJECTORY_MODELS:
                trajectory = trajectory_of(model, comparison.base.problem, comparison.base.forecasts[model.name])
                if trajectory is not None:
                    kept[model.name] = trajectory
    return ScenarioForecast(
        comparison=comparison,
        scenario=loaded,
        runs=runs,
        seed=fixed_seed,
        executor=executor,
        source=source,
        kind=kind,
        skipped=skipped,
        banded=tuple(banded),
        levers=found_levers,
        outcomes=outcomes,
        trajectories=kept,
        references={m.name: m.reference for m in instances},
    )


def trajectory_of(
    model: BargainingModel, problem: BargainingProblem, point: Forecast | None = None
) -> Trajectory | None:
    """A round-based model's run on ``problem``: positions and its forecast round by round (None if not round-based).

    - expected utility: the model's own statistic (the capability x salience
      weighted mean, or the weighted median) of each round's positions, which
      its stopping rule watches and whose last value is the forecast;
    - spatial: the expected outcome of each turn's probabilistic Condorcet
      election among the distinct positions (KTAB's ``pDist``), whose last
      value is the forecast; per issue when the model fits issues one by one.

    ``point`` is the model's forecast of ``problem`` when already made (its positions are reused).
    """
    if point is None:
        point = model.fit(problem).forecast_
    if point.trajectory is None:
        return None
    forecast: Array | None = None
    statistic = ""
    if model.name == "expected-utility":
        forecast, statistic = _expected_utility_rounds(model, problem)
    elif model.name == "spatial":
        forecast, statistic = _spatial_rounds(model, problem, len(point.trajectory))
    return Trajectory(model.name, problem.actors, problem.issues, point.trajectory, forecast, statistic)


def _expected_utility_rounds(model: BargainingModel, problem: BargainingProblem) -> tuple[Array | None, str]:
    model.fit(problem)  # the history of this problem (the model may since have run on a variant)
    history = getattr(model, "history_", None)
    statistic = str(getattr(model, "statistic", "mean"))
    if history is None:
        return None, ""
    values = history.mean if statistic == "mean" else history.median
    rounds: Array = np.clip(values, problem.low, problem.high)
    words = "capability x salience weighted mean" if statistic == "mean" else "weighted median"
    return rounds, f"{words} of each round's positions"


def _spatial_rounds(model: BargainingModel, problem: BargainingProblem, length: int) -> tuple[Array | None, str]:
    """The expected PCE outcome turn by turn; per issue when capabilities differ between issues."""
    from accord.engines.bargaining.spatial.engine import position_probabilities
    from accord.engines.bargaining.spatial.model import SpatialModel, unit_inputs

    if not isinstance(model, SpatialModel):
        return None, ""
    spaces: list[list[int]]
    if np.ptp(problem.capability, axis=1).max() > 1e-12 * max(1.0, float(problem.capability.max())):
        spaces = [[j] for j in range(problem.n_issues)]
    else:
        spaces = [list(range(problem.n_issues))]
    out = np.full((length, problem.n_issues), np.nan)
    options = model.options()
    for issues in spaces:
        part = problem.subset(issues)
        try:
            model.fit(part)
            _, _, capability = unit_inputs(part)
        except ModelInputError:
            return None, ""
        run = model.run_
        assessments = [turn.assessment for turn in run.turns] + [run.final]
        if any(a is None or a.own_utility.size == 0 for a in assessments):
            return None, ""
        values = []
        for state, assessment in zip(run.states, assessments, strict=True):
            assert assessment is not None
            p, groups = position_probabilities(assessment, capability, state, options)
            share = p / np.bincount(groups)[groups]
            values.append(share @ state / share.sum())
        unit = np.array(values)
        scaled = part.low + unit * (part.high - part.low)
        padded = np.concatenate([scaled, np.repeat(scaled[-1:], length - len(scaled), axis=0)])
        out[:, issues] = padded[:length]
    return out, "expected outcome of each turn's probabilistic Condorcet election"
