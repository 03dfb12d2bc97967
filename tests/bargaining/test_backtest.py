"""Backtesting: the compromise baseline on the DEU dev half, out-of-sample fitting, and the harness's notes."""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import ClassVar, Self

import numpy as np
import pytest

from accord.engines.bargaining import MODELS, BargainingProblem, ModelInputError
from accord.engines.bargaining import backtest as bt
from accord.engines.bargaining.backtest import Case, backtest, reference_forecasts
from accord.engines.bargaining.ensemble import Stacked
from accord.engines.bargaining.problem import Array
from accord.io.deu import read_deu

DEV = "data/bargaining/deu3/deu3-dev.csv"


def independent_compromise_mae(path: Path) -> tuple[float, int]:
    """The compromise model straight from the raw file: salience-weighted mean, no accord code involved."""
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    header, errors = rows[0], []
    actors = [name[1:] for name in header if name.startswith("s") and f"p{name[1:]}" in header]
    for r in rows[2:]:
        cell = dict(zip(header, r, strict=True))
        if not cell["out"].strip():
            continue
        held = [(float(cell[f"p{a}"]), float(cell[f"s{a}"] or 0)) for a in actors if cell[f"p{a}"].strip()]
        if len(held) < 3:
            continue
        p, s = np.array(held).T
        errors.append(abs((p * s).sum() / s.sum() - float(cell["out"])))
    return float(np.mean(errors)), len(errors)


def test_compromise_baseline_on_the_dev_half(shared: Callable[[str], Path]) -> None:
    path = shared(DEV)
    mae, n = independent_compromise_mae(path)
    assert n == 180 and mae == pytest.approx(21.39, abs=0.01)
    cases = read_deu(path).cases()
    outcomes = np.array([c.outcome for c in cases])
    inline = reference_forecasts(cases)["compromise-inline"]
    assert len(cases) == 180 and np.mean(np.abs(inline - outcomes)) == pytest.approx(mae, abs=1e-9)


def test_accords_compromise_model_scores_21_39(shared: Callable[[str], Path]) -> None:
    result = backtest(read_deu(shared(DEV)).cases(), models=["compromise"], experimental=[])
    score = result.scores["compromise"]
    assert score.n_issues == 180 and score.mae == pytest.approx(21.39, abs=0.01)
    assert score.mae == pytest.approx(result.baselines["compromise-inline"][0], abs=1e-9)


def test_experimental_models_on_the_dev_half(shared: Callable[[str], Path]) -> None:
    """Pins what docs/backtesting.md reports (capability none), every figure out of sample."""
    result = backtest(read_deu(shared(DEV)).cases(), models=[])
    mae = {name: score.mae for name, score in result.scores.items()}
    assert mae["compromise-salience-power"] == pytest.approx(20.49, abs=0.01)
    assert mae["compromise-sq-pull"] == pytest.approx(21.39, abs=0.01)
    assert all(score.n_issues == 180 for score in result.scores.values())
    assert result.baselines["mean-position"][0] == pytest.approx(20.49, abs=0.01)
    assert result.baselines["reference-point"][1] == 130


def case(group: str, positions: Sequence[float], outcome: float, sq: float | None = None) -> Case:
    n = len(positions)
    problem = BargainingProblem.build(
        [f"a{k}" for k in range(n)],
        np.array(positions, dtype=float).reshape(-1, 1),
        np.linspace(0.2, 1.0, n),
        np.ones(n),
        issues=[f"{group}-{outcome}"],
        status_quo=None if sq is None else [sq],
    )
    return Case(f"{group}-{outcome}", group, problem, outcome)


CASES = [case(g, [10 * k, 50, 90 - k], 40 + k, sq=0 if k % 2 else None) for k, g in enumerate("aabbccddee")]


class Spy:
    """An experimental model that records what it was fitted on, to check the held-out proposal stays out."""

    name: ClassVar[str] = "spy"
    reference: ClassVar[str] = "test"
    seen: ClassVar[list[tuple[set[str], set[str]]]] = []

    def __init__(self) -> None:
        self.train: set[str] = set()

    def fit(self, cases: Sequence[Case], base: Mapping[str, Array]) -> Self:
        self.train = {c.group for c in cases}
        assert all(len(v) == len(cases) for v in base.values())
        return self

    def predict(self, cases: Sequence[Case], base: Mapping[str, Array]) -> Array:
        Spy.seen.append((self.train, {c.group for c in cases}))
        return np.array([c.outcome for c in cases]) * 0 + 50.0

    def params(self) -> dict[str, float]:
        return {"train": float(len(self.train))}


