"""Bridging scores: Community Notes' matrix factorisation on a planted two-camp conversation."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp  # type: ignore[import-untyped, unused-ignore]

from accord.engines.opinion.bridging import LAMBDA_FACTOR, LAMBDA_INTERCEPT, bridging_scores

BRIDGE, FAVOURITE = 0, 1


def planted(seed: int = 7) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """70 + 30 participants in two camps; statement 0 bridges, 1 is camp A's favourite, 2-9 are partisan.

    The favourite gets more agreement overall than the bridge (A all agree, B 30%), so a plain
    agreement count ranks it first; only the bridge is agreed on by both camps (75% each).
    """
    rng = np.random.default_rng(seed)
    camp = np.r_[np.zeros(70, int), np.ones(30, int)]

    def column(a: tuple[float, float, float], b: tuple[float, float, float]) -> np.ndarray:
        out = np.empty(len(camp))
        for g, p in ((0, a), (1, b)):
            out[camp == g] = rng.choice([1, 0, -1], size=int((camp == g).sum()), p=p)
        return out

    columns = [column((0.75, 0, 0.25), (0.75, 0, 0.25)), column((1, 0, 0), (0.3, 0.3, 0.4))]
    for k in range(8):
        pro, con = (0.9, 0.05, 0.05), (0.05, 0.05, 0.9)
        columns.append(column(pro, con) if k % 2 == 0 else column(con, pro))
    votes = np.column_stack(columns)
    seen = rng.random(votes.shape) < 0.9
    return votes, seen, camp


def test_cross_camp_statement_ranks_first_and_the_one_camp_favourite_does_not() -> None:
    votes, seen, camp = planted()
    agree = [(votes[seen[:, j], j] == 1).mean() for j in range(votes.shape[1])]
    assert int(np.argmax(agree)) == FAVOURITE  # a plain agreement count gets it wrong
    result = bridging_scores(votes, seen, seed=0)
    order = result.order()
    assert order[0] == BRIDGE
    assert FAVOURITE not in order[:1]
    assert result.polarised[FAVOURITE] and not result.polarised[BRIDGE]
    # the factor separates the camps; most participants get a negative factor (sign identification)
    factor = result.participant_factor
    assert np.sign(factor[camp == 0].mean()) != np.sign(factor[camp == 1].mean())
    assert (factor < 0).sum() >= (factor > 0).sum()
    assert result.converged and result.iterations < 50
    assert result.records(top=1)[0]["id"] == BRIDGE


def test_loss_matches_the_published_objective() -> None:
    votes, seen, _ = planted()
    result = bridging_scores(votes, seen, seed=0)
    rating = (np.where(seen, votes, 0) + 1) / 2
    pred = (
        result.mu
        + result.participant_intercept[:, None]
        + result.intercept[None, :]
        + np.outer(result.participant_factor, result.factor)
    )
    intercepts = result.mu**2 + (result.participant_intercept**2).sum() + (result.intercept**2).sum()
    factors = (result.participant_factor**2).sum() + (result.factor**2).sum()
    expected = ((rating - pred) ** 2)[seen].sum() + LAMBDA_INTERCEPT * intercepts + LAMBDA_FACTOR * factors
    assert result.loss == pytest.approx(expected, rel=1e-10)


def test_stationary_point_of_the_objective() -> None:
    """At convergence each statement's (intercept, factor) solves its own ridge regression."""
    votes, seen, _ = planted()
    result = bridging_scores(votes, seen, seed=0, tol=1e-10, max_iter=1000)
    rating = (np.where(seen, votes, 0) + 1) / 2
    for j in range(votes.shape[1]):
        rows = seen[:, j]
        y = rating[rows, j] - result.mu - result.participant_intercept[rows]
        x = np.column_stack((np.ones(rows.sum()), result.participant_factor[rows]))
        solution = np.linalg.solve(x.T @ x + np.diag([LAMBDA_INTERCEPT, LAMBDA_FACTOR]), x.T @ y)
        assert solution == pytest.approx([result.intercept[j], result.factor[j]], abs=1e-6)


def test_deterministic_and_input_forms_agree() -> None:
    votes, seen, _ = planted()
    first = bridging_scores(votes, seen, seed=3)
    again = bridging_scores(votes, seen, seed=3)
    assert np.array_equal(first.intercept, again.intercept) and np.array_equal(first.factor, again.factor)
    nan_votes = np.where(seen, votes, np.nan)
    sparse_votes = sp.csr_matrix(np.where(seen, votes, 0.0))
    for other in (
        bridging_scores(nan_votes, None, seed=3),
        bridging_scores(sparse_votes, sp.csr_matrix(seen), seed=3),
    ):
        assert other.intercept == pytest.approx(first.intercept, abs=1e-12)
    # a different seed lands on the same optimum
    assert bridging_scores(votes, seen, seed=11).intercept == pytest.approx(first.intercept, abs=1e-4)


def test_ids_and_errors() -> None:
    votes, seen, _ = planted()
    ids = [f"s{j}" for j in range(votes.shape[1])]
    result = bridging_scores(votes, seen, statement_ids=ids)
    assert result.records(top=1)[0]["id"] == "s0"
    assert set(result.records()[0]) == {"id", "intercept", "factor", "votes", "polarised"}
    with pytest.raises(ValueError, match="statement ids"):
        bridging_scores(votes, seen, statement_ids=ids[:3])
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        bridging_scores(votes * 2, seen)
    with pytest.raises(ValueError, match="same shape"):
        bridging_scores(votes, seen[:, :3])
