"""The estimator: Bueno de Mesquita's expected-utility model run round by round on every issue."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar, Literal

import numpy as np
from numpy.typing import NDArray

from accord.engines.bargaining.expected_utility.core import KIND_NAMES, Array
from accord.engines.bargaining.expected_utility.dynamics import MODES, Mode, play_round
from accord.engines.bargaining.problem import (
    BargainingModel,
    BargainingProblem,
    Forecast,
    ModelInputError,
    check_weights,
)

Statistic = Literal["mean", "median"]


@dataclass(frozen=True)
class Event:
    """One actor's move in one round, as the replication logs it."""

    round: int
    actor: int
    kind: str
    """``confrontation`` (the actor lost one), ``compromise`` or ``capitulation``."""
    partner: int
    eu_own: float
    """The actor's expected utility of challenging the partner (``eu_ij``)."""
    eu_other: float
    """The partner's expected utility of challenging the actor, in the actor's view (``eu_ji``)."""
    position: float
    """The actor's new position."""


@dataclass(frozen=True)
class History:
    """Everything the model did, round by round: arrays (rounds, m, n) unless stated."""

    positions: Array
    """(rounds + 1, m, n): positions round by round, inputs first."""
    kind: NDArray[np.int8]
    partner: NDArray[np.intp]
    eu_own: Array
    eu_other: Array
    risk: Array
    mean: Array
    """(rounds + 1, m): the capability x salience weighted mean position, inputs first."""
    median: Array
    """(rounds + 1, m): the weighted median (the Condorcet winner among the positions), inputs first."""
    rounds: NDArray[np.intp]
    """(m,): the rounds each issue ran before its stopping rule ended it."""

    def events(self, issue: int = 0) -> Iterator[Event]:
        """The moves on one issue, round by round and in actor order (round numbers from 1)."""
        for k in range(int(self.rounds[issue])):
            for a in np.flatnonzero(self.kind[k, issue] > 0):
                yield Event(
                    k + 1,
                    int(a),
                    KIND_NAMES[int(self.kind[k, issue, a])],
                    int(self.partner[k, issue, a]),
                    float(self.eu_own[k, issue, a]),
                    float(self.eu_other[k, issue, a]),
                    float(self.positions[k + 1, issue, a]),
                )