def test_fitting_is_leave_one_proposal_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(bt.EXPERIMENTAL, "spy", f"{__name__}:Spy")
    Spy.seen.clear()
    result = backtest(CASES, models=[], experimental=["spy"])
    assert len(Spy.seen) == 5
    for train, test in Spy.seen:
        assert len(test) == 1 and not train & test and len(train) == 4
    assert result.scores["spy"].n_issues == 10
    assert result.scores["spy"].params["train"] == (4.0, 4.0, 4.0)


class Picky:
    """A published-style model that refuses issues whose first actor sits at 0."""

    name: ClassVar[str] = "picky"

    def fit(self, problem: BargainingProblem) -> Self:
        if problem.positions[0, 0] == 0:
            raise ModelInputError("position 0 not allowed")
        self.forecast_ = type("F", (), {"values": problem.positions.mean(axis=0)})()
        return self


class Broken(Picky):
    def fit(self, problem: BargainingProblem) -> Self:
        raise ZeroDivisionError("bug")


def test_models_that_refuse_fail_or_are_missing_get_notes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(MODELS, "picky", f"{__name__}:Picky")
    monkeypatch.setitem(MODELS, "broken", f"{__name__}:Broken")
    monkeypatch.setitem(MODELS, "absent", "accord.engines.bargaining.no_such_module:Model")
    progress: list[tuple[str, int, int]] = []
    result = backtest(
        CASES, models=["picky", "broken", "absent"], experimental=[], progress=lambda *a: progress.append(a)
    )
    picky, broken, absent = (result.scores[n] for n in ("picky", "broken", "absent"))
    assert picky.n_issues == 9 and "cannot take 1 issue" in picky.notes[0] and np.isnan(picky.forecasts[0])
    assert broken.mae is None and "ZeroDivisionError" in broken.notes[0]
    assert absent.mae is None and absent.notes[0].startswith("not available yet")
    assert ("picky", 10, 10) in progress
    payload = result.to_dict()
    assert payload["models"]["picky"]["n_issues"] == 9 and payload["models"]["absent"]["mae"] is None


def test_too_few_actors_are_excluded() -> None:
    cases = [*CASES, case("z", [0, 100], 50)]
    result = backtest(cases, models=[], experimental=[])
    assert result.excluded == 1 and len(result.cases) == 10
    assert result.to_dict()["excluded_too_few_actors"] == 1


def test_every_experimental_model_stays_on_the_scale() -> None:
    result = backtest(CASES, models=[])
    for score in result.scores.values():
        assert score.n_issues == 10
        assert np.all((score.forecasts >= 0) & (score.forecasts <= 100))
    stacked = Stacked().fit(CASES, {})
    assert sum(stacked.params().values()) == pytest.approx(1.0)
    assert min(stacked.params().values()) >= -1e-12


def test_gain_over_the_baseline_is_paired_and_resamples_whole_proposals() -> None:
    outcomes = np.array([c.outcome for c in CASES])
    baseline = bt.Score("compromise", "published", 1.0, len(CASES), outcomes + 2.0)  # 2 off everywhere
    better = bt.Score("better", "published", 0.0, len(CASES), outcomes.copy())  # exact everywhere
    mixed = bt.Score("mixed", "published", 1.0, len(CASES), np.where(np.arange(len(CASES)) < 4, outcomes, np.nan))
    resampled = bt.proposal_resamples(CASES, resamples=500, seed=1)
    assert resampled.shape == (500, 5) and (resampled.sum(axis=1) == 5).all()  # 5 proposals, 5 draws each
    assert bt.gain(better, baseline, CASES, resampled) == (-2.0, -2.0, -2.0)
    # only the issues both forecast count: the first four, two proposals
    point, low, high = bt.gain(mixed, baseline, CASES, resampled) or (np.nan, np.nan, np.nan)
    assert point == -2.0 and low == high == -2.0
    uneven = bt.Score("uneven", "published", 0.0, len(CASES), outcomes + np.where(np.arange(10) % 2, 4.0, 0.0))
    point, low, high = bt.gain(uneven, baseline, CASES, resampled) or (np.nan, np.nan, np.nan)
    assert low <= point <= high and point == pytest.approx(0.0)
    nothing = bt.Score("nothing", "published", None, 0, np.full(len(CASES), np.nan))
    assert bt.gain(nothing, baseline, CASES, resampled) is None


def test_backtest_reports_each_models_gain_with_its_interval(shared: Callable[[str], Path]) -> None:
    """The interval docs/backtesting.md quotes for the salience power (capability none) comes from the command."""
    result = backtest(read_deu(shared(DEV)).cases(), models=["compromise"], experimental=["compromise-salience-power"])
    assert result.scores["compromise"].gain is None
    point, low, high = result.scores["compromise-salience-power"].gain or (np.nan, np.nan, np.nan)
    assert (round(point, 2), round(low, 2), round(high, 2)) == (-0.89, -1.85, 0.06)
    assert result.to_dict()["models"]["compromise-salience-power"]["gain"]["low"] == low
