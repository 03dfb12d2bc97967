"""Optional numba kernels for the O(n^3) parts of the SMP: challenge estimates and coalitions.

numba is an optional extra (``accord[fast]``); without it the numpy versions in
``challenge`` and ``pce`` run instead, with the same results up to round-off.
These kernels compute each utility on the fly from the (n, n) distance and
perceived-risk matrices, so memory stays O(n^2), and they add votes in KTAB's own
order (actor by actor), as KTAB's ``probEduChlg`` and ``Model::coalitions`` do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from accord.engines.bargaining.problem import ModelInputError
from accord.engines.bargaining.spatial.kernels import Array

try:  # pragma: no cover - depends on the environment
    import numba
except ImportError:  # pragma: no cover
    numba = None  # type: ignore[assignment]

AVAILABLE = numba is not None
#: Below this many inner steps a parallel launch costs more than it saves (and thrashes on a busy machine).
_PARALLEL_VOTES = 8_000_000
Index = NDArray[np.intp]
RULES = {"Binary": 0, "PropBin": 1, "Prop": 2, "PropCbc": 3, "Cubic": 4, "ASymProsp": 5}
COMMITS = {"NoCommit": 0, "SemiCommit": 1, "FullCommit": 2}


def use_numba(backend: str) -> bool:
    """Whether to run the numba kernels: ``auto`` when numba is installed, ``numba`` always, ``numpy`` never."""
    if backend == "numpy":
        return False
    if backend == "numba" and not AVAILABLE:
        raise ModelInputError("backend is 'numba' but numba is not installed (pip install 'accord[fast]')")
    return AVAILABLE


def _jit(parallel: bool = False) -> Callable[[Any], Any]:
    def wrap(function: Any) -> Any:
        if numba is None:  # pragma: no cover
            return function
        return numba.njit(cache=True, parallel=parallel, fastmath=False)(function)

    return wrap


@_jit()
def _vote(rule: int, w: float, du: float) -> float:  # pragma: no cover - compiled
    if rule == 2:
        return w * du
    if rule == 4:
        return w * (du * du * du)
    if rule == 3:
        return w * ((1 - 0.5) * du + 0.5 * (du * du * du))
    if rule == 5:
        if du < 0.0:
            return w * du
        return (2.0 * w * du) / 3.0
    r = du / 1e-8
    r = min(max(r, -1.0), 1.0)
    if rule == 0:
        return w * r
    return w * ((1 - 0.2) * du + 0.2 * r)


@_jit()
def _util(d: float, r: float) -> float:  # pragma: no cover - compiled
    if d <= 1.0:
        return (1.0 - d) * (1.0 + d * r)
    return (1.0 - d) * (1.0 + r)


@_jit()
def _own_sides(own_i: float, own_j: float) -> tuple[float, float]:  # pragma: no cover - compiled
    """The two sides' strengths from the contestants' own votes, each on the side it favours (from 1e-10)."""
    si = 1e-10
    sj = 1e-10
    if own_i > 0.0:
        si = si + own_i
    if own_i < 0.0:
        sj = sj - own_i
    if own_j > 0.0:
        si = si + own_j
    if own_j < 0.0:
        sj = sj - own_j
    return si, sj


@_jit()
def _third_party_vote(  # pragma: no cover - compiled
    rule: int, clout: float, commit: int, uni: float, unj: float, unn: float, base_i: float, base_j: float
) -> float:
    """A third party's vote between initiator i and target j, given the two sides' support so far.

    The third party first leans by its own preference, which sets the chance each side wins;
    its vote is then the expected utility of joining i against that of joining j, with the
    commitment rule (KTAB's thirdPartyCommit: 1 semi, 2 full, else none) fixing what each
    outcome is worth to it.
    """
    lean = _vote(rule, clout, uni - unj)
    side_i = base_i + lean if lean > 0.0 else base_i
    side_j = base_j - lean if lean < 0.0 else base_j
    p_in = side_i / (side_i + side_j)
    p_jn = 1.0 - p_in
    if commit == 1:
        a, c, e, f = uni + uni + unn, unj + unj + unj, uni + uni + uni, unj + unj + unn
    elif commit == 2:
        a, c, e, f = uni + uni + uni, unj + unj + unj, uni + uni + uni, unj + unj + unj
    else:
        a, c, e, f = uni + uni + unn, unj + unj + unn, uni + uni + unn, unj + unj + unn
    return float(_vote(rule, clout, (p_in * a + p_jn * c) - (p_in * e + p_jn * f)))


@_jit()
def _third_parties(  # pragma: no cover - compiled
    dist: Array, risk: Array, clout: Array, h: int, i: int, j: int, rule: int, commit: int, si: float, sj: float
) -> tuple[float, float]:
    """Add every third party's vote in (i:j), as h sees it, to the two sides' strengths."""
    base_i, base_j = si, sj
    for m in range(dist.shape[0]):
        if m == i or m == j:  # noqa: PLR1714, SIM109 - numba
            continue
        rm = risk[h, m]
        uni = _util(dist[m, i], rm)
        unj = _util(dist[m, j], rm)
        unn = _util(dist[m, m], rm)
        v = _third_party_vote(rule, clout[m], commit, uni, unj, unn, base_i, base_j)
        if v > 0.0:
            si = si + v
        if v < 0.0:
            sj = sj - v
    return si, sj


@_jit()
def _estimate_one(  # pragma: no cover - compiled
    b: int,
    dist: Array,
    risk: Array,
    clout: Array,
    resolve: Array,
    hs: Index,
    ks: Index,
    is_: Index,
    js: Index,
    rule: int,
    commit: int,
    prob: Array,
    gain: Array,
) -> None:
    """Batch entry b: h's estimate of P(i beats j) and of k's gain from i challenging j."""
    h, k, i, j = hs[b], ks[b], is_[b], js[b]
    own_i = _vote(rule, clout[i], _util(dist[i, i], risk[h, i]) - _util(dist[i, j], risk[h, i]))
    own_j = _vote(rule, clout[j], _util(dist[j, i], risk[h, j]) - _util(dist[j, j], risk[h, j]))
    si, sj = _own_sides(own_i, own_j)
    si, sj = _third_parties(dist, risk, clout, h, i, j, rule, commit, si, sj)
    uki = _util(dist[k, i], risk[h, k])
    ukj = _util(dist[k, j], risk[h, k])
    p_ij = si / (si + sj)
    p_ji = sj / (si + sj)
    s = resolve[j]
    contest = p_ij * (uki + uki) + p_ji * (ukj + ukj)
    prob[b] = p_ij
    gain[b] = ((1 - s) * (uki + uki) + s * contest) - (uki + ukj)


@_jit()
def _estimates_serial(  # pragma: no cover - compiled
    dist: Array, risk: Array, clout: Array, resolve: Array, hs: Index, ks: Index, is_: Index, js: Index,
    rule: int, commit: int, prob: Array, gain: Array,
) -> None:  # fmt: skip
    for b in range(hs.size):
        _estimate_one(b, dist, risk, clout, resolve, hs, ks, is_, js, rule, commit, prob, gain)


@_jit(parallel=True)
def _estimates_parallel(  # pragma: no cover - compiled
    dist: Array, risk: Array, clout: Array, resolve: Array, hs: Index, ks: Index, is_: Index, js: Index,
    rule: int, commit: int, prob: Array, gain: Array,
) -> None:  # fmt: skip
    for b in numba.prange(hs.size):
        _estimate_one(b, dist, risk, clout, resolve, hs, ks, is_, js, rule, commit, prob, gain)


@_jit()
def _best_row(  # pragma: no cover - compiled
    i: int, dist: Array, risk: Array, clout: Array, resolve: Array, rule: int, commit: int, prob: Array, gain: Array
) -> None:
    """Initiator i's own estimates of each challenge it could make."""
    n = dist.shape[0]
    u = np.empty((n, n))  # u[a, b]: i's estimate of a's utility for b's position
    for a in range(n):
        for b in range(n):
            u[a, b] = _util(dist[a, b], risk[i, a])
    for j in range(n):
        if j == i:
            prob[i, j], gain[i, j] = 0.5, 0.0
            continue
        own_i = _vote(rule, clout[i], u[i, i] - u[i, j])
        own_j = _vote(rule, clout[j], u[j, i] - u[j, j])
        si, sj = _own_sides(own_i, own_j)
        base_i, base_j = si, sj
        for m in range(n):
            if m == i or m == j:  # noqa: PLR1714, SIM109 - numba
                continue
            uni, unj, unn = u[m, i], u[m, j], u[m, m]
            v = _third_party_vote(rule, clout[m], commit, uni, unj, unn, base_i, base_j)
            if v > 0.0:
                si = si + v
            if v < 0.0:
                sj = sj - v
        p_ij = si / (si + sj)
        p_ji = sj / (si + sj)
        s = resolve[j]
        uki, ukj = u[i, i], u[i, j]
        contest = p_ij * (uki + uki) + p_ji * (ukj + ukj)
        prob[i, j] = p_ij
        gain[i, j] = ((1 - s) * (uki + uki) + s * contest) - (uki + ukj)


@_jit()
def _best_serial(  # pragma: no cover - compiled
    dist: Array, risk: Array, clout: Array, resolve: Array, rule: int, commit: int, prob: Array, gain: Array
) -> None:
    for i in range(dist.shape[0]):
        _best_row(i, dist, risk, clout, resolve, rule, commit, prob, gain)


@_jit(parallel=True)
def _best_parallel(  # pragma: no cover - compiled
    dist: Array, risk: Array, clout: Array, resolve: Array, rule: int, commit: int, prob: Array, gain: Array
) -> None:
    for i in numba.prange(dist.shape[0]):
        _best_row(i, dist, risk, clout, resolve, rule, commit, prob, gain)


def best_estimates(
    dist: Array, risk: Array, clout: Array, resolve: Array, rule: str, commit: str
) -> tuple[Array, Array]:
    """Every initiator's own estimates of every challenge it could make: (prob[i, j], gain[i, j])."""
    n = dist.shape[0]
    prob, gain = np.empty((n, n)), np.empty((n, n))
    kernel = _best_parallel if n**3 > _PARALLEL_VOTES else _best_serial
    kernel(dist, risk, clout, resolve, RULES[rule], COMMITS[commit], prob, gain)
    return prob, gain


def challenge_estimates(
    dist: Array,
    risk: Array,
    clout: Array,
    resolve: Array,
    h: Index,
    k: Index,
    i: Index,
    j: Index,
    rule: str,
    commit: str,
) -> tuple[Array, Array]:
    """numba version of :func:`challenge.challenge_estimates`, from distances and perceived risk ``risk[h, a]``."""
    prob, gain = np.empty(h.size), np.empty(h.size)
    args = (np.ascontiguousarray(x, dtype=np.int64) for x in (h, k, i, j))
    kernel = _estimates_parallel if h.size * dist.shape[0] > _PARALLEL_VOTES else _estimates_serial
    kernel(dist, risk, clout, resolve, *args, RULES[rule], COMMITS[commit], prob, gain)
    return prob, gain


@_jit()
def _pair(rule: int, weights: Array, utilities: Array, i: int, j: int) -> tuple[float, float]:  # pragma: no cover
    """Strengths of the coalitions for option i and for option j, votes added voter by voter as KTAB does."""
    cij = 1e-8
    cji = 1e-8
    for v in range(utilities.shape[0]):
        x = _vote(rule, weights[v], utilities[v, i] - utilities[v, j])
        if x > 0.0:
            cij = cij + x
        if x < 0.0:
            cji = cji - x
    return cij, cji


@_jit()
def _coalitions_serial(rule: int, weights: Array, utilities: Array, out: Array) -> None:  # pragma: no cover
    for i in range(utilities.shape[1]):
        out[i, i] = 1e-8
        for j in range(i):
            out[i, j], out[j, i] = _pair(rule, weights, utilities, i, j)


@_jit(parallel=True)
def _coalitions_parallel(rule: int, weights: Array, utilities: Array, out: Array) -> None:  # pragma: no cover
    for i in numba.prange(utilities.shape[1]):
        out[i, i] = 1e-8
        for j in range(i):
            out[i, j], out[j, i] = _pair(rule, weights, utilities, i, j)


def coalitions(rule: str, weights: Array, utilities: Array) -> Array:
    """numba version of :func:`pce.coalitions`."""
    n_voters, n_opt = utilities.shape
    out = np.empty((n_opt, n_opt))
    kernel = _coalitions_parallel if n_voters * n_opt * n_opt > _PARALLEL_VOTES else _coalitions_serial
    kernel(RULES[rule], weights, np.ascontiguousarray(utilities), out)
    return out
