"""Where the parties stand relative to each other on the issues: pairwise distances and a 2-D map."""

from __future__ import annotations

import math
from collections.abc import Iterable
from itertools import combinations

import numpy as np

from accord.engines.assessment.options import DEFAULT_OPTIONS, AssessmentOptions
from accord.engines.assessment.readings import Readings, clamp, weighted_mean
from accord.engines.assessment.results import MapPoint, PairMatrix
from accord.model.scenario import Scenario

#: Eigenvalues at or below this share of the largest one (or of 1) are rounding noise: their axis is 0.
_EIGEN_TOLERANCE = 1e-12
#: A coordinate at or below this share of its axis's largest is treated as 0 by the sign rule.
_SIGN_TOLERANCE = 1e-9


def issue_distances(
    scenario: Scenario, parties: Iterable[str] | None, options: AssessmentOptions = DEFAULT_OPTIONS
) -> PairMatrix:
    """How far apart each pair of parties stands on the issues, from 0 (same place) to 1 (opposite ends).

    For a pair, over the issues on which both have a position: the root of
    the weighted mean of the squared differences of their positions, each
    position normalised to [0, 1] by the issue's scale, and each issue weighted
    by the pair's mean salience there (the plain mean if every weight is 0).
    The diagonal is 0 and counts the party's positions; a pair without a
    common issue is None (count 0).
    """
    readings = Readings.of(scenario, parties)
    n = len(readings.parties)
    values: list[list[float | None]] = [[None] * n for _ in range(n)]
    counts = [[0] * n for _ in range(n)]
    issues = [readings.issues[key] for key in sorted(readings.issues)]
    for i, party in enumerate(readings.parties):
        values[i][i] = 0.0
        counts[i][i] = sum((party, issue.id) in readings.positions for issue in issues)
    for (i, a), (j, b) in combinations(enumerate(readings.parties), 2):
        squares: list[float] = []
        weights: list[float] = []
        for issue in issues:
            p_a, p_b = readings.positions.get((a, issue.id)), readings.positions.get((b, issue.id))
            if p_a is None or p_b is None:
                continue
            difference = issue.scale.normalise(p_a.value.mean) - issue.scale.normalise(p_b.value.mean)
            squares.append(difference * difference)
            weights.append((p_a.salience.mean + p_b.salience.mean) / 2.0)
        if squares:
            values[i][j] = values[j][i] = clamp(math.sqrt(weighted_mean(squares, weights)), 0.0, 1.0)
        counts[i][j] = counts[j][i] = len(squares)
    return PairMatrix(parties=list(readings.parties), values=values, counts=counts)


def map_from_distances(distances: PairMatrix) -> list[MapPoint]:
    """A 2-D map of the parties whose pairwise distances best match ``distances`` (classical MDS).

    Torgerson's classical multidimensional scaling: double-centre the squared
    distances, ``B = -1/2 J D² J``, and place the parties on the two leading
    eigenvectors of ``B`` scaled by the roots of their eigenvalues. When the
    distances are those of points in a plane the map reproduces them exactly
    (up to rotation and reflection); otherwise it is the best 2-D fit in
    Torgerson's sense, with any non-Euclidean (negative-eigenvalue) part
    dropped. Unknown distances (None) are filled with the mean of the known
    off-diagonal ones (0 if none is known), and each point lists in ``filled``
    the parties whose distance to it was filled.

    Eigenvectors have no sign of their own, so each axis is oriented by a
    fixed rule: the first party in id order whose coordinate on the axis is
    not 0 gets a positive coordinate. With the parties in id order (as every
    engine function gives them) the map is thus the same whatever order the
    parties were chosen in. One party sits at the origin; two lie on the x axis.
    """
    parties = distances.parties
    n = len(parties)
    known = [v for i, row in enumerate(distances.values) for j, v in enumerate(row) if i < j and v is not None]
    fill = math.fsum(known) / len(known) if known else 0.0
    d = np.zeros((n, n))
    filled: list[list[str]] = [[] for _ in range(n)]
    for i, j in combinations(range(n), 2):
        value = distances.values[i][j]
        if value is None:
            value = fill
            filled[i].append(parties[j])
            filled[j].append(parties[i])
        d[i, j] = d[j, i] = value
    coordinates = np.zeros((n, 2))
    if n >= 2:
        centring = np.eye(n) - np.full((n, n), 1.0 / n)
        b = -0.5 * centring @ (d * d) @ centring
        eigenvalues, eigenvectors = np.linalg.eigh((b + b.T) / 2.0)
        order = np.argsort(-eigenvalues, kind="stable")[:2]
        threshold = _EIGEN_TOLERANCE * max(1.0, float(eigenvalues[order[0]]))
        for axis, k in enumerate(order):
            if eigenvalues[k] > threshold:
                coordinates[:, axis] = _oriented(eigenvectors[:, k] * math.sqrt(float(eigenvalues[k])))
    return [
        MapPoint(party=party, x=float(coordinates[i, 0]) + 0.0, y=float(coordinates[i, 1]) + 0.0, filled=filled[i])
        for i, party in enumerate(parties)
    ]


def _oriented(axis: np.ndarray) -> np.ndarray:
    """``axis`` or its negation, so that its first clearly non-zero coordinate is positive."""
    largest = float(np.max(np.abs(axis)))
    for value in axis:
        if abs(float(value)) > _SIGN_TOLERANCE * largest:
            return axis if value > 0 else -axis
    return axis


def party_map(
    scenario: Scenario, parties: Iterable[str] | None, options: AssessmentOptions = DEFAULT_OPTIONS
) -> list[MapPoint]:
    """The parties on a 2-D map of their :func:`issue_distances` (see :func:`map_from_distances`)."""
    return map_from_distances(issue_distances(scenario, parties, options))
