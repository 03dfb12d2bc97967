"""Backtesting: each model's mean absolute error against recorded outcomes, fitted parameters out of sample.

The yardstick is the one of the DEU literature (Thomson et al. 2006, *The
European Union Decides*; Arregui & Perarnaud 2021; Franchino & Mariotto 2021):
the mean absolute error between forecast and outcome on the issues with an
outcome and at least three actors holding a position. The published models
(:data:`accord.engines.bargaining.MODELS`) have no fitted parameters and run
issue by issue. Experimental models (:data:`EXPERIMENTAL`) fit parameters; they
are scored leave one group out: for each proposal, the parameters are fitted on
every issue of the other proposals and forecast the held-out proposal's issues,
so no issue's forecast has seen its own proposal's outcomes.

Pure: cases in, scores out; the caller reads files and prints.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import import_module
from typing import Any, ClassVar, Protocol, Self

import numpy as np

from accord.engines.bargaining import MODELS, model_class
from accord.engines.bargaining.problem import Array, BargainingModel, BargainingProblem
from accord.errors import AccordError

#: Models with parameters fitted on data (name -> "module:Class"), scored leave one proposal out.
EXPERIMENTAL: dict[str, str] = {
    "compromise-sq-pull": "accord.engines.bargaining.ensemble:StatusQuoPull",
    "compromise-salience-power": "accord.engines.bargaining.ensemble:SaliencePower",
    "compromise-institutions": "accord.engines.bargaining.ensemble:InstitutionalWeights",
    "procedural": "accord.engines.bargaining.ensemble:Procedural",
    "stacked": "accord.engines.bargaining.ensemble:Stacked",
}

#: The reference every MAE is set beside.
BASELINE = "compromise"
#: The bootstrap of each model's gain over the baseline: resamples of whole proposals, and their seed.
RESAMPLES = 2000
GAIN_SEED = 0

Progress = Callable[[str, int, int], None]
"""``progress(label, done, total)``: called as cases are forecast."""


@dataclass(frozen=True)
class Case:
    """One issue with a recorded outcome."""

    id: str
    group: str
    """Issues sharing a group (a DEU proposal) are held out together."""
    problem: BargainingProblem
    """A one-issue problem: the actors holding a position on it."""
    outcome: float
    attributes: Mapping[str, str] = field(default_factory=dict)
    """Anything a procedural model may read (DEU: ``procedure``, ``council_vote``)."""

    @property
    def status_quo(self) -> float:
        """The issue's status quo, NaN where unknown."""
        sq = self.problem.status_quo
        return float("nan") if sq is None else float(sq[0])


class FittedModel(Protocol):
    """An experimental model: parameters fitted on training cases, then forecasts for others.

    ``base`` maps each published model's name to its forecasts on the same cases
    (models that forecast every case only), so that ensembles can stack them.
    """

    name: ClassVar[str]
    reference: ClassVar[str]

    def fit(self, cases: Sequence[Case], base: Mapping[str, Array]) -> Self: ...

    def predict(self, cases: Sequence[Case], base: Mapping[str, Array]) -> Array: ...

    def params(self) -> dict[str, float]:
        """The fitted parameters, by name."""
        ...


@dataclass(frozen=True)
class Score:
    """One model's result."""

    name: str
    kind: str
    """``published`` or ``experimental``."""
    mae: float | None
    """Mean absolute error over the cases it forecast; None when it forecast none."""
    n_issues: int
    forecasts: Array
    """(len(cases),): the forecast on each case, NaN where the model gave none."""
    notes: tuple[str, ...] = ()
    params: Mapping[str, tuple[float, float, float]] = field(default_factory=dict)
    """Experimental models: each fitted parameter's (median, min, max) over the held-out folds."""
    gain: tuple[float, float, float] | None = None
    """MAE minus the baseline's over the issues both forecast, with the 90% bootstrap interval (:func:`gain`)."""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"mae": self.mae, "n_issues": self.n_issues, "kind": self.kind, "notes": list(self.notes)}
        if self.gain is not None:
            out["gain"] = {"value": self.gain[0], "low": self.gain[1], "high": self.gain[2]}
        if self.params:
            out["params"] = {k: {"median": v[0], "min": v[1], "max": v[2]} for k, v in self.params.items()}
        return out


