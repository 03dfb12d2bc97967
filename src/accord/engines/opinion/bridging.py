"""Bridging scores: Community Notes' matrix factorisation applied to agree/pass/disagree votes.

Public API (plain arrays in, a frozen dataclass out; nothing here knows the Pol.is pipeline)::

    bridging_scores(votes, seen=None, *, participant_ids=None, statement_ids=None, seed=0,
                    lambda_intercept=0.15, lambda_factor=0.03, max_iter=200, tol=1e-5) -> BridgingResult

``votes`` is a participants x statements matrix (accord's CSR, ``scipy.sparse`` or dense) of -1 (disagree), 0 (pass)
and +1 (agree), or graded stances between -1 and +1 (a scenario's parties); ``seen`` marks the votes
cast (same shape, sparse or dense, truthy = seen). With
``seen=None`` the stored entries of a sparse ``votes`` are the votes cast (explicit zeros are passes),
and for a dense ``votes`` every non-NaN entry is. :meth:`BridgingResult.records` gives the JSON-ready
list ``[{"id", "intercept", "factor", "votes"}]`` sorted best first, for ``accord opinion --json``.

The model is the one Community Notes publishes (Wojcik et al. 2022, "Birdwatch: Crowd Wisdom and
Bridging Algorithms can Inform Understanding and Reduce the Spread of Misinformation"; the open-source
scorer twitter/communitynotes, ``sourcecode/scoring/matrix_factorization/``, and its "ranking notes"
documentation)::

    r_us ~ mu + i_u + i_s + f_u * f_s        (one-dimensional factor)

fitted on the observed entries only, minimising

    sum_obs (r_us - r^_us)^2 + lambda_i (mu^2 + sum i_u^2 + sum i_s^2) + lambda_f (sum f_u^2 + sum f_s^2)

with lambda_i = 0.15 and lambda_f = 0.03: intercepts are penalised five times as much as factors, so
whatever agreement the opinion factor can explain (one side agrees, the other does not) is pushed into
``f_u * f_s``, and a statement keeps a high intercept ``i_s`` only when participants on *both* sides of
the factor agree with it. ``i_s`` is the bridging score. Votes enter on Community Notes' helpfulness
scale, ``r = (vote + 1) / 2``: agree 1, pass 0.5, disagree 0, so the published lambdas keep the
weight they have there. As in the scorer, the factor's sign is fixed so that most participants have a
negative factor (sign identification), which leaves the intercepts unchanged.

Fitting is alternating least squares, not the scorer's Adam: with the statements fixed, each
participant's ``(i_u, f_u)`` is a 2x2 ridge regression with a closed form, and the sums it needs are a
few sparse matrix products over the observed entries (accord's numpy-only CSR,
:mod:`accord.engines.opinion.sparse`; scipy is not needed), so one sweep costs O(votes)
and is fully vectorised; then the statements, then ``mu``. Each step solves its block exactly, so the
objective never increases. Iteration stops when no statement parameter moves by more than ``tol``
(intercepts live on a 0..1 scale) or after ``max_iter`` sweeps; ``iterations``, ``converged`` and the
final ``loss`` are reported. Start: ``mu`` the mean rating, intercepts 0, statement factors drawn
from ``normal(0, 0.1)`` with ``seed`` (deterministic: the same input and seed give the same result).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from accord.engines.opinion.kernels import NUMBA_THRESHOLD
from accord.engines.opinion.sparse import CSR, TransposedCSR, as_csr, is_sparse

Float = NDArray[np.float64]

#: Community Notes' published regularisation: intercepts (lambda_i) and factors (lambda_f).
LAMBDA_INTERCEPT = 0.15
LAMBDA_FACTOR = 0.03
#: Community Notes' cap on a helpful note's factor magnitude: beyond it a statement is one side's.
MAX_FACTOR = 0.5


@dataclass(frozen=True)
class BridgingResult:
    """A fitted bridging model: per statement its intercept (the bridging score) and factor.

    Arrays are aligned with the input's columns (statements) and rows (participants).
    """

    statement_ids: list[Any]
    participant_ids: list[Any]
    intercept: Float
    """Per statement ``i_s``: agreement left over once the opinion factor is accounted for."""
    factor: Float
    """Per statement ``f_s``: where the statement sits on the opinion factor."""
    participant_intercept: Float
    participant_factor: Float
    """Per participant ``f_u``: which side of the opinion factor the participant is on."""
    mu: float
    votes: NDArray[np.int64]
    """Per statement, how many votes (agree, pass or disagree) it received."""
    iterations: int
    converged: bool
    loss: float
    """The final value of the regularised objective."""

    @property
    def polarised(self) -> NDArray[np.bool_]:
        """Per statement: ``|f_s| >= MAX_FACTOR``, too aligned with one side to count as bridging."""
        return np.asarray(np.abs(self.factor) >= MAX_FACTOR)

    def order(self, min_votes: int = 0, max_factor: float | None = MAX_FACTOR) -> NDArray[np.int64]:
        """Statement column indices in bridging order: highest intercept first, ties by column.

        As in Community Notes' helpful rule (intercept high *and* ``|f_n| < 0.5``), statements whose
        factor reaches ``max_factor`` are left out (None keeps them), as are those with fewer than
        ``min_votes`` votes. The factor's scale follows the model's regularisation, see the docs.
        """
        keep = self.votes >= min_votes
        if max_factor is not None:
            keep &= np.abs(self.factor) < max_factor
        chosen = np.flatnonzero(keep)
        return chosen[np.lexsort((chosen, -self.intercept[chosen]))]

    def records(self, top: int | None = None, min_votes: int = 0) -> list[dict[str, Any]]:
        """JSON-ready ``{"id", "intercept", "factor", "votes", "polarised"}`` per statement.

        Every statement with at least ``min_votes`` votes, bridging ones first (:meth:`order`), then the
        polarised ones by intercept; ``top`` keeps the first ones.
        """
        bridging = self.order(min_votes)
        rest = np.setdiff1d(self.order(min_votes, None), bridging, assume_unique=True)
        rest = rest[np.lexsort((rest, -self.intercept[rest]))]
        chosen = np.concatenate((bridging, rest))[:top]
        return [
            {
                "id": self.statement_ids[j],
                "intercept": float(self.intercept[j]),
                "factor": float(self.factor[j]),
                "votes": int(self.votes[j]),
                "polarised": bool(abs(self.factor[j]) >= MAX_FACTOR),
            }
            for j in chosen
        ]


def _observed(votes: Any, seen: Any) -> tuple[CSR, CSR]:
    """The seen mask (data all 1.0) and the votes at the seen entries, both CSR with the mask's structure.

    When the votes are sparse and ``seen`` is None or has the votes' own sparsity structure, both
    matrices share the caller's index arrays and only the data arrays are new. A ``seen`` with
    another structure gives the votes at its entries (0 where a seen entry stores no vote).
    """
    if is_sparse(votes):
        matrix = as_csr(votes, np.float64)
        if seen is not None:
            given = as_csr(seen) if is_sparse(seen) else CSR.from_dense(np.asarray(seen, dtype=bool))
            if given.shape != matrix.shape:
                raise ValueError(f"votes {matrix.shape} and seen {given.shape} must have the same shape")
            stored = given.data.astype(bool)
            seen_csr = given
            if not stored.all():  # stored False entries are not seen
                keep = np.flatnonzero(stored)
                counts = np.bincount(given.row_ids()[keep], minlength=given.shape[0])
                indptr = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
                seen_csr = CSR(indptr, given.indices[keep], np.ones(len(keep), dtype=bool), given.shape)
            same = (
                seen_csr.nnz == matrix.nnz
                and np.array_equal(seen_csr.indptr, matrix.indptr)
                and np.array_equal(seen_csr.indices, matrix.indices)
            )
            if not same:
                mask = seen_csr.with_data(np.ones(seen_csr.nnz))
                return mask, mask.with_data(matrix.values_at(mask).astype(np.float64))
    else:
        dense = np.asarray(votes, dtype=np.float64)
        if seen is None:
            observed = ~np.isnan(dense)
        else:
            observed = np.asarray(seen.toarray() if is_sparse(seen) else seen).astype(bool)
            if observed.shape != dense.shape:
                raise ValueError(f"votes {dense.shape} and seen {observed.shape} must have the same shape")
        matrix = CSR.from_dense(dense, observed)
    if matrix.nnz <= NUMBA_THRESHOLD:
        matrix.row_ids()  # computed once, shared with the mask (the numba kernels need none)
    mask = matrix.with_data(np.ones(matrix.nnz))
    return mask, matrix


def _check_votes(values: CSR) -> None:
    if values.nnz and not (np.abs(values.data) <= 1.0).all():
        raise ValueError("votes must lie in [-1, 1]: -1 disagree, 0 pass, +1 agree (or a graded stance between)")


def _ridge2(
    count: Float, s_f: Float, s_ff: Float, s_y: Float, s_yf: Float, lam_i: float, lam_f: float
) -> tuple[Float, Float]:
    """Closed-form solution of the 2x2 ridge systems for ``(intercept, factor)``, one per row.

    Normal equations ``[[n + lam_i, sum f], [sum f, sum f^2 + lam_f]] [i, f] = [sum y, sum y f]``;
    the determinant is positive because both lambdas are (Cauchy-Schwarz).
    """
    a11 = count + lam_i
    a22 = s_ff + lam_f
    det = a11 * a22 - s_f * s_f
    return (a22 * s_y - s_f * s_yf) / det, (a11 * s_yf - s_f * s_y) / det


def _half_step(
    mask: CSR | TransposedCSR,
    values: CSR | TransposedCSR,
    count: Float,
    rating_sum: Float,
    mu: float,
    other_i: Float,
    other_f: Float,
    lam_i: float,
    lam_f: float,
) -> tuple[Float, Float, Float]:
    """Refit one side's ``(intercept, factor)`` with the other side's held fixed.

    ``y = r - mu - i_other`` and ``r = (1 + v) / 2``, so ``sum r f = (sum f + sum v f) / 2``. Also
    returns ``sum f_other`` per row, which the refit of ``mu`` reuses.
    """
    sums = mask @ np.column_stack((other_f, other_f * other_f, other_i, other_i * other_f))
    s_f, s_ff, s_i, s_if = sums.T
    s_rf = 0.5 * (s_f + values @ other_f)
    s_y = rating_sum - mu * count - s_i
    s_yf = s_rf - mu * s_f - s_if
    intercept, factor = _ridge2(count, s_f, s_ff, s_y, s_yf, lam_i, lam_f)
    return intercept, factor, s_f


def _loss(
    mask: CSR,
    values: CSR,
    mu: float,
    params: tuple[Float, Float, Float, Float],
    lam_i: float,
    lam_f: float,
) -> float:
    """The regularised objective, from per-participant sums (two sparse products, no per-vote arrays).

    Per participant u: ``sum_s (r - c_u - i_s - f_u f_s)^2`` with ``c_u = mu + i_u``, expanded into sums
    over the statements u voted on; ``r = (1 + v) / 2`` and ``r^2 = (1 + 2v + v^2) / 4``.
    """
    i_u, f_u, i_s, f_s = params
    sums = mask @ np.column_stack((i_s, i_s * i_s, f_s, f_s * f_s, i_s * f_s))
    s_i, s_ii, s_f, s_ff, s_if = sums.T
    v_sums = values @ np.column_stack((i_s, f_s))
    v_i, v_f = v_sums.T
    n = np.diff(mask.indptr).astype(np.float64)
    v_1 = np.asarray(values @ np.ones(values.shape[1]))
    s_r, s_ri, s_rf = 0.5 * (n + v_1), 0.5 * (s_i + v_i), 0.5 * (s_f + v_f)
    s_rr_total = 0.25 * (n.sum() + 2.0 * v_1.sum() + float(values.data @ values.data))
    c = mu + i_u
    squared = (
        n * c * c
        + s_ii
        + f_u * f_u * s_ff
        - 2.0 * (c * s_r + s_ri + f_u * s_rf)
        + 2.0 * (c * s_i + c * f_u * s_f + f_u * s_if)
    )
    penalty = lam_i * (mu * mu + i_u @ i_u + i_s @ i_s) + lam_f * (f_u @ f_u + f_s @ f_s)
    return float(s_rr_total + squared.sum() + penalty)


def _regauge(
    mu: float, i_u: Float, f_u: Float, i_s: Float, f_s: Float, lam_i: float, lam_f: float
) -> tuple[float, Float, Float, Float, Float]:
    """Move along the directions that leave every prediction unchanged, to the penalty's minimum.

    The data term is blind to ``f_u + c, i_s - c f_s``; to ``f_s + d, i_u - d f_u``; to
    ``k f_u, f_s / k``; and to shifting ``mu`` into ``i_u`` or ``i_s``. Only the (small) penalty pins
    these down, so plain alternating least squares crawls along them; each has a closed-form optimum,
    taken here in turn. Every move lowers the objective, so convergence is unaffected, and fast.
    """
    n_p, n_s = len(i_u), len(i_s)
    if n_p == 0 or n_s == 0:
        return mu, i_u, f_u, i_s, f_s
    c = (lam_i * (i_s @ f_s) - lam_f * f_u.sum()) / (lam_i * (f_s @ f_s) + lam_f * n_p)
    f_u, i_s = f_u + c, i_s - c * f_s
    d = (lam_i * (i_u @ f_u) - lam_f * f_s.sum()) / (lam_i * (f_u @ f_u) + lam_f * n_s)
    f_s, i_u = f_s + d, i_u - d * f_u
    norm_u, norm_s = float(f_u @ f_u), float(f_s @ f_s)
    if norm_u > 0 and norm_s > 0:
        k = (norm_s / norm_u) ** 0.25
        f_u, f_s = f_u * k, f_s / k
    sum_u, sum_s = float(i_u.sum()), float(i_s.sum())
    new_mu = (mu + sum_u / n_p + sum_s / n_s) / (1.0 + 1.0 / n_p + 1.0 / n_s)
    i_u = i_u + (new_mu - sum_u) / n_p
    i_s = i_s + (new_mu - sum_s) / n_s
    return new_mu, i_u, f_u, i_s, f_s


def bridging_scores(
    votes: Any,
    seen: Any = None,
    *,
    participant_ids: Sequence[Any] | None = None,
    statement_ids: Sequence[Any] | None = None,
    seed: int = 0,
    lambda_intercept: float = LAMBDA_INTERCEPT,
    lambda_factor: float = LAMBDA_FACTOR,
    max_iter: int = 200,
    tol: float = 1e-5,
) -> BridgingResult:
    """Fit Community Notes' one-factor model to the votes and return each statement's bridging score.

    See the module docstring for the model, the regularisation and the fitting. Raises ``ValueError``
    when the shapes disagree, a vote lies outside [-1, 1], or the id lists have the wrong length.
    """
    mask, values = _observed(votes, seen)
    _check_votes(values)
    n_p, n_s = mask.shape
    participants = list(range(n_p)) if participant_ids is None else list(participant_ids)
    statements = list(range(n_s)) if statement_ids is None else list(statement_ids)
    if len(participants) != n_p or len(statements) != n_s:
        raise ValueError(
            f"{len(participants)} participant ids and {len(statements)} statement ids for a {n_p} x {n_s} matrix"
        )
    # Transposed products scatter into the short statement axis (``CSR.T`` builds nothing), which is
    # faster than materialising the transpose and gathering from the long participant axis.
    mask_t, values_t = mask.T, values.T
    count_p = np.diff(mask.indptr).astype(np.float64)
    count_s = np.bincount(mask.indices, minlength=n_s).astype(np.float64)
    # sum of ratings r = (1 + v) / 2 per participant and per statement
    rsum_p = 0.5 * (count_p + values @ np.ones(n_s))
    rsum_s = 0.5 * (count_s + values_t @ np.ones(n_p))
    total, rating_total = float(count_p.sum()), float(rsum_p.sum())
    lam_i, lam_f = float(lambda_intercept), float(lambda_factor)

    rng = np.random.default_rng(seed)
    f_s = rng.normal(0.0, 0.1, n_s)
    i_s = np.zeros(n_s)
    i_u = np.zeros(n_p)
    f_u = np.zeros(n_p)
    mu = rating_total / total if total else 0.0

    def refit_mu(interaction: float) -> float:
        """The optimal ``mu`` given the rest; ``interaction`` is ``sum_obs f_u f_s``."""
        residual = rating_total - float(count_p @ i_u) - float(count_s @ i_s) - interaction
        return residual / (total + lam_i)

    iterations, converged = 0, False
    while iterations < max_iter and not converged:
        iterations += 1
        i_u, f_u, s_f = _half_step(mask, values, count_p, rsum_p, mu, i_s, f_s, lam_i, lam_f)
        mu = refit_mu(float(f_u @ s_f))
        previous_i, previous_f = i_s, f_s
        i_s, f_s, s_f = _half_step(mask_t, values_t, count_s, rsum_s, mu, i_u, f_u, lam_i, lam_f)
        mu = refit_mu(float(f_s @ s_f))
        mu, i_u, f_u, i_s, f_s = _regauge(mu, i_u, f_u, i_s, f_s, lam_i, lam_f)
        change = max(np.abs(i_s - previous_i).max(initial=0.0), np.abs(f_s - previous_f).max(initial=0.0))
        converged = change <= tol

    if n_p and np.count_nonzero(f_u < 0) < np.count_nonzero(f_u > 0):
        f_u, f_s = -f_u, -f_s
    loss = _loss(mask, values, mu, (i_u, f_u, i_s, f_s), lam_i, lam_f)
    return BridgingResult(
        statement_ids=statements,
        participant_ids=participants,
        intercept=i_s,
        factor=f_s,
        participant_intercept=i_u,
        participant_factor=f_u,
        mu=mu,
        votes=count_s.astype(np.int64),
        iterations=iterations,
        converged=converged,
        loss=loss,
    )
