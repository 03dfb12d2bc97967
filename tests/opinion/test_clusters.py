"""The clustering pieces accord adds to Pol.is's: batched runs, k-means++ starts, the k test, the participant groups."""

from __future__ import annotations

import numpy as np
import pytest

from accord.engines.opinion import clusters as cl
from accord.engines.opinion import run
from accord.engines.opinion.pipeline import OpinionOptions, k_note
from accord.engines.opinion.synthetic import planted


def blobs(seed: int = 0, sizes: tuple[int, ...] = (60, 40, 30)) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0], [6.0, 0.0], [3.0, 5.0]])
    return np.concatenate([rng.normal(c, 0.6, size=(n, 2)) for c, n in zip(centres, sizes, strict=False)])


def test_batched_runs_equal_one_by_one_runs() -> None:
    """kmeans_many steps its runs together; each run ends where kmeans from the same start ends."""
    points = blobs()
    weights = np.random.default_rng(1).uniform(0.5, 2.0, len(points))
    starts = [*cl.kmeans_plus_plus(points, 3, weights, np.random.default_rng(2), 6), cl.first_distinct(points, 2)]
    together = cl.kmeans_many(points, starts, weights, max_iter=200, tol=1e-12)
    for start, batched in zip(starts, together, strict=True):
        alone = cl.kmeans(points, start.shape[0], weights, max_iter=200, tol=1e-12, start=start)
        assert batched.labels.tolist() == alone.labels.tolist()
        np.testing.assert_allclose(batched.centers, alone.centers, atol=1e-12)
        assert batched.inertia == pytest.approx(alone.inertia)
        np.testing.assert_allclose(batched.weights, alone.weights)


def test_batched_runs_drop_empty_clusters_and_respect_the_step_limit() -> None:
    points = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 0.0], [5.1, 0.0]])
    start = np.array([[0.0, 0.0], [5.0, 0.0], [100.0, 100.0]])  # the third centre attracts nobody
    (run,) = cl.kmeans_many(points, [start])
    assert run.k == 2 and run.labels.tolist() == [0, 0, 1, 1]
    line = np.linspace(0.0, 1.0, 200)[:, None] ** 3
    first = cl.first_distinct(line, 2)
    (zero,) = cl.kmeans_many(line, [first], max_iter=0)
    (many,) = cl.kmeans_many(line, [first], max_iter=100)
    assert not np.allclose(zero.centers, many.centers)


def test_kmeans_plus_plus_draws_distinct_seeded_starts() -> None:
    points = blobs()
    one = cl.kmeans_plus_plus(points, 3, np.ones(len(points)), np.random.default_rng(5), 4)
    two = cl.kmeans_plus_plus(points, 3, np.ones(len(points)), np.random.default_rng(5), 4)
    assert len(one) == 4 and all(s.shape == (3, 2) for s in one)
    assert all(np.array_equal(a, b) for a, b in zip(one, two, strict=True))
    assert all(len({tuple(row) for row in s}) == 3 for s in one)
    # fewer distinct positions than k: the start is short rather than repeating a point
    (short,) = cl.kmeans_plus_plus(
        np.array([[0.0, 0.0], [0.0, 0.0], [1.0, 1.0]]), 3, np.ones(3), np.random.default_rng(0)
    )
    assert short.shape == (2, 2)


def test_clear_winner_needs_a_paired_gap_of_two_standard_errors() -> None:
    assert cl.clear_winner({2: [0.5, 0.52, 0.51], 3: [0.3, 0.31, 0.29]})
    assert not cl.clear_winner({2: [0.40, 0.42, 0.39], 3: [0.41, 0.39, 0.40]})
    assert cl.clear_winner({2: [0.4, 0.4], 3: [0.3, 0.3]})  # a gap that never varies is clear as it stands
    assert not cl.clear_winner({2: [0.4], 3: [0.3]})  # one run says nothing about the spread
    assert cl.clear_winner({4: [0.2]})  # a single candidate (a forced k)


def test_groups_are_the_least_inertia_partition_numbered_by_first_member() -> None:
    points = blobs()[::-1].copy()
    found = cl.group_clusters(points, base_k=20, seed=3)
    assert found.groups.k == 3
    labels = found.participant_groups
    firsts = [int(np.flatnonzero(labels == g)[0]) for g in range(3)]
    assert firsts == sorted(firsts) and labels[0] == 0
    best = min(
        cl.kmeans(points, 3, start=s).inertia
        for s in cl.kmeans_plus_plus(points, 3, np.ones(len(points)), np.random.default_rng(9), 20)
    )
    assert found.groups.inertia <= best * (1 + 1e-9)
    assert set(found.silhouettes) == {2, 3}  # 20 base clusters allow k up to 2 + 20 // 12 = 3
    assert 3 <= len(found.bases) <= cl.BASE_RUNS[1]


def test_more_base_runs_are_drawn_only_while_k_is_unclear() -> None:
    clear = cl.group_clusters(blobs(), base_k=20, seed=0)
    assert max(clear.silhouettes, key=clear.silhouettes.__getitem__) == 3
    noise = cl.group_clusters(np.random.default_rng(0).uniform(size=(300, 2)), base_k=40, seed=0)
    assert cl.BASE_RUNS[0] <= len(clear.bases) < len(noise.bases) <= cl.BASE_RUNS[1]
    assert clear.clear is True
    capped = cl.group_clusters(blobs(), base_k=20, seed=0, base_runs=(1, 1))
    assert len(capped.bases) == 1 and capped.clear is None
    unsure = cl.group_clusters(np.random.default_rng(0).uniform(size=(300, 2)), base_k=40, seed=0, base_runs=(3, 4))
    assert len(unsure.bases) == 4 and unsure.clear is False


def test_the_result_says_how_k_was_chosen() -> None:
    result = run(planted(600, 60, 25, n_groups=3, seed=3).matrix)
    assert result.n_groups == 3
    assert any(note.startswith("3 groups: best silhouette over base clusters (2: ") for note in result.notes)
    unsure = cl.group_clusters(np.random.default_rng(0).uniform(size=(300, 2)), base_k=40, seed=0, base_runs=(3, 4))
    assert k_note(unsure).endswith("so the number of groups is uncertain")
    assert OpinionOptions().base_runs == cl.BASE_RUNS
    forced = run(planted(600, 60, 25, n_groups=3, seed=3).matrix, OpinionOptions(force_k=2))
    assert forced.n_groups == 2 and "2 groups: k set by force_k" in forced.notes


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"base_runs": (4, 2)}, "fewest <= most (found (4, 2))"),
        ({"base_runs": (0, 2)}, "base_runs[0] must be at least 1 (found 0)"),
        ({"max_k": 1}, "max_k must be at least 2 (found 1)"),
        ({"force_k": 1, "group_inits": -1}, "group_inits must be at least 0 (found -1); force_k must be at least 2"),
    ],
)
def test_bad_options_are_refused_with_the_field_named(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match="OpinionOptions: ") as caught:
        OpinionOptions(**options)  # type: ignore[arg-type]
    assert message in str(caught.value)
