"""A small CSR sparse matrix on numpy alone, so that ``accord opinion`` never imports scipy.

Importing ``scipy.sparse`` costs about 0.15 s (it pulls in scipy's array-API
layer), more than the whole pipeline on a typical Pol.is conversation; the
opinion engine needs only a handful of operations, which are here:

* :class:`CSR`: ``indptr``, ``indices``, ``data`` and ``shape``, as in
  scipy's CSR; a stored entry is kept even when its value is 0 (a pass).
* building from (row, column, value) triples with the *last* of repeated
  pairs winning (:meth:`CSR.from_triples`), or from a dense array;
* row and column selection, the transpose, row and column counts and sums;
* products with dense vectors and matrices, ``S @ x``, ``S.T @ x`` and
  ``S.T @ S``. A matrix of at most :data:`DENSE_CELLS` cells (a Pol.is
  conversation: 1,921 x 197 for vtaiwan.uberx) keeps a dense float64 copy
  and multiplies with BLAS, some twenty times faster than any sparse loop in
  numpy at that size. Larger ones use ``np.bincount`` sums (which add the
  terms of each output one by one in storage order, as scipy's loops do) and,
  above :data:`~accord.engines.opinion.kernels.NUMBA_THRESHOLD` stored
  entries, the parallel numba kernels when numba is installed.

Public functions accept scipy sparse matrices as input: :func:`as_csr`
converts anything with ``tocsr`` (by duck typing, without importing scipy),
and :meth:`CSR.to_scipy` gives a scipy matrix to callers who want one.
"""

from __future__ import annotations

from typing import Any

import numpy as np

#: Up to this many cells (rows x columns, 32 MB as float64) products go through a dense copy.
DENSE_CELLS = 1 << 22


