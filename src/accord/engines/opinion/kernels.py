"""The few loops that dominate at scale: sparse products and k-means steps, with numba when it pays.

Small inputs use numpy (no compilation wait, and no scipy import); large ones use numba
(the ``fast`` extra) with parallel loops when it is installed. Parallel sums
are accumulated in a fixed number of chunks and added in chunk order, so the
bits of every result are the same whatever the number of threads: the
pipeline's determinism does not depend on the machine's core count.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np

from accord.engines.opinion import sparse
from accord.engines.opinion.sparse import CSR

#: Above this many stored votes (or points x centres) the numba kernels are used.
NUMBA_THRESHOLD = 4_000_000
#: Chunks of a parallel sum (fixed, so results do not depend on the thread count).
CHUNKS = 64


@cache
def _numba() -> dict[str, Callable[..., Any]] | None:
    """The compiled kernels, or None when numba is not installed."""
    try:
        from accord.engines.opinion import _numba_kernels as nk
    except ImportError:  # pragma: no cover - the fast extra is optional
        return None
    return {
        "gram_times": nk.gram_times,
        "sparse_times": nk.sparse_times,
        "sparse_t_times": nk.sparse_t_times,
        "assign": nk.assign,
        "cluster_sums": nk.cluster_sums,
        "vote_counts": nk.vote_counts,
        "lloyd": nk.lloyd,
    }


def _fast(size: int) -> dict[str, Callable[..., Any]] | None:
    return _numba() if size > NUMBA_THRESHOLD else None


def _rows(indptr: np.ndarray, matrix: CSR | None) -> np.ndarray:
    if matrix is not None:
        return matrix.row_ids()
    return np.repeat(np.arange(len(indptr) - 1, dtype=np.int64), np.diff(indptr))


def gram_times(indptr: np.ndarray, indices: np.ndarray, values: np.ndarray, basis: np.ndarray) -> np.ndarray:
    """``S.T @ (S @ basis)`` for the CSR matrix ``S`` given by its arrays."""
    fast = _fast(len(values))
    if fast is not None:
        return np.asarray(fast["gram_times"](indptr, indices, values, np.ascontiguousarray(basis)))
    rows = _rows(indptr, None)
    inner = sparse.times(indptr, indices, values, basis, rows)
    return sparse.t_times(indices, values, inner, rows, basis.shape[0])


def sparse_times(
    indptr: np.ndarray, indices: np.ndarray, values: np.ndarray, dense: np.ndarray, matrix: CSR | None = None
) -> np.ndarray:
    """``S @ dense`` for the CSR matrix ``S`` given by its arrays (``matrix``: the same, to reuse its row ids)."""
    fast = _fast(len(values))
    if fast is not None:
        return np.asarray(fast["sparse_times"](indptr, indices, values, np.ascontiguousarray(dense)))
    return sparse.times(indptr, indices, values, dense, _rows(indptr, matrix))


def sparse_t_times(
    indptr: np.ndarray,
    indices: np.ndarray,
    values: np.ndarray,
    dense: np.ndarray,
    n_cols: int,
    matrix: CSR | None = None,
) -> np.ndarray:
    """``S.T @ dense`` for the CSR matrix ``S`` (``n_cols`` columns) given by its arrays, without a transpose."""
    fast = _fast(len(values))
    if fast is not None:
        return np.asarray(fast["sparse_t_times"](indptr, indices, values, np.ascontiguousarray(dense), n_cols))
    return sparse.t_times(indices, values, dense, _rows(indptr, matrix), n_cols)


def assign(points: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """Index of the nearest centre (Euclidean; the first on a tie) for every point."""
    fast = _fast(points.shape[0] * centers.shape[0])
    if fast is not None:
        return np.asarray(fast["assign"](np.ascontiguousarray(points), np.ascontiguousarray(centers)))
    # argmin over centres of |c|^2 - 2 p.c (|p|^2 is the same for every centre): one matrix product
    labels = np.empty(points.shape[0], dtype=np.int64)
    norms = (centers**2).sum(axis=1)
    scaled = -2.0 * centers.T
    step = max(1, 2_000_000 // max(1, centers.shape[0]))
    for start in range(0, points.shape[0], step):
        block = points[start : start + step] @ scaled
        block += norms
        labels[start : start + step] = np.argmin(block, axis=1)
    return labels


def lloyd(points: np.ndarray, weights: np.ndarray, centers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One Lloyd step's assignment and sums: labels, and per centre [weighted sums..., weight, count]."""
    fast = _fast(points.shape[0] * centers.shape[0])
    if fast is not None:
        labels, sums = fast["lloyd"](np.ascontiguousarray(points), weights, np.ascontiguousarray(centers))
        return np.asarray(labels), np.asarray(sums)
    labels = assign(points, centers)
    sums = cluster_sums(points, weights, labels, centers.shape[0])
    counts = np.bincount(labels, minlength=centers.shape[0]).astype(np.float64)
    return labels, np.concatenate([sums, counts[:, None]], axis=1)


def cluster_sums(points: np.ndarray, weights: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Per cluster: the weighted sum of its points (columns 0..d-1) and its total weight (column d)."""
    fast = _fast(points.shape[0] * 8)
    if fast is not None:
        return np.asarray(fast["cluster_sums"](points, weights, labels, k))
    dim = points.shape[1]
    out = np.zeros((k, dim + 1))
    for c in range(dim):
        out[:, c] = np.bincount(labels, weights=weights * points[:, c], minlength=k)
    out[:, dim] = np.bincount(labels, weights=weights, minlength=k)
    return out


def vote_counts(votes: Any, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """Agree, disagree and seen counts, shape (3, n_groups, n_statements), over rows with ``groups >= 0``."""
    n_s = votes.shape[1]
    fast = _fast(votes.nnz) if n_groups * n_s * CHUNKS * 3 * 8 < 2**30 else None
    if fast is not None:
        return np.asarray(
            fast["vote_counts"](votes.indptr, votes.indices, votes.data, groups.astype(np.int64), n_groups, n_s)
        )
    member_rows = np.repeat(groups, np.diff(votes.indptr))
    keep = member_rows >= 0
    keys = member_rows[keep] * n_s + votes.indices[keep]
    data = votes.data[keep]
    size = n_groups * n_s
    out = np.empty((3, n_groups, n_s), dtype=np.int64)
    out[0] = np.bincount(keys[data > 0], minlength=size).reshape(n_groups, n_s)
    out[1] = np.bincount(keys[data < 0], minlength=size).reshape(n_groups, n_s)
    out[2] = np.bincount(keys, minlength=size).reshape(n_groups, n_s)
    return out
