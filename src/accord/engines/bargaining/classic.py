"""The classic one-shot bargaining models: compromise, weighted median and Nash bargaining.

Each model reads a :class:`BargainingProblem` and forecasts one value per issue.
Every model also offers ``predict_batch(positions, salience, capability, *,
low, high, status_quo)``: the same computation on ``r`` problems at once
(arrays of shape ``(r, n, m)``), which the Monte Carlo sweep uses. A run whose
inputs the model cannot take (all weights zero on an issue) gets NaN there.

The weight of actor ``i`` on issue ``j`` is ``w_ij = capability_ij *
salience_ij``, the "effective power" used throughout this literature.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import ClassVar, Literal

import numpy as np

from accord.engines.bargaining.problem import (
    Array,
    BargainingModel,
    BargainingProblem,
    Forecast,
    ModelInputError,
    check_weights,
)

#: Relative tolerance for "the cumulative weight is exactly half" in the weighted median.
_TIE = 1e-12


def compromise(positions: Array, weights: Array) -> Array:
    """The weighted mean of positions over the actor axis (-2); NaN where the weights sum to zero."""
    total = weights.sum(axis=-2)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (weights * positions).sum(axis=-2) / np.where(total > 0, total, 1.0), np.nan)


def weighted_median(positions: Array, weights: Array) -> Array:
    """The weighted median over the actor axis (-2), ties split at the midpoint.

    Sort the positions ``x_(1) <= ... <= x_(n)`` with cumulative weights ``W_k``
    and total ``W``. The lower weighted median is the first ``x_(k)`` with
    ``W_k >= W/2``, the upper one the first ``x_(k)`` with ``W_k > W/2``. They
    coincide unless some ``W_k`` equals ``W/2`` exactly (to a relative 1e-12):
    then every point between them splits the weight evenly, and the median is
    their midpoint, as for the ordinary median of an even count. Actors with zero
    weight never become the median. NaN where the weights sum to zero.
    """
    order = np.argsort(positions, axis=-2, kind="stable")
    x = np.take_along_axis(positions, order, axis=-2)
    cumulative = np.cumsum(np.take_along_axis(weights, order, axis=-2), axis=-2)
    half = cumulative[..., -1:, :] / 2
    tolerance = _TIE * cumulative[..., -1:, :]
    lower = np.argmax(cumulative >= half - tolerance, axis=-2)[..., None, :]
    upper = np.argmax(cumulative > half + tolerance, axis=-2)[..., None, :]
    median = (np.take_along_axis(x, lower, axis=-2) + np.take_along_axis(x, upper, axis=-2))[..., 0, :] / 2
    return np.where(cumulative[..., -1, :] > 0, median, np.nan)


class _WeightedPointModel(BargainingModel):
    """A forecast that is one statistic of the positions weighted by ``capability * salience``."""

    @abstractmethod
    def statistic(self, positions: Array, weights: Array) -> Array:
        """The forecast from positions and weights, over the actor axis (the second to last)."""

    def _solve(self, problem: BargainingProblem) -> Forecast:
        weights = check_weights(problem, self.name)
        return Forecast(self.name, problem.issues, self.statistic(problem.positions, weights))

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
        """The forecast of ``r`` problems at once: arrays (r, n, m) in, (r, m) out."""
        return self.statistic(positions, capability * salience)


class CompromiseModel(_WeightedPointModel):
    """The compromise model: the capability- and salience-weighted mean of the positions.

    ``x_j = sum_i c_ij s_ij x_ij / sum_i c_ij s_ij``. Van den Bos (1991) used it for
    EC decision making; Achen (2006) derived it as an approximation to the Nash
    bargaining solution with quadratic, salience-weighted losses, and in Thomson,
    Stokman, Achen and König (eds., 2006), *The European Union Decides*, it is the
    model the more elaborate ones fail to beat on the DEU data.
    """

    name: ClassVar[str] = "compromise"
    reference: ClassVar[str] = (
        "Achen (2006), 'Evaluating political decision-making models', in Thomson et al. (eds.), "
        "The European Union Decides; van den Bos (1991), Dutch EC policy making"
    )

    def statistic(self, positions: Array, weights: Array) -> Array:
        return compromise(positions, weights)


class WeightedMedianModel(_WeightedPointModel):
    """Black's median voter with weights: the position that no coalition of more than half the weight beats.

    Black (1948, 1958) showed that with single-peaked preferences on one
    dimension the median ideal point defeats every other point under majority
    rule. Weighting each actor by ``capability * salience`` (as in the DEU
    studies, Thomson et al. 2006) gives the weighted median; see
    :func:`weighted_median` for the exact definition, ties included.
    """

    name: ClassVar[str] = "median"
    reference: ClassVar[str] = (
        "Black (1948), 'On the rationale of group decision-making', Journal of Political Economy 56; "
        "weights as in Thomson et al. (eds., 2006), The European Union Decides"
    )

    def statistic(self, positions: Array, weights: Array) -> Array:
        return weighted_median(positions, weights)


class NashBargainingModel(BargainingModel):
    """The asymmetric Nash bargaining solution with the status quo as disagreement point.

    Nash (1950) picks the agreement that maximises the product of the parties'
    utility gains over the disagreement point; the asymmetric (generalised)
    solution of Kalai (1977) and Roth (1979) raises each gain to the party's
    bargaining power ``a_i``:

        maximise  sum_i a_i log(u_i(x) - u_i(d))  over x with every gain > 0.

    Here ``d`` is the status quo (the outcome if bargaining fails), ``a_i`` the
    actor's capability share, and utility is a salience-weighted quadratic loss
    on the normalised scales (Achen 2006): ``u_i(x) = -sum_j s_ij (x_j - x_ij)^2``.

    Because the Nash solution is invariant to rescaling each party's utility,
    salience can only matter through trade-offs *between* issues. With
    ``joint=True`` (the default) the parties bargain over all issues at once, as
    one package; with ``joint=False`` each issue is bargained separately, and
    salience then has no effect. On a single issue every point between the
    extreme ideal points is Pareto optimal, so when the status quo lies among
    the parties' positions no change makes them all better off and the solution
    is the status quo itself; the same holds in the joint problem when the status
    quo is Pareto optimal there, and when some party with power already has its
    ideal at the status quo (it gains nothing from any change).

    The solution is computed through its convex dual (minimise over ``mu > 0``
    ``sum_i a_i log(a_i / mu_i) + max_x sum_i mu_i g_i(x)``), whose inner maximum
    is the weighted mean of positions with weights ``mu_i s_ij``: the forecast is
    always inside the scale, and when every gain at the solution is equal it is
    exactly the compromise model (Achen's result). Damped Newton steps on ``mu``,
    batched over runs. If the status quo is Pareto optimal the dual has no
    minimum: ``mu`` grows without bound and ``x`` tends to the status quo, which
    the solver returns after ``max_iter`` steps.

    Bargaining power: ``a_i`` is proportional to the actor's salience-weighted mean
    capability over the issues bargained together (its capability where it matters).

    Status quo: where an issue's status quo is unknown, ``missing_status_quo="far-end"``
    (the default) takes the scale end farthest from the compromise forecast (a
    breakdown is as bad as the scale allows); ``"error"`` raises :class:`ModelInputError`.
    """

    name: ClassVar[str] = "nash"
    reference: ClassVar[str] = (
        "Nash (1950), 'The bargaining problem', Econometrica 18; asymmetric solution after Kalai (1977) and "
        "Roth (1979), Axiomatic Models of Bargaining; quadratic salience-weighted utilities after Achen (2006)"
    )

    def __init__(
        self,
        *,
        joint: bool = True,
        missing_status_quo: Literal["far-end", "error"] = "far-end",
        max_iter: int = 100,
        tol: float = 1e-20,
    ) -> None:
        self.joint = joint
        self.missing_status_quo = missing_status_quo
        self.max_iter = max_iter
        self.tol = tol

    def _solve(self, problem: BargainingProblem) -> Forecast:
        check_weights(problem, self.name)
        if self.missing_status_quo not in ("far-end", "error"):
            raise ModelInputError(f"missing_status_quo is {self.missing_status_quo!r}; expected 'far-end' or 'error'")
        sq = problem.status_quo if problem.status_quo is not None else np.full(problem.n_issues, np.nan)
        if self.missing_status_quo == "error" and np.isnan(sq).any():
            names = ", ".join(problem.issues[j] for j in np.flatnonzero(np.isnan(sq)))
            raise ModelInputError(f"the nash model needs a status quo (the disagreement point); none for {names}")
        values = self.predict_batch(
            problem.positions[None],
            problem.salience[None],
            problem.capability[None],
            low=problem.low,
            high=problem.high,
            status_quo=sq[None],
        )[0]
        return Forecast(self.name, problem.issues, values)

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
        """The Nash solution of ``r`` problems at once: arrays (r, n, m) in, (r, m) out.

        ``status_quo`` is (m,) or (r, m), NaN where unknown; ``low``/``high`` (m,).
        """
        r, n, m = positions.shape
        lo = np.zeros(m) if low is None else np.asarray(low, dtype=np.float64)
        span = (np.ones(m) if high is None else np.asarray(high, dtype=np.float64)) - lo
        p = (positions - lo) / span
        sq = np.full((r, m), np.nan) if status_quo is None else np.broadcast_to(status_quo, (r, m))
        d = (sq - lo) / span
        weights = capability * salience
        centre = compromise(p, weights)
        d = np.where(np.isnan(d), np.where(centre <= 0.5, 1.0, 0.0), d)
        if self.joint:
            return lo + span * _nash_dual(p, salience, capability, d, self.max_iter, self.tol)
        # Each issue its own problem: move issues into the batch axis.
        flat = _nash_dual(
            p.transpose(0, 2, 1).reshape(r * m, n, 1),
            salience.transpose(0, 2, 1).reshape(r * m, n, 1),
            capability.transpose(0, 2, 1).reshape(r * m, n, 1),
            d.reshape(r * m, 1),
            self.max_iter,
            self.tol,
        )
        return lo + span * flat.reshape(r, m)


def _nash_dual(p: Array, s: Array, c: Array, d: Array, max_iter: int, tol: float) -> Array:
    """Newton's method on the dual of the asymmetric Nash problem; (r, n, m) in, (r, m) out, on [0, 1] scales.

    Runs still iterating are compressed into a smaller batch at each step, so a
    few slow runs do not cost the whole batch.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        power = np.where(s.sum(axis=2) > 0, (c * s).sum(axis=2) / s.sum(axis=2), 0.0)
        alpha = power / power.sum(axis=1, keepdims=True)  # (r, n)
    active = alpha > 0
    s = np.where(active[:, :, None], s, 0.0)
    best = (s * (d[:, None, :] - p) ** 2).sum(axis=2)  # each actor's gain at its own ideal point
    mu = np.where(active, alpha / np.where(best > 0, best, 1.0), 0.0)
    bad = ~np.isfinite(alpha).all(axis=1) | (np.einsum("rn,rnm->rm", mu, s) <= 0).any(axis=1)
    pareto = np.zeros_like(bad)
    live = np.flatnonzero(~bad)
    closing = np.zeros(live.size, dtype=bool)  # converged to 1e-10: one last full Newton step
    for _ in range(max_iter):
        if live.size == 0:
            break
        lp, ls, ld, la, lact, lmu = p[live], s[live], d[live], alpha[live], active[live], mu[live]
        # A gain below 1e-10 of the actor's best means the dual runs off to infinity: the status quo is
        # (to that precision) Pareto optimal, and it is the solution.
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(lact, lmu * best[live] / np.where(lact, la, 1.0), 0.0)
        stuck = (ratio > 1e10).any(axis=1)
        pareto[live[stuck]] = True
        step, decrement = _newton_step(lmu, la, lact, lp, ls, ld)
        done = stuck | ~np.isfinite(decrement) | (decrement <= tol)
        full = closing & ~done
        mu[live[full]] = np.maximum(lmu[full] + step[full], 0.0)
        search = ~done & ~closing
        if search.any():
            mu[live[search]] = _line_search(
                lmu[search],
                step[search],
                decrement[search],
                la[search],
                lact[search],
                lp[search],
                ls[search],
                ld[search],
            )
        keep = search
        closing = (decrement < 1e-10)[keep]
        live = live[keep]
    x, _ = _inner(mu, p, s)
    return np.where(bad[:, None], np.nan, np.where(pareto[:, None], d, x))


def _newton_step(mu: Array, alpha: Array, active: Array, p: Array, s: Array, d: Array) -> tuple[Array, Array]:
    """The Newton step on ``mu`` and Newton's decrement, per run."""
    x, bsum = _inner(mu, p, s)
    gain = (s * ((d[:, None, :] - p) ** 2 - (x[:, None, :] - p) ** 2)).sum(axis=2)
    n = mu.shape[1]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        grad = np.where(active, gain - alpha / mu, 0.0)
        # Newton's system scaled by diag(mu): diag(alpha) + (mu a) W (mu a)^T stays well conditioned
        # even when mu grows without bound (a Pareto-optimal status quo).
        a = mu[:, :, None] * s * (p - x[:, None, :])
        scaled = np.einsum("rim,rkm->rik", a * (2 / bsum)[:, None, :], a)
    scaled[:, np.arange(n), np.arange(n)] += np.where(active, alpha, 1.0)
    finite = np.isfinite(scaled).all(axis=(1, 2)) & np.isfinite(grad).all(axis=1)
    scaled[~finite] = np.eye(n)
    rhs = np.where(finite[:, None], -mu * grad, 0.0)
    step = mu * np.linalg.solve(scaled, rhs[:, :, None])[:, :, 0]
    decrement = np.where(finite, -(grad * step).sum(axis=1), np.nan)
    return step, decrement


def _line_search(
    mu: Array, step: Array, decrement: Array, alpha: Array, active: Array, p: Array, s: Array, d: Array
) -> Array:
    """Damped step: the largest keeping ``mu > 0`` (fraction to the boundary), halved until Armijo holds."""
    with np.errstate(divide="ignore", invalid="ignore"):
        limit = np.where(step < 0, -0.99 * mu / step, np.inf).min(axis=1)
    t = np.minimum(1.0, limit)
    value = _dual_value(mu, alpha, active, p, s, d)
    out = mu.copy()
    todo = np.arange(mu.shape[0])
    for _ in range(40):
        trial = mu[todo] + t[todo, None] * step[todo]
        trial_value = _dual_value(trial, alpha[todo], active[todo], p[todo], s[todo], d[todo])
        ok = trial_value <= value[todo] - 1e-4 * t[todo] * decrement[todo]
        out[todo[ok]] = trial[ok]
        todo = todo[~ok]
        if todo.size == 0:
            break
        t[todo] /= 2
    return out


def _inner(mu: Array, p: Array, s: Array) -> tuple[Array, Array]:
    """The inner maximiser of the dual: the weighted mean of positions with weights ``mu_i s_ij``."""
    w = mu[:, :, None] * s
    bsum = w.sum(axis=1)
    return (w * p).sum(axis=1) / np.where(bsum > 0, bsum, 1.0), np.where(bsum > 0, bsum, 1.0)


def _dual_value(mu: Array, alpha: Array, active: Array, p: Array, s: Array, d: Array) -> Array:
    x, _ = _inner(mu, p, s)
    gain = (s * ((d[:, None, :] - p) ** 2 - (x[:, None, :] - p) ** 2)).sum(axis=2)
    with np.errstate(divide="ignore", invalid="ignore"):
        entropy = np.where(active, alpha * np.log(np.where(active, alpha / mu, 1.0)), 0.0)
    value: Array = (entropy + mu * gain).sum(axis=1)
    return value
