"""The Pol.is pipeline: each step against hand-computed values, planted groups, small groups, scenarios."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score  # type: ignore[import-untyped, unused-ignore]

from accord.engines.opinion import (
    OpinionOptions,
    VoteMatrix,
    group_counts,
    kmeans,
    participant_filter,
    rep_stats,
    run,
    silhouette,
    vote_matrix_from_scenario,
    vote_matrix_from_triples,
)
from accord.engines.opinion.consensus import consensus, group_informed_consensus, priority
from accord.engines.opinion.pca import fit_projection
from accord.engines.opinion.repness import prop_test, two_prop_test
from accord.engines.opinion.synthetic import planted
from accord.io import load_default_scenario


def matrix_of(rows: Sequence[Sequence[int | None]]) -> VoteMatrix:
    p, s, v = [], [], []
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value is not None:
                p.append(i)
                s.append(j)
                v.append(value)
    return vote_matrix_from_triples(np.array(p), np.array(s), np.array(v))


def test_planted_groups_are_recovered() -> None:
    data = planted(600, 60, 25, n_groups=3, seed=3)
    result = run(data.matrix)
    assert result.n_groups == 3
    assert adjusted_rand_score(data.groups, result.groups) > 0.9


def test_projection_is_mean_imputed_and_scaled() -> None:
    matrix = vote_matrix_from_triples(np.array([0, 0, 1, 2, 2]), np.array([0, 1, 0, 0, 1]), np.array([1, 1, -1, 1, -1]))
    projection = fit_projection(matrix.votes)
    assert projection.center.tolist() == pytest.approx([1 / 3, 0.0])
    # participant 1 voted on one statement of two: its raw projection is pushed out by sqrt(2 / 1)
    centred = np.array([-1 - 1 / 3, 0.0])
    expected = np.sqrt(2) * centred @ projection.components.T
    assert projection.participants[1] == pytest.approx(expected)
    assert np.allclose(projection.components @ projection.components.T, np.eye(2))


def test_participant_filter_min_votes_and_greedy_top() -> None:
    rows: list[Sequence[int | None]] = [[1] * 8 for _ in range(20)] + [[1, 1, None, None, None, None, None, None]] * 5
    matrix = matrix_of(rows)
    keep = participant_filter(matrix, OpinionOptions())
    assert keep[:20].all() and not keep[20:].any()
    few = matrix_of([[1] * 8] * 10 + [[1, None, None, None, None, None, None, None]] * 12)
    keep = participant_filter(few, OpinionOptions())
    assert keep.sum() == 15 and keep[:10].all()  # topped up to 15 with the most active (canonical order on ties)


def test_kmeans_starts_from_first_distinct_points_and_drops_empty_clusters() -> None:
    points = np.array([[0.0, 0.0], [0.0, 0.0], [10.0, 0.0], [10.0, 1.0], [0.0, 1.0]])
    found = kmeans(points, 3)
    assert found.k == 3
    assert found.labels.tolist() == [0, 0, 1, 1, 2] or found.labels[0] != found.labels[2]
    two = kmeans(np.array([[0.0, 0.0], [0.0, 0.0]]), 2)
    assert two.k == 1


def test_step_limits_follow_polis() -> None:
    """Base clusters run up to 100 steps, groups 20 (the default Pol.is's group clusterings run under)."""
    options = OpinionOptions()
    assert (options.base_k, options.max_k, options.max_iter, options.group_iter) == (100, 5, 100, 20)
    # a slowly converging start: one step moves the centres, none after the limit
    points = np.linspace(0.0, 1.0, 200)[:, None] ** 3
    one = kmeans(points, 2, max_iter=0)
    many = kmeans(points, 2, max_iter=100)
    assert not np.allclose(np.sort(one.centers, axis=0), np.sort(many.centers, axis=0))


def test_silhouette_singletons_score_zero() -> None:
    distances = np.array([[0, 1, 10], [1, 0, 10], [10, 10, 0]], dtype=float)
    labels = np.array([0, 0, 1])
    expected = ((10 - 1) / 10 * 2 + 0) / 3
    assert silhouette(distances, labels) == pytest.approx(expected)


def test_repness_statistics_follow_polis_formulas() -> None:
    assert prop_test(np.array([3.0]), np.array([4.0]))[0] == pytest.approx(2 * np.sqrt(5) * (4 / 5 - 0.5))
    z = two_prop_test(np.array([3.0]), np.array([1.0]), np.array([4.0]), np.array([4.0]))[0]
    p1, p2, pooled = 4 / 5, 2 / 5, 6 / 10
    assert z == pytest.approx((p1 - p2) / np.sqrt(pooled * (1 - pooled) * (2 / 5)))
    matrix = matrix_of([[1, -1], [1, -1], [1, 1], [-1, 1], [-1, 1], [-1, None]])
    counts = group_counts(matrix.votes, np.array([0, 0, 0, 1, 1, 1]), 2)
    assert counts.agree.tolist() == [[3, 1], [0, 2]]
    assert counts.seen.tolist() == [[3, 3], [3, 2]]
    stats = rep_stats(counts)
    assert stats.pa[0, 0] == pytest.approx(4 / 5)
    assert stats.ra[0, 0] == pytest.approx((4 / 5) / (1 / 5))


def test_representative_statements_are_significant_and_ordered() -> None:
    data = planted(400, 40, 30, n_groups=2, seed=5)
    result = run(data.matrix)
    for reps in result.representative:
        assert 1 <= len(reps) <= 5
        directions = [r.repful_for for r in reps]
        assert directions == sorted(directions)  # agrees before disagrees
        for rep in reps:
            if not rep.best_agree:
                assert rep.repness_test > 1.2816 and rep.p_test > 1.2816


def test_consensus_and_group_informed_consensus() -> None:
    rows: Sequence[Sequence[int | None]] = [[1, 1, -1]] * 10 + [[1, -1, 1]] * 10
    matrix = matrix_of(rows)
    found = consensus(matrix.votes)
    assert [(c.statement, c.direction) for c in found] == [(0, "agree")]
    counts = group_counts(matrix.votes, np.array([0] * 10 + [1] * 10), 2)
    agree, _ = group_informed_consensus(counts)
    assert agree[0] == pytest.approx((11 / 12) ** 2)
    assert agree[0] > agree[1] and agree[0] > agree[2]
    assert priority(counts, np.zeros(3)).shape == (3,)


def test_fewer_than_20_participants_are_their_own_groups() -> None:
    matrix = matrix_of([[1, -1, 1], [1, 1, None], [-1, -1, 1], [None, 1, 1]])
    result = run(matrix)
    assert result.groups.tolist() == [0, 1, 2, 3]
    assert result.notes and "own group" in result.notes[0]


def test_scenario_parties_are_the_groups() -> None:
    scenario = load_default_scenario()
    matrix = vote_matrix_from_scenario(scenario)
    assert set(matrix.participants) <= {a.id for a in scenario.actors}
    assert matrix.shape[1] == len(scenario.propositions)
    result = run(matrix)
    assert sorted(result.groups.tolist()) == list(range(matrix.shape[0]))
    two = vote_matrix_from_scenario(scenario, parties=["usa", "pakistan"])
    assert list(two.participants) == ["pakistan", "usa"]


def test_moderated_out_statements_count_like_polis() -> None:
    base = planted(200, 20, 12, seed=2).matrix
    with_moderated = vote_matrix_from_triples(
        *(
            np.concatenate([a, b])
            for a, b in zip(base.triples(), (np.array([0, 1]), np.array([99, 99]), np.array([1, 1])), strict=True)
        ),
        moderated_out=[99],
    )
    assert 99 not in with_moderated.statements.tolist()
    assert with_moderated.moderated_out == (99,)
    plain = run(with_moderated, OpinionOptions(count_moderated=False)).projection.participants
    counted = run(with_moderated).projection.participants
    assert not np.allclose(plain, counted)  # the zeroed column counts in sqrt(n_statements / n_votes)


def test_subspace_iteration_matches_the_exact_components() -> None:
    import importlib

    module = importlib.import_module("accord.engines.opinion.pca")
    matrix = planted(400, 2500, 40, seed=8).matrix
    center = module.column_means(matrix.votes)
    values = module.centred_values(matrix.votes, center)
    exact = module._fix_signs(module._gram_components(matrix.votes, values, 2))
    iterated = module.principal_components(matrix.votes, center)  # above GRAM_LIMIT statements
    assert matrix.shape[1] > module.GRAM_LIMIT
    assert np.allclose(exact, iterated, atol=1e-6)