class ExpectedUtilityModel(BargainingModel):
    """Bueno de Mesquita's expected-utility ("group decision") model, as unravelled by Scholz et al.

    Follows Scholz, Calbert & Smith (2011), "Unravelling Bueno de Mesquita's
    group decision model", *Journal of Theoretical Politics* 23(4): 510-531,
    itself a reading of Bueno de Mesquita (1994), "Political forecasting: an
    expected utility method", and (2002) *Predicting Politics*. Each round, on
    each issue: every actor's security (the expected utility others see in
    challenging it) sets its risk exponent; win probabilities come from the
    capability x salience weighted votes of all actors; each actor weighs, from
    its own point of view, what it stands to gain by challenging every other
    actor and what they stand to gain by challenging it; offers follow
    (confrontation: the actor gives way to a stronger challenger; compromise: it
    moves part of the way; capitulation: it moves all the way), and every actor
    takes one. Positions change all at once.

    Parameters
    ----------
    mode:
        ``"scholz-code"`` reproduces the public replication's code exactly
        (dmasad/bdm-scholz-expected-utility-model, its quirks included);
        ``"paper"`` follows the paper's text. Differences: docs/models/expected-utility.md.
    rounds:
        The most rounds to run (the replication always runs this many).
    tol:
        Stopping rule: an issue stops once its forecast moves by at most ``tol``
        (in units of the initial spread of positions) between two rounds. None:
        the mode's default, no early stop for ``scholz-code`` and ``1e-6`` (in
        effect: positions have settled) for ``paper``.
    statistic:
        The forecast: ``"mean"`` (the capability x salience weighted mean of the
        final positions, which the replication reports every round) or
        ``"median"`` (the weighted median, the Condorcet winner among them).
    q, t:
        The probability that, without a challenge, nothing changes (``Q``), and
        that a change would favour the challenger (``T``). With ``q = 1`` (both
        references' value) ``t`` plays no part; ``scholz-code`` has no ``T`` term.
    seed:
        Accepted for the common estimator contract; the model is deterministic.
    """

    name: ClassVar[str] = "expected-utility"
    reference: ClassVar[str] = (
        "Scholz, Calbert & Smith (2011), J. Theoretical Politics 23(4); Bueno de Mesquita (1994, 2002); "
        "replication code: github.com/dmasad/bdm-scholz-expected-utility-model"
    )

    history_: History

    def __init__(
        self,
        *,
        mode: Mode = "paper",
        rounds: int = 10,
        tol: float | None = None,
        statistic: Statistic = "mean",
        q: float = 1.0,
        t: float = 1.0,
        seed: int | None = None,
    ) -> None:
        self.mode = mode
        self.rounds = rounds
        self.tol = tol
        self.statistic = statistic
        self.q = q
        self.t = t
        self.seed = seed

    def _solve(self, problem: BargainingProblem) -> Forecast:
        self._check_parameters()
        check_weights(problem, self.name)
        x = problem.positions.T.copy()
        w = (problem.capability * problem.salience).T.copy()
        history = self.run(x, w, problem.salience.T.copy())
        self.history_ = history
        final = history.positions[-1]
        values = history.mean[-1] if self.statistic == "mean" else history.median[-1]
        values = np.clip(values, problem.low, problem.high)
        return Forecast(
            self.name,
            problem.issues,
            values,
            rounds=int(history.rounds.max()),
            final_positions=final.T.copy(),
            trajectory=history.positions.transpose(0, 2, 1).copy(),
        )

    def predict_batch(
        self,
        positions: Array,
        salience: Array,
        capability: Array,
        *,
        low: Array | None = None,
        high: Array | None = None,
        status_quo: Array | None = None,
    ) -> Array:
        """The forecast of ``r`` problems at once: arrays (r, n, m) in, (r, m) out (NaN where all weights are 0)."""
        self._check_parameters()
        runs, n, m = positions.shape

        def flat(a: Array) -> Array:
            out: Array = np.ascontiguousarray(np.broadcast_to(a, (runs, n, m)).transpose(0, 2, 1)).reshape(-1, n)
            return out

        w = flat(capability * salience)
        good = w.sum(axis=-1) > 0
        x, s = flat(positions), flat(salience)
        history = self.run(np.where(good[:, None], x, 0.0), np.where(good[:, None], w, 1.0), s)
        stats = history.mean[-1] if self.statistic == "mean" else history.median[-1]
        values = np.where(good, stats, np.nan).reshape(runs, m)
        if low is not None and high is not None:
            values = np.clip(values, low, high)
        out: Array = values
        return out

    def run(self, x: Array, w: Array, s: Array) -> History:
        """Run the model on ``B`` independent issues: positions, weights (capability x salience), saliences (B, n)."""
        self._check_parameters()
        batch, n = x.shape
        limit = int(self.rounds)
        tol = self.tol if self.tol is not None else (None if self.mode == "scholz-code" else 1e-6)
        span = x.max(axis=-1) - x.min(axis=-1)
        positions = np.empty((limit + 1, batch, n))
        positions[0] = x
        kind = np.zeros((limit, batch, n), dtype=np.int8)
        partner = np.full((limit, batch, n), -1, dtype=np.intp)
        eu_own = np.full((limit, batch, n), np.nan)
        eu_other = np.full((limit, batch, n), np.nan)
        risk = np.ones((limit, batch, n))
        mean = np.empty((limit + 1, batch))
        median = np.empty((limit + 1, batch))
        mean[0], median[0] = weighted_mean(x, w), lower_weighted_median(x, w)
        done = np.zeros(batch, dtype=bool)
        rounds = np.zeros(batch, dtype=np.intp)
        done |= span <= 0
        for k in range(limit):
            current = positions[k]
            positions[k + 1] = current
            mean[k + 1], median[k + 1] = mean[k], median[k]
            rounds[~done] = k + 1
            # Issues that stopped, or where every actor now stands at one position, stay where they are.
            live = np.flatnonzero(~done & (np.ptp(current, axis=-1) > 0))
            if live.size == 0:
                continue
            step = play_round(
                current[live], w[live], s[live], span[live], mode=self.mode, q=self.q, t=self.t, median=median[k, live]
            )
            positions[k + 1, live] = step.positions
            kind[k, live], partner[k, live] = step.kind, step.partner
            eu_own[k, live], eu_other[k, live], risk[k, live] = step.eu_own, step.eu_other, step.risk
            mean[k + 1, live] = weighted_mean(step.positions, w[live])
            median[k + 1, live] = lower_weighted_median(step.positions, w[live])
            if tol is not None:
                stat = mean if self.statistic == "mean" else median
                done |= np.abs(stat[k + 1] - stat[k]) <= tol * np.where(span > 0, span, 1.0)
        return History(positions, kind, partner, eu_own, eu_other, risk, mean, median, rounds)

    def _check_parameters(self) -> None:
        if self.mode not in MODES:
            raise ModelInputError(f"expected-utility mode is {self.mode!r}; expected one of {', '.join(MODES)}")
        if isinstance(self.rounds, bool) or not isinstance(self.rounds, int | np.integer) or self.rounds < 0:
            raise ModelInputError(f"expected-utility rounds is {self.rounds!r}; expected a whole number >= 0")
        if self.tol is not None and not (np.isfinite(self.tol) and self.tol >= 0):
            raise ModelInputError(f"expected-utility tol is {self.tol!r}; expected None or a number >= 0")
        if self.statistic not in ("mean", "median"):
            raise ModelInputError(f"expected-utility statistic is {self.statistic!r}; expected 'mean' or 'median'")
        for label, value in (("q", self.q), ("t", self.t)):
            if not (np.isfinite(value) and 0.0 <= value <= 1.0):
                raise ModelInputError(f"expected-utility {label} is {value!r}; expected a probability in [0, 1]")


def weighted_mean(x: Array, w: Array) -> Array:
    """``sum w x / sum w`` along the last axis."""
    out: Array = (w * x).sum(axis=-1) / w.sum(axis=-1)
    return out


def lower_weighted_median(x: Array, w: Array) -> Array:
    """The lowest position with at least half the weight at or below it: the Condorcet winner among positions.

    With votes ``w_k (|x_k - b| - |x_k - a|)`` (the replication's risk-neutral
    median vote), that position beats or ties every other actor's position.
    """
    order = np.argsort(x, axis=-1, kind="stable")
    xs = np.take_along_axis(x, order, axis=-1)
    cumulative = np.cumsum(np.take_along_axis(w, order, axis=-1), axis=-1)
    index = np.argmax(cumulative >= cumulative[..., -1:] / 2, axis=-1)
    out: Array = np.take_along_axis(xs, index[..., None], axis=-1)[..., 0]
    return out
