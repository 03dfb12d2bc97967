"""Experimental forecasters with fitted parameters, tried against the compromise model out of sample.

The compromise model (the capability- and salience-weighted mean of positions;
Achen 2006 in Thomson et al., *The European Union Decides*) is the best-known
forecaster of EU legislative outcomes (Thomson et al. 2006; Arregui &
Perarnaud 2021; Franchino & Mariotto 2021). Each class here adds one idea with
one to five parameters, fitted by least absolute deviation (the backtest's own
loss) on training cases only; :func:`accord.engines.bargaining.backtest.backtest`
fits them leave one proposal out.

- :class:`StatusQuoPull`: ``a * compromise + (1 - a) * reference point``
  (procedural models: the status quo is the fallback that shapes bargains).
- :class:`SaliencePower`: weights ``capability * salience**k``.
- :class:`InstitutionalWeights`: the Commission's and Parliament's weights
  scaled by fitted factors (agenda setters in the procedural models of
  Tsebelis and Garrett; Crombez).
- :class:`Procedural`: the Parliament's factor per legislative procedure (COD
  vs CNS) and the status-quo pull per Council voting rule (QMV vs unanimity).
- :class:`Stacked`: a convex combination of the published models' forecasts
  and the features above, weights fitted by least absolute deviation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar, Self

import numpy as np
from scipy.optimize import linprog  # type: ignore[import-untyped, unused-ignore]

from accord.engines.bargaining.backtest import Case, weighted_mean, weighted_median
from accord.engines.bargaining.problem import Array

_SHARE = np.linspace(0.0, 1.0, 101)
_FACTOR = np.linspace(0.0, 5.0, 41)


def _lad_best(predictions: Array, outcomes: Array) -> int:
    """Index of the row of ``predictions`` (candidates x cases) with the least absolute error."""
    return int(np.argmin(np.abs(predictions - outcomes).mean(axis=1)))


def _outcomes(cases: Sequence[Case]) -> Array:
    return np.array([c.outcome for c in cases])


def _compromise(cases: Sequence[Case]) -> Array:
    return np.array([weighted_mean(c) for c in cases])


def _pull(compromise: Array, sq: Array, share: Array | float) -> Array:
    """``share * compromise + (1 - share) * sq``, the compromise where the status quo is unknown."""
    pulled = share * compromise + (1.0 - share) * np.nan_to_num(sq)
    return np.where(np.isfinite(sq), pulled, compromise)


class StatusQuoPull:
    """Forecast ``a * compromise + (1 - a) * reference point``, ``a`` in [0, 1] fitted."""

    name: ClassVar[str] = "compromise-sq-pull"
    reference: ClassVar[str] = "status-quo pull of procedural models (Tsebelis 2002; Thomson et al. 2006, ch. 1)"

    def __init__(self) -> None:
        self.share_ = 1.0

    def fit(self, cases: Sequence[Case], base: Mapping[str, Array]) -> Self:
        comp, sq = _compromise(cases), np.array([c.status_quo for c in cases])
        candidates = np.stack([_pull(comp, sq, a) for a in _SHARE])
        self.share_ = float(_SHARE[_lad_best(candidates, _outcomes(cases))])
        return self

    def predict(self, cases: Sequence[Case], base: Mapping[str, Array]) -> Array:
        return _pull(_compromise(cases), np.array([c.status_quo for c in cases]), self.share_)

    def params(self) -> dict[str, float]:
        return {"share": self.share_}


class SaliencePower:
    """Compromise with weights ``capability * salience**k``, ``k`` fitted (k = 1: the compromise model)."""

    name: ClassVar[str] = "compromise-salience-power"
    reference: ClassVar[str] = "salience transform of the compromise model (Achen 2006)"
    grid: ClassVar[Array] = np.linspace(0.0, 4.0, 33)

    def __init__(self) -> None:
        self.power_ = 1.0

    def fit(self, cases: Sequence[Case], base: Mapping[str, Array]) -> Self:
        candidates = np.array([[weighted_mean(c, k) for c in cases] for k in self.grid])
        self.power_ = float(self.grid[_lad_best(candidates, _outcomes(cases))])
        return self

    def predict(self, cases: Sequence[Case], base: Mapping[str, Array]) -> Array:
        return np.array([weighted_mean(c, self.power_) for c in cases])

    def params(self) -> dict[str, float]:
        return {"power": self.power_}


def _parts(cases: Sequence[Case], actor: str) -> tuple[Array, Array]:
    """Per case, the actor's weighted position and weight (0 where it holds no position)."""
    wp, w = np.zeros(len(cases)), np.zeros(len(cases))
    for k, case in enumerate(cases):
        if actor in case.problem.actors:
            i = case.problem.actors.index(actor)
            w[k] = case.problem.capability[i, 0] * case.problem.salience[i, 0]
            wp[k] = w[k] * case.problem.positions[i, 0]
    return wp, w


