"""numba versions of the kernels in :mod:`accord.engines.opinion.kernels` (imported only when numba is).

Every parallel sum goes through ``CHUNKS`` fixed chunks added in order, so the
result does not depend on the number of threads.
"""

# mypy: disable-error-code="untyped-decorator, misc"

from __future__ import annotations

from typing import Any

import numba  # type: ignore[import-untyped, unused-ignore]
import numpy as np

CHUNKS = 64
_jit = numba.njit(parallel=True, cache=True, fastmath=False)


@_jit
def gram_times(indptr: Any, indices: Any, values: Any, basis: Any) -> Any:  # pragma: no cover - compiled
    n_rows = indptr.shape[0] - 1
    n_cols, width = basis.shape
    buffers = np.zeros((CHUNKS, n_cols, width))
    step = (n_rows + CHUNKS - 1) // CHUNKS
    for chunk in numba.prange(CHUNKS):
        out = buffers[chunk]
        row_sum = np.zeros(width)
        for i in range(chunk * step, min(n_rows, (chunk + 1) * step)):
            for c in range(width):
                row_sum[c] = 0.0
            for p in range(indptr[i], indptr[i + 1]):
                v, j = values[p], indices[p]
                for c in range(width):
                    row_sum[c] += v * basis[j, c]
            for p in range(indptr[i], indptr[i + 1]):
                v, j = values[p], indices[p]
                for c in range(width):
                    out[j, c] += v * row_sum[c]
    total = np.zeros((n_cols, width))
    for chunk in range(CHUNKS):
        total += buffers[chunk]
    return total


@_jit
def sparse_times(indptr: Any, indices: Any, values: Any, dense: Any) -> Any:  # pragma: no cover - compiled
    n_rows = indptr.shape[0] - 1
    out = np.zeros((n_rows, dense.shape[1]))
    width = dense.shape[1]
    for i in numba.prange(n_rows):
        for p in range(indptr[i], indptr[i + 1]):
            v, j = values[p], indices[p]
            for c in range(width):
                out[i, c] += v * dense[j, c]
    return out


@_jit
def sparse_t_times(indptr: Any, indices: Any, values: Any, dense: Any, n_cols: int) -> Any:  # pragma: no cover
    n_rows = indptr.shape[0] - 1
    width = dense.shape[1]
    buffers = np.zeros((CHUNKS, n_cols, width))
    step = (n_rows + CHUNKS - 1) // CHUNKS
    for chunk in numba.prange(CHUNKS):
        out = buffers[chunk]
        for i in range(chunk * step, min(n_rows, (chunk + 1) * step)):
            for p in range(indptr[i], indptr[i + 1]):
                v, j = values[p], indices[p]
                for c in range(width):
                    out[j, c] += v * dense[i, c]
    total = np.zeros((n_cols, width))
    for chunk in range(CHUNKS):
        total += buffers[chunk]
    return total


@_jit
def assign(points: Any, centers: Any) -> Any:  # pragma: no cover - compiled
    n, k = points.shape[0], centers.shape[0]
    labels = np.empty(n, dtype=np.int64)
    for i in numba.prange(n):
        best, best_d = 0, np.inf
        for j in range(k):
            d = 0.0
            for c in range(points.shape[1]):
                diff = points[i, c] - centers[j, c]
                d += diff * diff
            if d < best_d:
                best, best_d = j, d
        labels[i] = best
    return labels


@_jit
def lloyd(points: Any, weights: Any, centers: Any) -> Any:  # pragma: no cover - compiled
    n, dim = points.shape
    k = centers.shape[0]
    labels = np.empty(n, dtype=np.int64)
    buffers = np.zeros((CHUNKS, k, dim + 2))
    step = (n + CHUNKS - 1) // CHUNKS
    for chunk in numba.prange(CHUNKS):
        for i in range(chunk * step, min(n, (chunk + 1) * step)):
            best, best_d = 0, np.inf
            for j in range(k):
                d = 0.0
                for c in range(dim):
                    diff = points[i, c] - centers[j, c]
                    d += diff * diff
                if d < best_d:
                    best, best_d = j, d
            labels[i] = best
            w = weights[i]
            for c in range(dim):
                buffers[chunk, best, c] += w * points[i, c]
            buffers[chunk, best, dim] += w
            buffers[chunk, best, dim + 1] += 1.0
    total = np.zeros((k, dim + 2))
    for chunk in range(CHUNKS):
        total += buffers[chunk]
    return labels, total


@_jit
def cluster_sums(points: Any, weights: Any, labels: Any, k: int) -> Any:  # pragma: no cover - compiled
    n, dim = points.shape
    buffers = np.zeros((CHUNKS, k, dim + 1))
    step = (n + CHUNKS - 1) // CHUNKS
    for chunk in numba.prange(CHUNKS):
        for i in range(chunk * step, min(n, (chunk + 1) * step)):
            w = weights[i]
            for c in range(dim):
                buffers[chunk, labels[i], c] += w * points[i, c]
            buffers[chunk, labels[i], dim] += w
    total = np.zeros((k, dim + 1))
    for chunk in range(CHUNKS):
        total += buffers[chunk]
    return total


@_jit
def vote_counts(
    indptr: Any, indices: Any, data: Any, groups: Any, n_groups: int, n_cols: int
) -> Any:  # pragma: no cover
    n_rows = indptr.shape[0] - 1
    buffers = np.zeros((CHUNKS, 3, n_groups, n_cols), dtype=np.int64)
    step = (n_rows + CHUNKS - 1) // CHUNKS
    for chunk in numba.prange(CHUNKS):
        for i in range(chunk * step, min(n_rows, (chunk + 1) * step)):
            g = groups[i]
            if g < 0:
                continue
            for p in range(indptr[i], indptr[i + 1]):
                j = indices[p]
                buffers[chunk, 2, g, j] += 1
                if data[p] > 0:
                    buffers[chunk, 0, g, j] += 1
                elif data[p] < 0:
                    buffers[chunk, 1, g, j] += 1
    total = np.zeros((3, n_groups, n_cols), dtype=np.int64)
    for chunk in range(CHUNKS):
        total += buffers[chunk]
    return total