class CSR:
    """A compressed sparse row matrix: row ``i``'s entries are ``data[indptr[i]:indptr[i + 1]]``.

    Column indices are sorted within each row and unique (the canonical
    form); explicit zeros are kept (never eliminated).
    """

    __slots__ = ("_dense", "_rows", "data", "indices", "indptr", "shape")

    def __init__(self, indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, shape: tuple[int, int]) -> None:
        self.indptr = np.asarray(indptr)
        self.indices = np.asarray(indices)
        self.data = np.asarray(data)
        self.shape = (int(shape[0]), int(shape[1]))
        self._rows: np.ndarray | None = None
        self._dense: np.ndarray | None = None
        if len(self.indptr) != self.shape[0] + 1:
            raise ValueError(f"indptr has {len(self.indptr)} entries for {self.shape[0]} rows")
        if len(self.indices) != len(self.data):
            raise ValueError("indices and data must have the same length")

    # -- construction ---------------------------------------------------------------------------

    @classmethod
    def empty(cls, shape: tuple[int, int], dtype: Any = np.int8) -> CSR:
        """A matrix with no stored entries."""
        return cls(np.zeros(shape[0] + 1, dtype=np.int32), np.zeros(0, np.int32), np.zeros(0, dtype), shape)

    @classmethod
    def from_triples(
        cls,
        rows: np.ndarray,
        cols: np.ndarray,
        values: np.ndarray,
        shape: tuple[int, int],
        order: np.ndarray | None = None,
        dtype: Any = np.int8,
    ) -> CSR:
        """From parallel arrays, keeping the *last* of repeated (row, column) pairs.

        "Last" follows ``order`` (e.g. a timestamp) and then the position in the
        input, so a re-vote replaces the earlier vote, as in Pol.is. Explicit zeros
        (passes) are kept.
        """
        rows, cols = np.asarray(rows), np.asarray(cols)
        n = len(rows)
        position = np.arange(n, dtype=np.int64)
        keys: tuple[np.ndarray, ...] = (position,) if order is None else (position, order)
        sort = np.lexsort((*keys, cols, rows))
        r, c = rows[sort], cols[sort]
        last = np.ones(n, dtype=bool)
        if n > 1:
            last[:-1] = (r[1:] != r[:-1]) | (c[1:] != c[:-1])
        r, c, v = r[last], c[last], np.asarray(values)[sort][last].astype(dtype)
        indptr = np.zeros(shape[0] + 1, dtype=np.int64)
        np.cumsum(np.bincount(r, minlength=shape[0]), out=indptr[1:])
        index_dtype = _index_dtype(shape[1], len(c))
        return cls(indptr.astype(index_dtype), c.astype(index_dtype), v, shape)

    @classmethod
    def from_dense(cls, dense: np.ndarray, observed: np.ndarray | None = None) -> CSR:
        """The entries of ``dense`` where ``observed`` is true (default: where ``dense`` is nonzero)."""
        dense = np.asarray(dense)
        if dense.ndim != 2:
            raise ValueError(f"expected a 2-d array, got shape {dense.shape}")
        where = dense != 0 if observed is None else np.asarray(observed, dtype=bool)
        if where.shape != dense.shape:
            raise ValueError(f"values {dense.shape} and mask {where.shape} must have the same shape")
        rows, cols = np.nonzero(where)
        indptr = np.zeros(dense.shape[0] + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=dense.shape[0]), out=indptr[1:])
        index_dtype = _index_dtype(dense.shape[1], len(cols))
        return cls(indptr.astype(index_dtype), cols.astype(index_dtype), dense[rows, cols], dense.shape)

    # -- properties -----------------------------------------------------------------------------

    @property
    def nnz(self) -> int:
        """Number of stored entries (explicit zeros included)."""
        return len(self.data)

    @property
    def dtype(self) -> np.dtype[Any]:
        return self.data.dtype

    @property
    def T(self) -> TransposedCSR:  # noqa: N802  (scipy's and numpy's name)
        """A view that multiplies by the transpose without building it (see :meth:`transpose`)."""
        return TransposedCSR(self)

    def row_ids(self) -> np.ndarray:
        """The row of every stored entry (computed once)."""
        if self._rows is None:
            self._rows = np.repeat(np.arange(self.shape[0], dtype=np.int64), np.diff(self.indptr))
        return self._rows

    def dense_copy(self) -> np.ndarray | None:
        """A float64 dense copy (0 where nothing is stored) when the matrix is small enough, else None.

        Made once and kept: the matrix is never modified in place.
        """
        if self._dense is None and self.shape[0] * self.shape[1] <= DENSE_CELLS:
            out = np.zeros(self.shape)
            out[self.row_ids(), self.indices] = self.data
            self._dense = out
        return self._dense

    def row_counts(self) -> np.ndarray:
        """Stored entries per row."""
        return np.asarray(np.diff(self.indptr), dtype=np.int64)

    def column_counts(self) -> np.ndarray:
        """Stored entries per column."""
        return np.bincount(self.indices, minlength=self.shape[1]).astype(np.int64)

    def sum(self, axis: int | None = None) -> Any:
        """Sum of the entries: all (a float), per row (``axis=1``) or per column (``axis=0``), as float64."""
        weights = self.data.astype(np.float64)
        if axis is None:
            return float(weights.sum())
        if axis == 1:
            return np.bincount(self.row_ids(), weights=weights, minlength=self.shape[0])
        if axis == 0:
            return np.bincount(self.indices, weights=weights, minlength=self.shape[1])
        raise ValueError(f"axis must be None, 0 or 1, not {axis}")

    # -- derived matrices -----------------------------------------------------------------------

    def with_data(self, data: np.ndarray) -> CSR:
        """The same structure (shared index arrays) with other values."""
        out = CSR(self.indptr, self.indices, data, self.shape)
        out._rows = self._rows
        return out

    def astype(self, dtype: Any) -> CSR:
        """The values as ``dtype`` (index arrays shared; no copy when the type is already right)."""
        return self if self.data.dtype == np.dtype(dtype) else self.with_data(self.data.astype(dtype))

    def copy(self) -> CSR:
        return CSR(self.indptr.copy(), self.indices.copy(), self.data.copy(), self.shape)

    def toarray(self, fill: Any = 0) -> np.ndarray:
        """A dense copy with ``fill`` in the cells that store nothing."""
        dtype = np.result_type(self.data.dtype, np.asarray(fill).dtype)
        out = np.full(self.shape, fill, dtype=dtype)
        out[self.row_ids(), self.indices] = self.data
        return out

    def select_rows(self, rows: np.ndarray) -> CSR:
        """The given rows (indices or a boolean mask), in the order given."""
        chosen = np.flatnonzero(rows) if np.asarray(rows).dtype == bool else np.asarray(rows, dtype=np.int64)
        starts, counts = self.indptr[chosen].astype(np.int64), np.diff(self.indptr)[chosen].astype(np.int64)
        indptr = np.zeros(len(chosen) + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        take = np.repeat(starts - indptr[:-1], counts) + np.arange(indptr[-1], dtype=np.int64)
        return CSR(indptr.astype(self.indptr.dtype), self.indices[take], self.data[take], (len(chosen), self.shape[1]))

    def select_columns(self, columns: np.ndarray) -> CSR:
        """The given columns (indices or a boolean mask), renumbered in the order given.

        Columns must not repeat; rows stay canonical (sorted column indices).
        """
        chosen = np.flatnonzero(columns) if np.asarray(columns).dtype == bool else np.asarray(columns, np.int64)
        new = np.full(self.shape[1], -1, dtype=np.int64)
        new[chosen] = np.arange(len(chosen))
        mapped = new[self.indices]
        keep = mapped >= 0
        rows, cols, data = self.row_ids()[keep], mapped[keep], self.data[keep]
        order = np.lexsort((cols, rows))
        indptr = np.zeros(self.shape[0] + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=self.shape[0]), out=indptr[1:])
        index_dtype = _index_dtype(len(chosen), len(cols))
        return CSR(
            indptr.astype(index_dtype), cols[order].astype(index_dtype), data[order], (self.shape[0], len(chosen))
        )

    def transpose(self) -> CSR:
        """The transpose as a CSR matrix of its own (rows in order within each column)."""
        order = np.argsort(self.indices, kind="stable")
        indptr = np.zeros(self.shape[1] + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.indices, minlength=self.shape[1]), out=indptr[1:])
        index_dtype = _index_dtype(self.shape[0], self.nnz)
        return CSR(
            indptr.astype(index_dtype),
            self.row_ids()[order].astype(index_dtype),
            self.data[order],
            (self.shape[1], self.shape[0]),
        )

    def values_at(self, other: CSR) -> np.ndarray:
        """This matrix's values at ``other``'s stored positions (0 where this one stores nothing)."""
        if other.shape != self.shape:
            raise ValueError(f"shapes {self.shape} and {other.shape} differ")
        width = np.int64(max(self.shape[1], 1))
        mine = self.row_ids() * width + self.indices
        theirs = other.row_ids() * width + other.indices
        out = np.zeros(other.nnz, dtype=self.data.dtype)
        if self.nnz == 0 or other.nnz == 0:
            return out
        pos = np.clip(np.searchsorted(mine, theirs), 0, self.nnz - 1)
        hit = mine[pos] == theirs
        out[hit] = self.data[pos[hit]]
        return out

    # -- products -------------------------------------------------------------------------------

    def __matmul__(self, other: Any) -> np.ndarray:
        """``S @ x`` for a dense vector or matrix ``x``, as float64."""
        from accord.engines.opinion import kernels

        dense = np.asarray(other, dtype=np.float64)
        if dense.shape[0] != self.shape[1]:
            raise ValueError(f"shapes {self.shape} and {dense.shape} do not align")
        full = self.dense_copy()
        if full is not None:
            return np.asarray(full @ dense)
        block = dense[:, None] if dense.ndim == 1 else dense
        out = kernels.sparse_times(self.indptr, self.indices, self.data, block, self)
        return out[:, 0] if dense.ndim == 1 else out

    def rmatmul_t(self, other: Any) -> np.ndarray:
        """``S.T @ x`` for a dense vector or matrix ``x``, as float64, without building the transpose."""
        from accord.engines.opinion import kernels

        dense = np.asarray(other, dtype=np.float64)
        if dense.shape[0] != self.shape[0]:
            raise ValueError(f"shapes {self.shape[::-1]} and {dense.shape} do not align")
        full = self.dense_copy()
        if full is not None:
            return np.asarray(full.T @ dense)
        block = dense[:, None] if dense.ndim == 1 else dense
        out = kernels.sparse_t_times(self.indptr, self.indices, self.data, block, self.shape[1], self)
        return out[:, 0] if dense.ndim == 1 else out

    def gram(self) -> np.ndarray:
        """``S.T @ S`` as a dense (columns x columns) array.

        With BLAS on the dense copy when there is one; otherwise every row adds
        the outer product of its entries, the pairs summed by ``np.bincount`` in
        row order, as scipy's sparse product does, a block of rows at a time so
        that memory stays bounded.
        """
        full = self.dense_copy()
        if full is not None:
            return np.asarray(full.T @ full)
        n_s = self.shape[1]
        out = np.zeros(n_s * n_s)
        counts = np.diff(self.indptr).astype(np.int64)
        pairs_per_row = counts * counts
        budget = 4_000_000
        data = self.data.astype(np.float64)
        indices = self.indices.astype(np.int64)
        start = 0
        cumulative = np.concatenate(([0], np.cumsum(pairs_per_row)))
        while start < self.shape[0]:
            stop = int(np.searchsorted(cumulative, cumulative[start] + budget, side="right")) - 1
            stop = min(max(stop, start + 1), self.shape[0])
            lo, hi = int(self.indptr[start]), int(self.indptr[stop])
            if hi > lo:
                k = counts[start:stop]
                entry_k = np.repeat(k, k)  # per stored entry: the length of its row
                row_start = np.repeat(self.indptr[start:stop].astype(np.int64) - lo, k)
                left = np.repeat(np.arange(hi - lo, dtype=np.int64), entry_k)
                first = np.repeat(row_start, entry_k)
                offsets = np.arange(len(left), dtype=np.int64) - np.repeat(np.cumsum(entry_k) - entry_k, entry_k)
                right = first + offsets
                block_idx, block_data = indices[lo:hi], data[lo:hi]
                out += np.bincount(
                    block_idx[left] * n_s + block_idx[right],
                    weights=block_data[left] * block_data[right],
                    minlength=n_s * n_s,
                )
            start = stop
        return out.reshape(n_s, n_s)

    def to_scipy(self) -> Any:
        """This matrix as a ``scipy.sparse.csr_matrix`` (imports scipy)."""
        import scipy.sparse as sp  # type: ignore[import-untyped, unused-ignore]

        return sp.csr_matrix((self.data, self.indices, self.indptr), shape=self.shape)

    def __repr__(self) -> str:
        return f"CSR(shape={self.shape}, nnz={self.nnz}, dtype={self.data.dtype})"