class _Weighted:
    """Shared arithmetic: the compromise with the Commission's and Parliament's weights scaled."""

    def _prepare(self, cases: Sequence[Case]) -> tuple[Array, ...]:
        com_wp, com_w = _parts(cases, "com")
        ep_wp, ep_w = _parts(cases, "ep")
        all_wp = np.array(
            [float((c.problem.capability * c.problem.salience * c.problem.positions).sum()) for c in cases]
        )
        all_w = np.array([float((c.problem.capability * c.problem.salience).sum()) for c in cases])
        mean = np.array([float(c.problem.positions.mean()) for c in cases])
        return all_wp - com_wp - ep_wp, all_w - com_w - ep_w, com_wp, com_w, ep_wp, ep_w, mean

    @staticmethod
    def _mix(parts: tuple[Array, ...], com: Array | float, ep: Array | float) -> Array:
        o_wp, o_w, c_wp, c_w, e_wp, e_w, mean = parts
        num, den = o_wp + com * c_wp + ep * e_wp, o_w + com * c_w + ep * e_w
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), mean)


class InstitutionalWeights(_Weighted):
    """Compromise with the Commission's weight times ``com`` and the Parliament's times ``ep``, both fitted."""

    name: ClassVar[str] = "compromise-institutions"
    reference: ClassVar[str] = "agenda-setter weights (Tsebelis & Garrett 2000; Crombez 2001) on the compromise model"

    def __init__(self) -> None:
        self.com_, self.ep_ = 1.0, 1.0

    def fit(self, cases: Sequence[Case], base: Mapping[str, Array]) -> Self:
        parts, y = self._prepare(cases), _outcomes(cases)
        com, ep = np.meshgrid(_FACTOR, _FACTOR, indexing="ij")
        candidates = self._mix(parts, com.reshape(-1, 1), ep.reshape(-1, 1))
        best = _lad_best(candidates, y)
        self.com_, self.ep_ = float(com.ravel()[best]), float(ep.ravel()[best])
        return self

    def predict(self, cases: Sequence[Case], base: Mapping[str, Array]) -> Array:
        return self._mix(self._prepare(cases), self.com_, self.ep_)

    def params(self) -> dict[str, float]:
        return {"com": self.com_, "ep": self.ep_}


