"""The report's forecast section: tables and charts built from a :class:`ScenarioForecast`.

Per issue: each model's forecast with its 80% Monte Carlo band, each variant's
forecast with its shift from the base (and the band of the shift, over paired
runs), the recorded outcomes with each model's error, the inputs that move each
model's forecast most (one at a time, to the ends of their recorded ranges), and
a chart of all of it on the issue's scale. Then the round-by-round trajectories
of the expected-utility and spatial models. Models that gave no forecast are listed with the reason;
models that ran without a band (those with no batch path: one run at a time
would make the report slow) say so. Every band cites its run ("model run:
compromise, 500 runs, seed 2019"); outcomes cite their sources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from markupsafe import Markup

from accord.engines.bargaining.compare import Hindsight, Lever, top_levers
from accord.engines.bargaining.montecarlo import Band
from accord.engines.bargaining.scenario_forecast import ScenarioForecast, forecast_scenario
from accord.engines.bargaining.settings import REPORT_RUNS, REPORT_SEED
from accord.errors import AccordError
from accord.model import Scenario
from accord.report import charts

__all__ = ["REPORT_RUNS", "REPORT_SEED", "ForecastSection", "forecast_section", "report_forecast"]


@dataclass(frozen=True)
class Chart:
    """A chart ready for the page: its element id, the inline SVG and a caption."""

    id: str
    svg: Markup
    caption: str


@dataclass(frozen=True)
class VariantCell:
    """One variant's forecast of one model on one issue, and its shift from the base."""

    variant: str
    forecast: float
    band: tuple[float, float] | None
    shift: float
    shift_band: tuple[float, float] | None


@dataclass(frozen=True)
class ModelRow:
    """One model's forecast of one issue, with band, variants and provenance."""

    model: str
    forecast: float
    band: tuple[float, float] | None
    median: float | None
    failed: int
    rounds: int | None
    variants: list[VariantCell]
    provenance: str
    """Where the numbers come from, e.g. ``model run: compromise, 500 runs, seed 2019``."""


@dataclass(frozen=True)
class OutcomeRow:
    """A recorded outcome on an issue and each model's error against it."""

    id: str
    date: str
    value: float
    range: tuple[float, float]
    description: str
    sources: tuple[str, ...]
    errors: dict[str, float]
    within_band: dict[str, bool | None]


@dataclass(frozen=True)
class LeverRow:
    """A :class:`~accord.engines.bargaining.compare.Lever` of one model, seen from one issue."""

    model: str
    lever: Lever
    actor: str
    """The party's name."""
    issue: str
    """The name of the issue the input belongs to."""
    at_low: float
    """This issue's forecast change with the input at the low end of its range."""
    at_high: float


@dataclass(frozen=True)
class IssueForecast:
    """Everything the section shows for one issue."""

    id: str
    name: str
    scale: str
    status_quo: float | None
    rows: list[ModelRow]
    outcomes: list[OutcomeRow]
    chart: Chart
    levers: list[LeverRow] = field(default_factory=list)
    """The top inputs of each model (up to :data:`LEVERS_SHOWN`), largest move first."""


#: Inputs shown per model and issue.
LEVERS_SHOWN = 3


@dataclass(frozen=True)
class ForecastSection:
    """The forecast section of the report (``reason`` says why there is none)."""

    forecast: ScenarioForecast | None
    reason: str | None = None
    issues: list[IssueForecast] = field(default_factory=list)
    trajectories: list[Chart] = field(default_factory=list)
    variants: list[tuple[str, str]] = field(default_factory=list)
    """(id, name) of each variant beside the base."""
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """(model, reason) of each model that gave no forecast."""
    unbanded: list[str] = field(default_factory=list)
    """Models with a point forecast but no Monte Carlo band."""
    references: dict[str, str] = field(default_factory=dict)

    @property
    def models(self) -> list[str]:
        """The models that gave a forecast."""
        return self.forecast.models if self.forecast is not None else []