class TransposedCSR:
    """``S.T`` for products: ``S.T @ x`` scatters into the columns of ``S`` (nothing is copied)."""

    __slots__ = ("base",)

    def __init__(self, base: CSR) -> None:
        self.base = base

    @property
    def shape(self) -> tuple[int, int]:
        return (self.base.shape[1], self.base.shape[0])

    @property
    def T(self) -> CSR:  # noqa: N802
        return self.base

    def __matmul__(self, other: Any) -> np.ndarray:
        return self.base.rmatmul_t(other)


def is_sparse(value: Any) -> bool:
    """True for a :class:`CSR` and for scipy sparse matrices and arrays (by duck typing: no scipy import)."""
    return isinstance(value, CSR) or (hasattr(value, "tocsr") and hasattr(value, "nnz"))


def as_csr(value: Any, dtype: Any = None) -> CSR:
    """``value`` as a canonical :class:`CSR`: itself, a converted scipy matrix, or a dense array's nonzeros.

    A scipy matrix is converted with its own methods (duplicates summed,
    indices sorted; explicit zeros kept), so scipy is never imported here.
    """
    if isinstance(value, CSR):
        out = value
    elif hasattr(value, "tocsr") and hasattr(value, "nnz"):
        csr = value.tocsr()
        if not getattr(csr, "has_canonical_format", True):
            csr = csr.copy()
            csr.sum_duplicates()
        out = CSR(np.asarray(csr.indptr), np.asarray(csr.indices), np.asarray(csr.data), tuple(csr.shape))
    else:
        out = CSR.from_dense(np.asarray(value))
    return out if dtype is None else out.astype(dtype)


def times(indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, dense: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``S @ dense`` with numpy: one ``bincount`` per column of ``dense`` (``rows``: each entry's row)."""
    n_rows = len(indptr) - 1
    weights = data.astype(np.float64, copy=False)
    out = np.empty((n_rows, dense.shape[1]))
    columns = np.ascontiguousarray(dense.T)
    for c in range(dense.shape[1]):
        out[:, c] = np.bincount(rows, weights=weights * columns[c][indices], minlength=n_rows)
    return out


def t_times(indices: np.ndarray, data: np.ndarray, dense: np.ndarray, rows: np.ndarray, n_cols: int) -> np.ndarray:
    """``S.T @ dense`` with numpy: one ``bincount`` per column of ``dense``, summed in row order."""
    weights = data.astype(np.float64, copy=False)
    out = np.empty((n_cols, dense.shape[1]))
    columns = np.ascontiguousarray(dense.T)
    for c in range(dense.shape[1]):
        out[:, c] = np.bincount(indices, weights=weights * columns[c][rows], minlength=n_cols)
    return out


def _index_dtype(n_cols: int, nnz: int) -> Any:
    return np.int32 if max(n_cols, nnz) < 2**31 else np.int64
