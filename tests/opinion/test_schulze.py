"""The Schulze method against the well-known 45-voter example, and its ballot forms."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp  # type: ignore[import-untyped, unused-ignore]

from accord.engines.opinion.schulze import (
    pairwise_from_rankings,
    pairwise_from_scores,
    pairwise_from_votes,
    schulze,
    strongest_paths,
)

CANDIDATES = list("ABCDE")
#: Schulze (2011), section 3.1 (also the Wikipedia example): 45 voters, 5 candidates.
BALLOTS = [
    ("ACBED", 5),
    ("ADECB", 5),
    ("BEDAC", 8),
    ("CABED", 3),
    ("CAEBD", 7),
    ("CBADE", 2),
    ("DCEBA", 7),
    ("EBADC", 8),
]


def test_45_voter_example() -> None:
    d = pairwise_from_rankings([(list(r), w) for r, w in BALLOTS], CANDIDATES)
    assert d.tolist() == [
        [0, 20, 26, 30, 22],
        [25, 0, 16, 33, 18],
        [19, 29, 0, 17, 24],
        [15, 12, 28, 0, 14],
        [23, 27, 21, 31, 0],
    ]
    result = schulze(d, CANDIDATES)
    assert result.p.tolist() == [
        [0, 28, 28, 30, 24],
        [25, 0, 28, 33, 24],
        [25, 29, 0, 29, 24],
        [25, 28, 28, 0, 24],
        [25, 28, 28, 31, 0],
    ]
    assert result.order == ["E", "A", "C", "B", "D"]
    assert result.winners == ["E"]
    assert result.ranks == {"E": 1, "A": 2, "C": 3, "B": 4, "D": 5}


def test_score_ballots_give_the_same_matrix() -> None:
    scores = np.array([[5 - r.index(c) for c in CANDIDATES] for r, w in BALLOTS for _ in range(w)], float)
    expected = pairwise_from_rankings([(list(r), w) for r, w in BALLOTS], CANDIDATES)
    assert np.array_equal(pairwise_from_scores(scores), expected)
    assert np.array_equal(pairwise_from_scores(scores, chunk=1), expected)


def test_ties_share_a_rank_in_given_order() -> None:
    result = schulze(pairwise_from_rankings([(["x", ("y", "z")], 1.0)], ["z", "y", "x"]), ["z", "y", "x"])
    assert result.order == ["x", "z", "y"]
    assert result.ranks == {"x": 1, "z": 2, "y": 2}
    # everyone indifferent: one tie, in the given order
    assert schulze(np.zeros((3, 3)), ["c", "a", "b"]).order == ["c", "a", "b"]


def test_votes_and_unknowns() -> None:
    votes = np.array([[1, 0, -1], [1, 1, np.nan], [-1, 0, 0]])
    d = pairwise_from_votes(votes)
    assert np.array_equal(d, pairwise_from_scores(votes))
    assert d.tolist() == [[0, 1, 1], [1, 0, 1], [1, 0, 0]]
    seen = ~np.isnan(votes)
    assert np.array_equal(pairwise_from_votes(sp.csr_matrix(np.nan_to_num(votes)), sp.csr_matrix(seen)), d)


def test_strongest_paths_is_widest_path() -> None:
    d = np.array([[0, 3, 0], [1, 0, 2], [0, 1, 0]], float)
    assert strongest_paths(d)[0, 2] == 2  # A->B (3), B->C (2): bottleneck 2


def test_bad_shapes() -> None:
    with pytest.raises(ValueError, match="square"):
        schulze(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="unknown candidate"):
        pairwise_from_rankings([(["q"], 1.0)], ["a"])