def report_forecast(
    scenario: Scenario, runs: int = REPORT_RUNS, seed: int = REPORT_SEED
) -> ScenarioForecast | AccordError:
    """The forecast the report shows when none is given: every model, every variant, ``runs`` runs, levers.

    An :class:`AccordError` (say, a party without a capability) is returned, not
    raised, so that the rest of the report still renders and the section says why.
    """
    try:
        return forecast_scenario(scenario, runs=runs, seed=seed)
    except AccordError as error:
        return error


def forecast_section(forecast: ScenarioForecast | AccordError, scenario: Scenario) -> ForecastSection:
    """The section's tables and charts from a forecast (or the error that prevented one)."""
    if isinstance(forecast, AccordError):
        return ForecastSection(None, str(forecast))
    problem = forecast.problem
    names = {v.id: v.name for v in scenario.variants}
    unbanded = [m for m in forecast.models if forecast.band(m) is None] if forecast.runs > 0 else forecast.models
    issues = [_issue(forecast, scenario, j) for j in range(problem.n_issues)]
    return ForecastSection(
        forecast,
        None,
        issues,
        _trajectory_charts(forecast, scenario),
        [(v, names.get(v, v)) for v in forecast.variants],
        sorted(forecast.skipped.items()),
        unbanded,
        dict(forecast.references),
    )


def _pair(band: Band | None, j: int) -> tuple[float, float] | None:
    if band is None or not (np.isfinite(band.low[j]) and np.isfinite(band.high[j])):
        return None
    return float(band.low[j]), float(band.high[j])


def _provenance(forecast: ScenarioForecast, model: str) -> str:
    if forecast.runs > 0 and forecast.band(model) is not None:
        return f"model run: {model}, {forecast.runs} runs, seed {forecast.seed}"
    if forecast.runs > 0:
        return f"model run: {model}, point forecast (no batch path: no band at {forecast.runs} runs)"
    return f"model run: {model}, point forecast"


def _issue(forecast: ScenarioForecast, scenario: Scenario, j: int) -> IssueForecast:
    problem = forecast.problem
    issue_id = problem.issues[j]
    issue = scenario.issue(issue_id)
    sq = None if problem.status_quo is None or np.isnan(problem.status_quo[j]) else float(problem.status_quo[j])
    rows = []
    for model, point in forecast.base.forecasts.items():
        band = forecast.band(model)
        cells = []
        for variant, other in forecast.comparison.variants.items():
            shift = forecast.comparison.shifts[variant, model]
            cells.append(
                VariantCell(
                    variant,
                    float(other.forecasts[model].values[j]),
                    _pair(other.band(model), j),
                    float(shift.values[j]),
                    _pair(shift.band, j),
                )
            )
        rows.append(
            ModelRow(
                model,
                float(point.values[j]),
                _pair(band, j),
                None if band is None else float(band.median[j]),
                0 if band is None else int(band.failed[j]),
                point.rounds,
                cells,
                _provenance(forecast, model),
            )
        )
    outcomes = [_outcome(h, forecast) for h in forecast.outcomes if h.issue == issue_id]
    return IssueForecast(
        issue_id,
        issue.name,
        issue.scale.describe(),
        sq,
        rows,
        outcomes,
        _issue_chart(forecast, scenario, j, rows, outcomes),
        _levers(forecast, scenario, j),
    )


def _levers(forecast: ScenarioForecast, scenario: Scenario, j: int) -> list[LeverRow]:
    actors = {a.id: a.name for a in scenario.actors}
    issues = {i.id: i.name for i in scenario.issues}
    return [
        LeverRow(
            model,
            lv,
            actors.get(lv.actor, lv.actor),
            issues.get(lv.issue, lv.issue),
            float(lv.at_low[j]),
            float(lv.at_high[j]),
        )
        for model, found in forecast.levers.items()
        for lv in top_levers(found, j, LEVERS_SHOWN)
    ]


