"""Opinion groups the way Pol.is finds them: ~100 base clusters, then k-means over them, k by silhouette.

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
* Pol.is seeds every update with the clusters of the previous one, so its live
  clusters are the end of a long chain of refinements; a single run from the
  first distinct points often stops in a poor local optimum instead. accord
  therefore also runs k-means from ``n_init`` k-means++ starts drawn from a
  fixed seed and keeps the run with the least (weighted) within-cluster sum of
  squares, Pol.is's own start included: the same objective, better minimised,
  and still the same answer on every run;
* participants who pass the filter are grouped into ``base_k`` = 100 base
  clusters of their projected positions;
* the base-cluster centres, weighted by their sizes, are grouped again by
  k-means for each k from 2 to ``min(max_k, 2 + n_base // 12)``, and the k
  with the best silhouette (over base clusters; a singleton scores 0) wins,
  the larger k on a tie.

Pol.is also holds a new k back until it has won ``group-k-buffer`` updates in
a row and seeds each update with the previous clusters. Both make the groups
depend on the order in which votes arrived, so the same votes could give
different groups; accord computes every run from scratch on the final votes
(on a first update Pol.is's smoother adopts the winning k at once), which is
what makes an incremental update equal a run from scratch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accord.engines.opinion import kernels

BASE_K = 100
MAX_K = 5
MAX_ITER = 100
#: Step limit for the groups over base clusters: the default of Pol.is's ``kmeans``, which is what its groups get.
GROUP_ITER = 20
TOL = 0.01
#: k-means++ starts tried besides Pol.is's own, for base clusters and for groups.
BASE_INITS = 2
GROUP_INITS = 10
#: Above this many clustered participants, base clusters try one k-means++ start besides Pol.is's own:
#: with thousands of points per base cluster the runs differ little, and each costs seconds.
MANY = 100_000
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


def kmeans_plus_plus(points: np.ndarray, k: int, weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """k-means++ starting centres (Arthur and Vassilvitskii 2007), weighted, from a seeded generator."""
    n = points.shape[0]
    chosen = [int(rng.choice(n, p=weights / weights.sum()))]
    nearest = ((points - points[chosen[0]]) ** 2).sum(axis=1)
    for _ in range(1, k):
        mass = weights * nearest
        total = mass.sum()
        if total <= 0:
            break
        pick = int(min(np.searchsorted(np.cumsum(mass), rng.random() * total, side="right"), n - 1))
        chosen.append(pick)
        nearest = np.minimum(nearest, ((points - points[pick]) ** 2).sum(axis=1))
    return points[chosen].copy()


def best_kmeans(
    points: np.ndarray,
    k: int,
    weights: np.ndarray | None = None,
    n_init: int = 0,
    seed: int = SEED,
    max_iter: int = MAX_ITER,
    tol: float = TOL,
) -> Clustering:
    """The least-inertia of Pol.is's k-means run and ``n_init`` runs from seeded k-means++ starts."""
    best = kmeans(points, k, weights, max_iter=max_iter, tol=tol)
    if n_init and points.shape[0] > k:
        rng = np.random.default_rng([seed, k])
        w = np.ones(points.shape[0]) if weights is None else np.asarray(weights, dtype=np.float64)
        for _ in range(n_init):
            start = kmeans_plus_plus(points, k, w, rng)
            found = kmeans(points, k, weights, max_iter=max_iter, tol=tol, start=start)
            if found.inertia < best.inertia:
                best = found
    return best


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
    """Base clusters of the clustered participants and the groups over them."""

    base: Clustering
    groups: Clustering
    silhouettes: dict[int, float]
    """Silhouette of each k tried."""

    @property
    def participant_groups(self) -> np.ndarray:
        """Group of each clustered participant (through its base cluster)."""
        return np.asarray(self.groups.labels[self.base.labels])


def group_clusters(
    positions: np.ndarray,
    base_k: int = BASE_K,
    max_k: int = MAX_K,
    max_iter: int = MAX_ITER,
    force_k: int | None = None,
    base_inits: int = BASE_INITS,
    group_inits: int = GROUP_INITS,
    seed: int = SEED,
    group_iter: int = GROUP_ITER,
) -> GroupClustering:
    """Base clusters, then groups with k chosen by silhouette (or ``force_k``)."""
    inits = base_inits if positions.shape[0] <= MANY else min(base_inits, 1)
    base = best_kmeans(positions, base_k, n_init=inits, seed=seed, max_iter=max_iter)
    n_base = base.k
    diff = base.centers[:, None, :] - base.centers[None, :, :]
    distances = np.sqrt((diff**2).sum(axis=2))
    top = min(max_k, 2 + n_base // 12)
    candidates = [force_k] if force_k is not None else list(range(2, top + 1))
    found: dict[int, Clustering] = {}
    scores: dict[int, float] = {}
    for k in candidates:
        found[k] = best_kmeans(base.centers, k, base.weights, n_init=group_inits, seed=seed, max_iter=group_iter)
        scores[k] = silhouette(distances, found[k].labels)
    best = max(candidates, key=lambda k: (scores[k], k))
    return GroupClustering(base=base, groups=found[best], silhouettes=scores)