@dataclass(frozen=True)
class BacktestResult:
    """Every model's score on the same cases."""

    cases: tuple[Case, ...]
    scores: dict[str, Score]
    excluded: int = 0
    """Cases left out for having fewer than ``min_actors`` actors with positions."""
    min_actors: int = 3
    baselines: dict[str, tuple[float | None, int]] = field(default_factory=dict)
    """Parameter-free yardsticks (:func:`reference_forecasts`): name -> (MAE, cases forecast)."""

    @property
    def outcomes(self) -> Array:
        return np.array([c.outcome for c in self.cases], dtype=np.float64)

    def to_dict(self) -> dict[str, Any]:
        baseline = self.scores.get(BASELINE)
        return {
            "n_issues": len(self.cases),
            "n_proposals": len({c.group for c in self.cases}),
            "excluded_too_few_actors": self.excluded,
            "min_actors": self.min_actors,
            "baseline": {"model": BASELINE, "mae": baseline.mae if baseline else None},
            "models": {name: score.to_dict() for name, score in self.scores.items()},
            "baselines": {name: {"mae": mae, "n_issues": n} for name, (mae, n) in self.baselines.items()},
        }


def backtest(
    cases: Sequence[Case],
    *,
    models: Sequence[str] | None = None,
    experimental: Sequence[str] | None = None,
    min_actors: int = 3,
    progress: Progress | None = None,
) -> BacktestResult:
    """Score published models (default: all of :data:`MODELS`) and experimental ones (default: all).

    A model whose module does not exist yet is reported with a note and no MAE;
    a model that cannot take an issue (:class:`ModelInputError`) is scored on the
    others, with a note saying how many it skipped.
    """
    kept = tuple(c for c in cases if c.problem.n_actors >= min_actors)
    scores: dict[str, Score] = {}
    for name in MODELS if models is None else models:
        scores[name] = _published(name, kept, progress)
    base = {n: s.forecasts for n, s in scores.items() if s.n_issues == len(kept) and kept}
    for name in EXPERIMENTAL if experimental is None else experimental:
        scores[name] = _experimental(name, kept, base, progress)
    outcomes = _outcomes(kept)
    if BASELINE in scores and kept:
        resampled = proposal_resamples(kept)
        scores = {
            name: score if name == BASELINE else replace(score, gain=gain(score, scores[BASELINE], kept, resampled))
            for name, score in scores.items()
        }
    baselines = {n: mean_absolute_error(f, outcomes) for n, f in reference_forecasts(kept).items()}
    return BacktestResult(kept, scores, len(cases) - len(kept), min_actors, baselines)


def proposal_resamples(cases: Sequence[Case], resamples: int = RESAMPLES, seed: int = GAIN_SEED) -> Array:
    """(resamples, proposals): how often each proposal is drawn in each bootstrap resample of the proposals."""
    n = len({c.group for c in cases})
    draws = np.random.default_rng(seed).integers(0, n, size=(resamples, n))
    counts: Array = np.zeros((resamples, n))
    np.add.at(counts, (np.arange(resamples)[:, None], draws), 1.0)
    return counts


def gain(score: Score, baseline: Score, cases: Sequence[Case], resampled: Array) -> tuple[float, float, float] | None:
    """``score``'s MAE minus ``baseline``'s over the issues both forecast, and its 90% interval.

    The interval is the 5th to 95th percentile over bootstrap resamples of whole
    proposals (issues of one proposal are not independent), paired: every model
    is resampled with the same draws. None when the two share no issue.
    """
    outcomes = _outcomes(cases)
    diff = np.abs(score.forecasts - outcomes) - np.abs(baseline.forecasts - outcomes)
    valid = np.isfinite(diff)
    if not valid.any():
        return None
    groups = sorted({c.group for c in cases})
    where = np.array([groups.index(c.group) for c in cases])
    sums = np.bincount(where[valid], weights=diff[valid], minlength=len(groups))
    counts = np.bincount(where[valid], minlength=len(groups)).astype(np.float64)
    drawn = resampled @ counts
    gains = np.divide(resampled @ sums, drawn, out=np.full(len(drawn), np.nan), where=drawn > 0)
    low, high = np.nanpercentile(gains, [5.0, 95.0])
    return float(sums.sum() / counts.sum()), float(low), float(high)


def mean_absolute_error(forecasts: Array, outcomes: Array) -> tuple[float | None, int]:
    """MAE over the cases with a forecast (finite), and how many those are."""
    ok = np.isfinite(forecasts)
    n = int(ok.sum())
    return (float(np.mean(np.abs(forecasts[ok] - outcomes[ok]))) if n else None), n


