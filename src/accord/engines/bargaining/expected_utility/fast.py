"""The win-probability sums compiled with numba (the optional ``fast`` extra); numpy does the same without it.

One pass per issue: sort the voters, build the prefix sums of ``w_k loss[k, .]``,
then walk each row of pairs with two pointers (the midpoints of a row rise
with ``j`` in sorted order), so the sides cost O(n^2) instead of O(n^2 log n)
and no (n, n) index arrays are built. Set ``ACCORD_NUMBA=0`` to use numpy.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


@cache
def _compile() -> Callable[[Array, Array, Array, Array], None] | None:
    """The compiled kernel, made on first use (importing numba takes a while); None without numba."""
    if os.environ.get("ACCORD_NUMBA", "1") == "0":
        return None
    try:
        from numba import njit
    except ImportError:  # the fast extra is not installed
        return None

    def kernel(x: Any, w: Any, loss: Any, out: Any) -> None:  # pragma: no cover - compiled
        batch, n = x.shape
        prefix = np.zeros((n + 1, n))
        for b in range(batch):
            order = np.argsort(x[b], kind="mergesort")
            xs = x[b][order]
            for t in range(n):
                k = order[t]
                for a in range(n):
                    prefix[t + 1, a] = prefix[t, a] + w[b, k] * loss[b, k, a]
            for ii in range(n):
                i = order[ii]
                below = 0
                above = 0
                for jj in range(n):
                    j = order[jj]
                    mid = (xs[ii] + xs[jj]) / 2
                    while below < n and xs[below] < mid:
                        below += 1
                    while above < n and xs[above] <= mid:
                        above += 1
                    if xs[ii] < xs[jj]:
                        lo, hi = 0, below
                    elif xs[ii] > xs[jj]:
                        lo, hi = above, n
                    else:
                        out[b, i, j] = 0.0
                        continue
                    votes = (prefix[hi, j] - prefix[lo, j]) - (prefix[hi, i] - prefix[lo, i])
                    out[b, i, j] = votes if votes > 0.0 else 0.0

    compiled: Callable[[Array, Array, Array, Array], None] = njit(cache=True, nogil=True)(kernel)
    return compiled


def available() -> bool:
    """Whether the compiled kernel can be used."""
    return _compile() is not None


def numerators(x: Array, w: Array, loss: Array) -> Array | None:
    """The votes for ``i`` against ``j`` (B, n, n) with numba, or None when numba is not there."""
    kernel = _compile()
    if kernel is None:
        return None
    out = np.empty(loss.shape)
    kernel(np.ascontiguousarray(x), np.ascontiguousarray(w), np.ascontiguousarray(loss), out)
    return out
