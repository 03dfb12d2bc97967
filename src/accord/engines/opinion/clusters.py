"""Opinion groups the way Pol.is finds them: ~100 base clusters, k by silhouette, then the groups.

Following Pol.is's math component (Small et al. 2021; ``clusters.clj`` and
``conversation.clj``):

* k-means starts from the first k distinct points in row order (rows are in
  canonical id order here, so the start is deterministic), runs at most
  ``max_iter`` steps and stops once no centre moves by ``tol`` or more;
  clusters left empty are dropped, as in Pol.is. The step limit is 100 for
  base clusters (Pol.is's ``:base-iters``) and 20 for groups: Pol.is's
  conversation update passes the group limit under a key (``:cluster-iters``)
  that its ``kmeans`` does not read, so its groups run under that function's
  own default of 20 steps (``conversation.clj``, ``clusters.clj``);
* participants who pass the filter are grouped into ``base_k`` = 100 base
  clusters of their projected positions;
* the base-cluster centres, weighted by their sizes, are grouped again by
  k-means for each k from 2 to ``min(max_k, 2 + n_base // 12)``, and the k
  with the best silhouette (over base clusters; a singleton scores 0) wins,
  the larger k on a tie.

Where accord departs from Pol.is, and why. Pol.is seeds every update with the
clusters of the previous one, holds a new k back until it has won
``group-k-buffer`` updates in a row, and keeps the groups of base clusters:
its live groups are the end of a long chain of refinements that depends on
the order in which votes arrived. From the final votes alone, one base
clustering is one draw from a flat landscape of near-equal optima, and both
the k chosen and the groups swing with it (over five seeds, the adjusted Rand
index against Pol.is's exported groups moved by up to 0.32 on a
conversation). accord therefore

* scores each k by its silhouette *averaged* over base clusterings (Pol.is's
  own start, then seeded k-means++ starts; Arthur and Vassilvitskii 2007),
  adding clusterings (3 to 16, ``base_runs``) until one k is clearly best
  (:func:`clear_winner`); each is grouped from Pol.is's start and
  ``group_inits`` k-means++ starts (least weighted within-cluster sum of
  squares kept);
* for the chosen k, returns the least-inertia k-means partition of the
  participants themselves, started from every base clustering's groups and
  from ``participant_inits`` k-means++ starts, each stopped by Pol.is's
  rule: the objective Pol.is's k-means pursues, minimised over the participants
  rather than left at a base-cluster boundary.

Every start comes from a fixed seed, so the same votes give the same groups on
every run, and an incremental update equals a run from scratch (on a first
update Pol.is's smoother, too, adopts the winning k at once).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from accord.engines.opinion import kernels

BASE_K = 100
MAX_K = 5
MAX_ITER = 100
#: Step limit for the groups over base clusters: the default of Pol.is's ``kmeans``, which is what its groups get.
GROUP_ITER = 20
TOL = 0.01
#: Fewest and most base clusterings whose silhouettes are averaged to choose k (Pol.is's own start first, then
#: seeded k-means++ starts): runs are added until one k is clearly best (:func:`clear_winner`).
BASE_RUNS = (3, 16)
#: k-means++ starts tried besides Pol.is's own for the groups over base clusters.
GROUP_INITS = 10
#: k-means++ starts tried besides the base-level groups for the groups over the participants.
PARTICIPANT_INITS = 10
#: Above this many clustered participants one base clustering and the base-level groups alone are used:
#: with thousands of points per base cluster the runs differ little, and each costs seconds.
MANY = 100_000
#: Largest points x centres x runs stepped together as one array by :func:`kmeans_many`.
BATCH_LIMIT = 2_000_000
SEED = 0


@dataclass(frozen=True)
class Clustering:
    """Cluster labels (0..k-1 in the order of the surviving initial clusters) and centres."""

    labels: np.ndarray
    centers: np.ndarray
    weights: np.ndarray
    """Total weight (members, or participants for weighted clusters) of each cluster."""
    inertia: float = 0.0
    """Weighted within-cluster sum of squared distances."""

    @property
    def k(self) -> int:
        return int(self.centers.shape[0])


def first_distinct(points: np.ndarray, k: int) -> np.ndarray:
    """The first ``k`` distinct rows of ``points`` in row order (Pol.is's k-means start)."""
    if points.shape[0] == 0:
        return points[:0].copy()
    _, first = np.unique(points, axis=0, return_index=True)
    return points[np.sort(first)[:k]].copy()


def _same(a: np.ndarray, b: np.ndarray, tol: float) -> bool:
    """Pol.is's stopping rule: the sorted centres pairwise within ``tol``."""
    if a.shape != b.shape:
        return False
    sa = a[np.lexsort(a.T[::-1])]
    sb = b[np.lexsort(b.T[::-1])]
    return bool(np.all(np.sqrt(((sa - sb) ** 2).sum(axis=1)) < tol))


def kmeans_plus_plus(
    points: np.ndarray, k: int, weights: np.ndarray, rng: np.random.Generator, count: int = 1
) -> list[np.ndarray]:
    """``count`` weighted k-means++ starts (Arthur and Vassilvitskii 2007), drawn together from ``rng``.

    A start has fewer than k centres when the points run out of distinct positions.
    """
    n = points.shape[0]
    picks = [rng.choice(n, size=count, p=weights / weights.sum())]
    nearest = ((points[None, :, :] - points[picks[0]][:, None, :]) ** 2).sum(axis=2)
    short = np.zeros(count, dtype=bool)
    for _ in range(1, k):
        cumulative = np.cumsum(weights * nearest, axis=1)
        total = cumulative[:, -1]
        short |= total <= 0
        pick = np.minimum((cumulative <= (rng.random(count) * total)[:, None]).sum(axis=1), n - 1)
        picks.append(np.where(short, -1, pick))
        nearest = np.minimum(nearest, ((points[None, :, :] - points[pick][:, None, :]) ** 2).sum(axis=2))
    chosen = np.stack(picks, axis=1)
    return [points[row[row >= 0]].copy() for row in chosen]


def least_inertia(runs: list[Clustering]) -> Clustering:
    """The run with the least inertia; the earlier run on a tie (within rounding)."""
    best = runs[0]
    for found in runs[1:]:
        if found.inertia < best.inertia - 1e-9 * abs(best.inertia):
            best = found
    return best


def kmeans_many(
    points: np.ndarray,
    starts: list[np.ndarray],
    weights: np.ndarray | None = None,
    max_iter: int = MAX_ITER,
    tol: float = TOL,
) -> list[Clustering]:
    """:func:`kmeans` from each start (any number of centres each), small runs stepped together.

    Small problems (the groups over ~100 base clusters, the groups of a few
    thousand participants) are dominated by per-step overhead, so their runs
    advance as one array. A run stops once every centre moves less than
    ``tol`` (for centres that keep their order, Pol.is's comparison of the
    sorted centres); clusters left empty are dropped.
    """
    n, k = points.shape[0], max((s.shape[0] for s in starts), default=0)
    if n * k * len(starts) > BATCH_LIMIT or n == 0 or k == 0:
        return [kmeans(points, s.shape[0], weights, max_iter=max_iter, tol=tol, start=s) for s in starts]
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    dim = points.shape[1]
    weighted = np.concatenate([w[:, None] * points, w[:, None], np.ones((n, 1))], axis=1)
    runs = len(starts)
    centers = np.zeros((runs, k, dim))
    alive = np.zeros((runs, k), dtype=bool)
    for r, start in enumerate(starts):
        centers[r, : start.shape[0]] = start
        alive[r, : start.shape[0]] = True
    labels = np.zeros((runs, n), dtype=np.int64)
    ids = np.arange(k)[None, :, None]
    at = np.arange(runs)
    for _ in range(max_iter + 1):
        now, live = centers[at], alive[at]
        gap = np.where(live[:, None, :], 0.0, np.inf)
        for d in range(dim):
            step = points[None, :, None, d] - now[:, None, :, d]
            gap = gap + step * step
        found = gap.argmin(axis=2)
        sums = (found[:, None, :] == ids).astype(np.float64) @ weighted
        keep = live & (sums[:, :, dim + 1] > 0)
        mass = np.where(keep, sums[:, :, dim], 1.0)[:, :, None]
        new = np.where(keep[:, :, None], sums[:, :, :dim] / mass, now)
        moved = ((new - now) ** 2).sum(axis=2)
        done = (keep == live).all(axis=1) & np.where(keep, moved < tol * tol, True).all(axis=1)
        labels[at], centers[at], alive[at] = found, new, keep
        at = at[~done]
        if not len(at):
            break
    out = []
    for r in range(runs):
        live = np.flatnonzero(alive[r])
        relabel = np.full(k, -1, dtype=np.int64)
        relabel[live] = np.arange(len(live))
        lab = relabel[labels[r]]
        c = centers[r, live]
        inertia = float(np.sum(w * ((points - c[lab]) ** 2).sum(axis=1)))
        out.append(
            Clustering(labels=lab, centers=c, weights=np.bincount(lab, weights=w, minlength=len(live)), inertia=inertia)
        )
    return out


def kmeans(
    points: np.ndarray,
    k: int,
    weights: np.ndarray | None = None,
    max_iter: int = MAX_ITER,
    tol: float = TOL,
    start: np.ndarray | None = None,
) -> Clustering:
    """Pol.is's (weighted) k-means from the first k distinct points (or ``start``); see the module docstring."""
    n = points.shape[0]
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    centers = first_distinct(points, k) if start is None else start
    labels = np.zeros(n, dtype=np.int64)
    totals = np.zeros(centers.shape[0])
    for step in range(max_iter + 1):
        labels, sums = kernels.lloyd(points, w, centers)
        alive = sums[:, -1] > 0
        weight = sums[alive, -2:-1]
        new = sums[alive, :-2] / np.where(weight > 0, weight, 1.0)
        totals = sums[alive, -2]
        if not alive.all():
            labels = (np.cumsum(alive) - 1)[labels]
        done = step == max_iter or _same(centers, new, tol)
        centers = new
        if done:
            break
    inertia = float(np.sum(w * ((points - centers[labels]) ** 2).sum(axis=1))) if n else 0.0
    return Clustering(labels=labels, centers=centers, weights=totals, inertia=inertia)


def silhouette(distances: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette of the items (Pol.is: over base clusters, unweighted; a singleton scores 0)."""
    n = len(labels)
    k = int(labels.max()) + 1 if n else 0
    if k < 2:
        return -1.0
    onehot = np.zeros((n, k))
    onehot[np.arange(n), labels] = 1.0
    sizes = onehot.sum(axis=0)
    totals = distances @ onehot
    own = sizes[labels]
    a = np.divide(totals[np.arange(n), labels], own - 1, out=np.zeros(n), where=own > 1)
    others = np.where(onehot > 0, np.inf, totals / np.where(sizes > 0, sizes, 1.0))
    b = others.min(axis=1)
    denominator = np.maximum(a, b)
    s = np.divide(b - a, denominator, out=np.zeros(n), where=denominator > 0)
    s[own <= 1] = 0.0
    return float(s.mean())


@dataclass(frozen=True)
class GroupClustering:
    """Base clusterings of the clustered participants, the silhouettes of each k, and the groups."""

    bases: list[Clustering]
    """The base clusterings (Pol.is's own start first) whose silhouettes were averaged."""
    groups: Clustering
    """The groups, over the participants themselves."""
    silhouettes: dict[int, float]
    """Silhouette of each k tried, averaged over the base clusterings."""
    clear: bool | None = None
    """Whether the chosen k beat every other clearly (:func:`clear_winner`); None after one base clustering."""

    @property
    def participant_groups(self) -> np.ndarray:
        """Group of each clustered participant."""
        return np.asarray(self.groups.labels)


def base_clusterings(positions: np.ndarray, base_k: int, seed: int, max_iter: int = MAX_ITER) -> Iterator[Clustering]:
    """Pol.is's base clustering (from the first distinct points), then more from seeded k-means++ starts."""
    yield kmeans(positions, base_k, max_iter=max_iter)
    if positions.shape[0] <= base_k:
        return
    weights = np.ones(positions.shape[0])
    for run in itertools.count(1):
        (start,) = kmeans_plus_plus(positions, base_k, weights, np.random.default_rng([seed, base_k, run]))
        yield kmeans(positions, base_k, max_iter=max_iter, start=start)


def clear_winner(scores: dict[int, list[float]]) -> bool:
    """Whether the k with the best mean silhouette beats every other by more than two standard errors.

    The comparison is paired (the same base clusterings score every k); a
    difference that does not vary across the runs is clear as it stands.
    """
    leader = max(scores, key=lambda k: (float(np.mean(scores[k])), k))
    for k, values in scores.items():
        if k == leader:
            continue
        gap = np.asarray(scores[leader]) - np.asarray(values)
        spread = float(gap.std(ddof=1)) / np.sqrt(len(gap)) if len(gap) > 1 else np.inf
        if spread > 0 and gap.mean() <= 2 * spread:
            return False
    return True


def groups_over_base(
    base: Clustering, candidates: list[int], n_init: int, seed: int, max_iter: int = GROUP_ITER
) -> dict[int, Clustering]:
    """For each k, the least-inertia weighted k-means of the base-cluster centres.

    Runs start from Pol.is's start (the first distinct centres) and ``n_init`` k-means++ starts.
    """
    points, weights = base.centers, base.weights
    rng = np.random.default_rng([seed, len(points)])
    starts: list[np.ndarray] = []
    owner: list[int] = []
    for k in candidates:
        these = [first_distinct(points, k)]
        if len(points) > k:
            these += kmeans_plus_plus(points, k, weights, rng, n_init)
        starts += these
        owner += [k] * len(these)
    runs = kmeans_many(points, starts, weights, max_iter=max_iter)
    return {k: least_inertia([run for run, o in zip(runs, owner, strict=True) if o == k]) for k in candidates}


def group_clusters(
    positions: np.ndarray,
    base_k: int = BASE_K,
    max_k: int = MAX_K,
    max_iter: int = MAX_ITER,
    force_k: int | None = None,
    base_runs: tuple[int, int] = BASE_RUNS,
    group_inits: int = GROUP_INITS,
    seed: int = SEED,
    group_iter: int = GROUP_ITER,
    participant_inits: int = PARTICIPANT_INITS,
) -> GroupClustering:
    """k by Pol.is's silhouette averaged over base clusterings (or ``force_k``), then the groups (module docstring)."""
    many = positions.shape[0] > MANY
    fewest, most = (1, 1) if many else base_runs
    bases: list[Clustering] = []
    over_bases: list[dict[int, Clustering]] = []
    scores: dict[int, list[float]] = {}
    for base in itertools.islice(base_clusterings(positions, base_k, seed, max_iter), most):
        if not bases:
            top = min(max_k, 2 + base.k // 12)
            scores = {k: [] for k in ([force_k] if force_k is not None else range(2, top + 1))}
        candidates = list(scores)
        bases.append(base)
        diff = base.centers[:, None, :] - base.centers[None, :, :]
        distances = np.sqrt((diff**2).sum(axis=2))
        found = groups_over_base(base, candidates, group_inits, seed, group_iter)
        for k in candidates:
            scores[k].append(silhouette(distances, found[k].labels))
        over_bases.append(found)
        clear = clear_winner(scores) if len(bases) > 1 else None
        if len(bases) >= fewest and clear is not False:
            break
    silhouettes = {k: float(np.mean(v)) for k, v in scores.items()}
    best = max(candidates, key=lambda k: (silhouettes[k], k))
    starts = [found[best].centers for found in over_bases]
    groups = participant_groups(positions, best, starts, 0 if many else participant_inits, seed)
    return GroupClustering(bases=bases, groups=groups, silhouettes=silhouettes, clear=clear)


def participant_groups(points: np.ndarray, k: int, starts: list[np.ndarray], n_init: int, seed: int) -> Clustering:
    """The least-inertia k-means of the participants themselves from ``starts`` and ``n_init`` k-means++ starts.

    Every run stops as Pol.is's base clusters do (no centre moves by 0.01, or
    100 steps); a start with fewer than k centres (a base-level group left
    empty) is skipped.
    Groups are numbered in the order of their first member.
    """
    tried = [s for s in starts if s.shape[0] == k]
    if points.shape[0] > k:
        tried += kmeans_plus_plus(points, k, np.ones(points.shape[0]), np.random.default_rng([seed, k]), n_init)
    best = least_inertia(kmeans_many(points, tried or [first_distinct(points, k)]))
    _, first = np.unique(best.labels, return_index=True)
    order = np.argsort(first, kind="stable")
    relabel = np.empty(len(order), dtype=np.int64)
    relabel[order] = np.arange(len(order))
    return Clustering(
        labels=relabel[best.labels], centers=best.centers[order], weights=best.weights[order], inertia=best.inertia
    )