class Procedural(_Weighted):
    """Parliament's factor by procedure (COD, CNS), Commission's factor, status-quo pull by voting rule.

    Under consultation (CNS) the Parliament only gives an opinion; under
    unanimity any member state can hold out for the status quo (Thomson et al.
    2006, ch. 1). Five parameters, fitted by coordinate descent on grids.
    """

    name: ClassVar[str] = "procedural"
    reference: ClassVar[str] = "procedural adjustments after Thomson et al. 2006 and Franchino & Mariotto 2021"

    def __init__(self) -> None:
        self.p_ = {"com": 1.0, "ep_cod": 1.0, "ep_cns": 1.0, "share_qmv": 1.0, "share_unan": 1.0}

    def _forecast(self, cases: Sequence[Case], parts: tuple[Array, ...], p: Mapping[str, Array | float]) -> Array:
        cod = np.array([c.attributes.get("procedure", "") == "COD" for c in cases])
        unan = np.array([c.attributes.get("council_vote", "").lower().startswith("unan") for c in cases])
        comp = self._mix(parts, p["com"], np.where(cod, p["ep_cod"], p["ep_cns"]))
        share = np.where(unan, p["share_unan"], p["share_qmv"])
        return _pull(comp, np.array([c.status_quo for c in cases]), share)

    def fit(self, cases: Sequence[Case], base: Mapping[str, Array]) -> Self:
        parts, y = self._prepare(cases), _outcomes(cases)
        for _ in range(3):
            for key in self.p_:
                grid = _SHARE if key.startswith("share") else _FACTOR
                trial: dict[str, Array | float] = {**self.p_, key: grid.reshape(-1, 1)}
                self.p_[key] = float(grid[_lad_best(self._forecast(cases, parts, trial), y)])
        return self

    def predict(self, cases: Sequence[Case], base: Mapping[str, Array]) -> Array:
        return self._forecast(cases, self._prepare(cases), dict(self.p_))

    def params(self) -> dict[str, float]:
        return dict(self.p_)


class Stacked:
    """Convex combination of forecasts (published models, status quo, mean, median), LAD-fitted weights.

    Stacking after Wolpert (1992) and Breiman (1996), with the weights kept
    non-negative and summing to one so the forecast stays on the scale; the
    least-absolute-deviation fit is a linear programme.
    """

    name: ClassVar[str] = "stacked"
    reference: ClassVar[str] = "stacked generalisation (Wolpert 1992; Breiman 1996), LAD weights on the simplex"

    def __init__(self) -> None:
        self.weights_: dict[str, float] = {}

    @staticmethod
    def _features(cases: Sequence[Case], base: Mapping[str, Array]) -> dict[str, Array]:
        comp = _compromise(cases)
        features = {f"model:{k}": np.asarray(v, dtype=np.float64) for k, v in sorted(base.items())}
        features["compromise"] = comp
        features["status-quo"] = _pull(comp, np.array([c.status_quo for c in cases]), 0.0)
        features["mean"] = np.array([float(c.problem.positions.mean()) for c in cases])
        features["weighted-median"] = np.array([weighted_median(c) for c in cases])
        return features

    def fit(self, cases: Sequence[Case], base: Mapping[str, Array]) -> Self:
        features = self._features(cases, base)
        x, y = np.column_stack(list(features.values())), _outcomes(cases)
        n, k = x.shape
        # minimise sum(u + v) subject to x w + u - v = y, sum(w) = 1, w, u, v >= 0
        cost = np.concatenate([np.zeros(k), np.ones(2 * n)])
        a_eq = np.vstack(
            [np.hstack([x, np.eye(n), -np.eye(n)]), np.concatenate([np.ones(k), np.zeros(2 * n)])[None, :]]
        )
        solution = linprog(cost, A_eq=a_eq, b_eq=np.append(y, 1.0), bounds=(0, None), method="highs")
        w = solution.x[:k] if solution.success else np.eye(k)[list(features).index("compromise")]
        self.weights_ = {name: float(v) for name, v in zip(features, w, strict=True)}
        return self

    def predict(self, cases: Sequence[Case], base: Mapping[str, Array]) -> Array:
        features = self._features(cases, base)
        total = np.zeros(len(cases))
        for name, values in features.items():
            total += self.weights_.get(name, 0.0) * values
        return total

    def params(self) -> dict[str, float]:
        return dict(self.weights_)


__all__ = [
    "InstitutionalWeights",
    "Procedural",
    "SaliencePower",
    "Stacked",
    "StatusQuoPull",
    "weighted_mean",
    "weighted_median",
]
