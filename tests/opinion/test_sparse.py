"""accord's numpy-only CSR against scipy.sparse: same structure, same products (to the bit on the sparse loops)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp  # type: ignore[import-untyped, unused-ignore]

from accord.engines.opinion import sparse
from accord.engines.opinion.matrix import VoteMatrix
from accord.engines.opinion.sparse import CSR, as_csr, is_sparse


def _random(seed: int, shape: tuple[int, int] = (37, 11), density: float = 0.3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    dense = rng.integers(-1, 2, size=shape).astype(np.float64)
    dense[rng.random(shape) > density] = np.nan
    dense[0] = np.nan  # an empty row
    return dense


@pytest.mark.parametrize("dense_cells", [0, sparse.DENSE_CELLS])
def test_from_dense_and_products_match_scipy(dense_cells: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Sparse loops (no dense copy) give scipy's bits; the dense copy's BLAS products agree to rounding."""
    monkeypatch.setattr(sparse, "DENSE_CELLS", dense_cells)
    same = np.array_equal if dense_cells == 0 else lambda a, b: np.allclose(a, b, rtol=1e-13, atol=1e-13)
    dense = _random(1)
    seen = ~np.isnan(dense)
    ours = CSR.from_dense(np.nan_to_num(dense), seen)
    theirs = sp.csr_matrix(ours.to_scipy())
    assert ours.nnz == int(seen.sum()) and np.count_nonzero(ours.data == 0) > 0  # passes are kept
    assert np.array_equal(ours.toarray(), theirs.toarray())
    rng = np.random.default_rng(2)
    x, xs = rng.standard_normal(11), rng.standard_normal((11, 3))
    y, ys = rng.standard_normal(37), rng.standard_normal((37, 4))
    assert same(ours @ x, theirs @ x)
    assert same(ours @ xs, theirs @ xs)
    assert same(ours.T @ y, theirs.T @ y)
    assert same(ours.T @ ys, theirs.T @ ys)
    assert same(ours.gram(), (theirs.T @ theirs).toarray())
    assert np.array_equal(ours.sum(axis=1), np.asarray(theirs.sum(axis=1)).ravel())
    assert np.array_equal(ours.sum(axis=0), np.asarray(theirs.sum(axis=0)).ravel())


def test_selection_and_transpose_match_scipy() -> None:
    ours = CSR.from_dense(np.nan_to_num(_random(3)), ~np.isnan(_random(3)))
    theirs = ours.to_scipy()
    rows, cols = np.array([5, 0, 9, 9]), np.array([10, 2, 3])
    assert np.array_equal(ours.select_rows(rows).toarray(), theirs[rows].toarray())
    assert np.array_equal(ours.select_columns(cols).toarray(), theirs[:, cols].toarray())
    assert np.array_equal(ours.transpose().toarray(), theirs.T.toarray())
    assert ours.transpose().nnz == ours.nnz


def test_last_vote_wins_and_scipy_inputs_are_converted() -> None:
    built = CSR.from_triples(
        np.array([0, 1, 0, 0]), np.array([2, 0, 2, 1]), np.array([1, -1, -1, 0]), (2, 3), order=np.array([1, 1, 2, 0])
    )
    assert built.toarray(fill=9).tolist() == [[9, 0, -1], [-1, 9, 9]]  # (0, 2): the later vote, -1
    coo = sp.coo_matrix((np.array([1, 1, -1]), (np.array([1, 0, 1]), np.array([0, 2, 0]))), shape=(2, 3))
    assert is_sparse(coo) and is_sparse(built) and not is_sparse(np.zeros((2, 2)))
    converted = as_csr(coo)
    assert converted.toarray().tolist() == [[0, 0, 1], [0, 0, 0]]  # duplicates summed, as scipy does
    matrix = VoteMatrix(np.array([1, 2]), np.array([10, 20, 30]), built.to_scipy())
    assert isinstance(matrix.votes, CSR) and matrix.n_votes == 3
    with pytest.raises(ValueError, match="shape"):
        VoteMatrix(np.array([1]), np.array([10, 20, 30]), built)
