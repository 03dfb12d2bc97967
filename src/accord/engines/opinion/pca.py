"""Mean imputation, two principal components and Pol.is's sparsity-aware projection.

Pol.is (Small et al. 2021; the math component's ``pca.clj`` and
``conversation.clj``) fills every unseen cell with its statement's mean vote,
centres the columns and finds two principal components (by power iteration).
After mean imputation the centred matrix is zero wherever a participant did not
vote, so it is exactly the sparse matrix of ``vote - statement mean`` over the
seen cells: no dense matrix is ever needed, which is what lets this scale to a
million participants. The components are computed exactly (an eigen-solver
on the small statements x statements Gram matrix, or, for many statements, a
blocked subspace iteration run to convergence from a fixed start), so the
result is the same on every run; each component's sign is fixed so that its
largest entry is positive.

A participant is projected from the statements they voted on only, and the
projection is pushed out by ``sqrt(n_statements / n_votes)``, Pol.is's
correction for the shrinkage towards the centre that sparse voting causes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

#: Above this many statements the Gram matrix is not formed; subspace iteration is used instead.
GRAM_LIMIT = 2000


@dataclass(frozen=True)
class Projection:
    """The PCA of a vote matrix: column means, two components, participant and statement coordinates."""

    center: np.ndarray
    """Mean vote of each statement over those who saw it (0 for a statement nobody saw)."""
    components: np.ndarray
    """Shape (2, n_statements), orthonormal rows."""
    participants: np.ndarray
    """Shape (n_participants, 2): the scaled sparsity-aware projection."""
    statements: np.ndarray
    """Shape (n_statements, 2): where a lone agree on the statement would project (Pol.is's comment projection)."""
    extremity: np.ndarray
    """Length of each statement's projection: how far an agree with it moves a participant from the centre."""


def column_means(votes: Any) -> np.ndarray:
    """Mean of the seen votes of each statement (0 where nobody voted), as Pol.is imputes them."""
    n_s = votes.shape[1]
    counts = np.bincount(votes.indices, minlength=n_s)
    sums = np.bincount(votes.indices, weights=votes.data.astype(np.float64), minlength=n_s)
    return np.divide(sums, counts, out=np.zeros(n_s), where=counts > 0)


def centred_values(votes: Any, center: np.ndarray) -> np.ndarray:
    """The stored values of the centred, mean-imputed matrix (same sparsity as ``votes``)."""
    return np.asarray(votes.data.astype(np.float64) - center[votes.indices])


def _fix_signs(components: np.ndarray) -> np.ndarray:
    for i in range(components.shape[0]):
        if components.shape[1] and components[i, np.argmax(np.abs(components[i]))] < 0:
            components[i] *= -1.0
    return components


def _gram_components(votes: Any, values: np.ndarray, n_components: int) -> np.ndarray:
    from accord.engines.opinion.sparse import CSR

    gram = CSR(votes.indptr, votes.indices, values, votes.shape).gram()
    eigenvalues, eigenvectors = np.linalg.eigh(gram)
    order = np.argsort(-eigenvalues, kind="stable")[:n_components]
    return np.ascontiguousarray(eigenvectors[:, order].T)


def _subspace_components(
    votes: Any, values: np.ndarray, n_components: int, tol: float = 1e-9, max_iter: int = 300
) -> np.ndarray:
    """Top right singular vectors by blocked subspace iteration with Rayleigh-Ritz, from a fixed start.

    One pass over the votes per iteration: ``Y = S^T S Q``, the Ritz rotation
    from ``Q^T Y``, then ``Q = qr(Y)``; it stops when the leading Ritz vectors
    move by less than ``tol``.
    """
    from accord.engines.opinion import kernels

    n_s = votes.shape[1]
    block = min(n_s, n_components + 3)
    rng = np.random.default_rng(20210101)
    basis, _ = np.linalg.qr(rng.standard_normal((n_s, block)))
    previous = np.zeros((n_s, n_components))
    for _ in range(max_iter):
        product = kernels.gram_times(votes.indptr, votes.indices, values, basis)
        small = basis.T @ product
        eigenvalues, rotation = np.linalg.eigh((small + small.T) / 2)
        rotation = rotation[:, np.argsort(-eigenvalues, kind="stable")]
        current = _fix_signs((basis @ rotation)[:, :n_components].T.copy()).T
        basis, _ = np.linalg.qr(product @ rotation)
        if np.max(np.abs(current - previous)) < tol:
            previous = current
            break
        previous = current
    return np.ascontiguousarray(previous.T)


def principal_components(votes: Any, center: np.ndarray, n_components: int = 2) -> np.ndarray:
    """The first ``n_components`` principal axes of the mean-imputed vote matrix, shape (k, n_statements)."""
    n_p, n_s = votes.shape
    components = np.zeros((n_components, n_s))
    if n_s == 0 or n_p == 0:
        return components
    values = centred_values(votes, center)
    k = min(n_components, n_s, n_p)
    found = _gram_components(votes, values, k) if n_s <= GRAM_LIMIT else _subspace_components(votes, values, k)
    components[:k] = found
    return _fix_signs(components)


def project(
    votes: Any,
    center: np.ndarray,
    components: np.ndarray,
    n_columns: int | None = None,
    extra_votes: np.ndarray | int = 0,
) -> np.ndarray:
    """Pol.is's sparsity-aware projection of every participant, scaled by ``sqrt(n_columns / n_votes)``.

    ``n_columns`` (default: the statements) and ``extra_votes`` let a caller
    count columns that carry no information, as Pol.is does for statements it
    moderated out (zeroed columns that every participant has "voted" 0 on).
    """
    from accord.engines.opinion import kernels

    n_s = votes.shape[1]
    values = centred_values(votes, center)
    rows = votes if hasattr(votes, "row_ids") else None
    raw = kernels.sparse_times(votes.indptr, votes.indices, values, np.ascontiguousarray(components.T), rows)
    n_votes = np.diff(votes.indptr) + extra_votes
    scale = np.sqrt((n_s if n_columns is None else n_columns) / np.maximum(n_votes, 1))
    return np.asarray(raw * scale[:, None])


def statement_projection(center: np.ndarray, components: np.ndarray, n_columns: int | None = None) -> np.ndarray:
    """Where a participant agreeing with one statement only would land (Pol.is's comment projection)."""
    n_s = center.shape[0]
    n = n_s if n_columns is None else n_columns
    return np.asarray(((1.0 - center)[:, None] * components.T) * np.sqrt(n))


def fit_projection(votes: Any, n_columns: int | None = None, extra_votes: np.ndarray | int = 0) -> Projection:
    """Centre, find two components, and project participants and statements (see the module docstring)."""
    from accord.engines.opinion.sparse import as_csr

    votes = as_csr(votes)
    center = column_means(votes)
    components = principal_components(votes, center)
    participants = project(votes, center, components, n_columns, extra_votes)
    statements = statement_projection(center, components, n_columns)
    return Projection(
        center=center,
        components=components,
        participants=participants,
        statements=statements,
        extremity=np.sqrt(np.sum(statements**2, axis=1)),
    )