def _published(name: str, cases: Sequence[Case], progress: Progress | None) -> Score:
    empty = np.full(len(cases), np.nan)
    try:
        cls = model_class(name)
    except (ImportError, AttributeError) as error:
        return Score(name, "published", None, 0, empty, (f"not available yet: {error}",))
    forecasts = empty.copy()
    failures: list[str] = []
    for k, case in enumerate(cases):
        try:
            forecasts[k] = float(_instance(cls).fit(case.problem).forecast_.values[0])
        except AccordError as error:
            failures.append(f"{case.id}: {error}")
        except Exception as error:  # a model's bug must not hide the others' scores
            return Score(name, "published", None, 0, empty, (f"failed on {case.id}: {type(error).__name__}: {error}",))
        if progress:
            progress(name, k + 1, len(cases))
    n_failed = len(failures)
    notes = (f"cannot take {n_failed} issue{'s' * (n_failed != 1)} (first, {failures[0]})",) if failures else ()
    mae, n = mean_absolute_error(forecasts, _outcomes(cases))
    return Score(name, "published", mae, n, forecasts, notes)


def _instance(cls: type[BargainingModel]) -> BargainingModel:
    """The model with its defaults, seeded where it takes a seed, so that scores are reproducible."""
    parameters = inspect.signature(cls).parameters
    seed = next((p for p in ("seed", "random_state") if p in parameters), None)
    return cls(**{seed: 0}) if seed else cls()


def _experimental(name: str, cases: Sequence[Case], base: Mapping[str, Array], progress: Progress | None) -> Score:
    empty = np.full(len(cases), np.nan)
    module, attribute = EXPERIMENTAL[name].split(":")
    try:
        cls: type[FittedModel] = getattr(import_module(module), attribute)
    except (ImportError, AttributeError) as error:
        return Score(name, "experimental", None, 0, empty, (f"not available: {error}",))
    forecasts = empty.copy()
    groups = sorted({c.group for c in cases})
    fitted: dict[str, list[float]] = {}
    for k, group in enumerate(groups):
        test = np.array([c.group == group for c in cases])
        train_cases = [c for c, t in zip(cases, test, strict=True) if not t]
        test_cases = [c for c, t in zip(cases, test, strict=True) if t]
        model = cls().fit(train_cases, {n: f[~test] for n, f in base.items()})
        forecasts[test] = model.predict(test_cases, {n: f[test] for n, f in base.items()})
        for key, value in model.params().items():
            fitted.setdefault(key, []).append(value)
        if progress:
            progress(name, k + 1, len(groups))
    mae, n = mean_absolute_error(forecasts, _outcomes(cases))
    params = {k: (float(np.median(v)), float(np.min(v)), float(np.max(v))) for k, v in fitted.items()}
    notes = (f"fitted leave one proposal out ({len(groups)} folds); {cls.reference}",)
    return Score(name, "experimental", mae, n, forecasts, notes, params)


def weighted_mean(case: Case, power: float = 1.0, factors: Mapping[str, float] | None = None) -> float:
    """Mean of positions weighted by ``capability * salience**power * factor[actor]`` (plain mean if all 0)."""
    p, s, c = (a[:, 0] for a in (case.problem.positions, case.problem.salience, case.problem.capability))
    w = c * s**power
    if factors:
        w = w * np.array([factors.get(a, 1.0) for a in case.problem.actors])
    total = w.sum()
    return float((w * p).sum() / total) if total > 0 else float(p.mean())


def weighted_median(case: Case) -> float:
    """The position at which half the ``capability * salience`` weight lies on each side (Black 1948)."""
    p, s, c = (a[:, 0] for a in (case.problem.positions, case.problem.salience, case.problem.capability))
    w = c * s if (c * s).sum() > 0 else np.ones_like(p)
    order = np.argsort(p, kind="stable")
    cumulative = np.cumsum(w[order])
    return float(p[order][np.searchsorted(cumulative, cumulative[-1] / 2.0)])


def reference_forecasts(cases: Sequence[Case]) -> dict[str, Array]:
    """Parameter-free yardsticks computed here, independently of the model modules.

    ``compromise-inline`` is the capability- and salience-weighted mean (Achen 2006) in one line, the
    check on :class:`CompromiseModel`; ``mean-position`` and ``median-position``
    ignore salience; ``weighted-median`` is Black's median with weights
    capability x salience; ``reference-point`` forecasts the status quo (NaN where unknown).
    """
    return {
        "compromise-inline": np.array([weighted_mean(c) for c in cases]),
        "mean-position": np.array([float(c.problem.positions.mean()) for c in cases]),
        "median-position": np.array([float(np.median(c.problem.positions)) for c in cases]),
        "weighted-median": np.array([weighted_median(c) for c in cases]),
        "reference-point": np.array([c.status_quo for c in cases]),
    }


def _outcomes(cases: Sequence[Case]) -> Array:
    return np.array([c.outcome for c in cases], dtype=np.float64)


__all__ = [
    "BASELINE",
    "EXPERIMENTAL",
    "BacktestResult",
    "Case",
    "FittedModel",
    "Score",
    "backtest",
    "mean_absolute_error",
]