def _outcome(h: Hindsight, forecast: ScenarioForecast) -> OutcomeRow:
    return OutcomeRow(
        h.outcome,
        h.date.isoformat(),
        h.value,
        h.range,
        h.description,
        tuple(forecast.outcome_sources(h.outcome)),
        dict(h.errors),
        dict(h.within_band),
    )


def chart_id(kind: str, key: str) -> str:
    """A chart's element id from its kind and an issue or model id (safe for HTML ids and SVG salts)."""
    return f"chart-{kind}-" + re.sub(r"[^A-Za-z0-9_-]+", "-", key)


def _issue_chart(
    forecast: ScenarioForecast, scenario: Scenario, j: int, rows: list[ModelRow], outcomes: list[OutcomeRow]
) -> Chart:
    problem = forecast.problem
    issue = scenario.issue(problem.issues[j])
    scale = charts.IssueScale(
        issue.name,
        float(problem.low[j]),
        float(problem.high[j]),
        issue.scale.low_label,
        issue.scale.high_label,
        None if problem.status_quo is None or np.isnan(problem.status_quo[j]) else float(problem.status_quo[j]),
    )
    series: dict[str, list[charts.BandPoint | None]] = {
        "base": [charts.BandPoint(r.forecast, *(r.band or (None, None))) for r in rows]
    }
    for k, variant in enumerate(forecast.variants):
        series[variant] = [
            charts.BandPoint(r.variants[k].forecast, *(r.variants[k].band or (None, None))) for r in rows
        ]
    marks = [(o.date, o.value) for o in outcomes]
    identifier = chart_id("forecast", issue.id)
    svg = charts.forecast_chart(scale, [r.model for r in rows], series, marks, chart_id=identifier)
    banded = forecast.runs > 0 and any(r.band is not None for r in rows)
    caption = (
        f"Where each model expects bargaining on “{issue.name}” to land, on its scale "
        f"({issue.scale.describe()}): the base scenario"
        + (f" and the variants {', '.join(forecast.variants)}" if forecast.variants else "")
        + (
            f", whiskers the 80% band of {forecast.runs} Monte Carlo runs over the scenario's recorded ranges "
            f"(seed {forecast.seed}; models without a whisker have no band)"
            if banded
            else " (point forecasts, no bands)"
        )
        + (
            "; vertical lines: the recorded outcomes (" + ", ".join(f"{d}: {v:g}" for d, v in marks) + ")"
            if marks
            else ""
        )
        + "."
    )
    return Chart(identifier, Markup(svg), caption)


def _trajectory_charts(forecast: ScenarioForecast, scenario: Scenario) -> list[Chart]:
    out = []
    names = {a.id: a.name for a in scenario.actors}
    for model, trajectory in forecast.trajectories.items():
        scales = []
        for j, issue_id in enumerate(trajectory.issues):
            issue = scenario.issue(issue_id)
            scales.append(
                charts.IssueScale(
                    issue.name,
                    float(forecast.problem.low[j]),
                    float(forecast.problem.high[j]),
                    issue.scale.low_label,
                    issue.scale.high_label,
                )
            )
        identifier = chart_id("trajectory", model)
        svg = charts.trajectory_chart(
            scales,
            [names.get(a, a) for a in trajectory.actors],
            trajectory.positions,
            trajectory.forecast,
            forecast_label=f"{model} forecast",
            chart_id=identifier,
        )
        rounds = trajectory.positions.shape[0] - 1
        caption = (
            f"The {model} model round by round on the base scenario's values ({rounds} rounds at most): each "
            "party's position (thin lines) and, bold, "
            + (trajectory.statistic or "the forecast")
            + ", whose last value is the forecast in the tables above. Each panel spans its issue's scale."
        )
        out.append(Chart(identifier, Markup(svg), caption))
    return out
