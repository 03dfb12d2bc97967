"""The exchange model: reproduction of decide-exchange-model 2025.3.1's reference runs, and its own properties.

Tolerance: every number compared with the reference files (which print 15
significant digits) must agree within ``TOL = 1e-6`` on the 0-100 scale; in
decimal arithmetic the largest deviation seen is about 6e-14. Every discrete
choice (which exchange, between whom, on which issues, in which order) must be
identical.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from accord.engines.bargaining import BargainingProblem, ModelInputError, model_class
from accord.engines.bargaining.exchange import ExchangeModel
from accord.io.exchange_input import read_exchange_input

TOL = 1e-6
DATASETS = ["copenhagen", "cop21"]
Shared = Callable[[str], Path]


@cache
def _fitted(path: Path, arithmetic: str = "decimal", outcome: str = "voting") -> ExchangeModel:
    """The model as the reference runs were made: input order for ties, 10 rounds."""
    problem = read_exchange_input(path).problem
    model = ExchangeModel(tie_break="input", arithmetic=arithmetic, outcome=outcome)  # type: ignore[arg-type]
    return model.fit(problem)


def _rows(shared: Shared, dataset: str, name: str) -> list[dict[str, str]]:
    with shared(f"data/bargaining/exchange/{dataset}/{name}").open(newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.shared
@pytest.mark.parametrize("dataset", DATASETS)
def test_every_exchange_is_reproduced(shared: Shared, dataset: str) -> None:
    model = _fitted(shared(f"data/bargaining/exchange/{dataset}.csv"))
    reference = _rows(shared, dataset, "exchanges.csv")
    assert len(model.exchanges_) == len(reference)
    worst = 0.0
    for ours, row in zip(model.exchanges_, reference, strict=True):
        assert (ours.round, ours.seq, ours.issue_p, ours.issue_q, ours.groups) == (
            int(row["round"]),
            int(row["seq"]),
            row["issue_p"],
            row["issue_q"],
            row["groups"],
        )
        for side, prefix in ((ours.i, "i_"), (ours.j, "j_")):
            assert (side.actor, side.supply_issue) == (row[prefix + "actor"], row[prefix + "supply_issue"])
            assert side.adjusted_by_nbs == (row[prefix + "adjusted_by_nbs"] == "True")
            for name in ("round_start_position", "x", "y", "target", "nbs_0", "nbs_1"):
                worst = max(worst, abs(getattr(side, name) - float(row[prefix + name])))
        for name in ("gain", "dp", "dq"):
            worst = max(worst, abs(getattr(ours, name) - float(row[name])))
    assert worst < TOL


@pytest.mark.shared
@pytest.mark.parametrize("dataset", DATASETS)
def test_positions_round_by_round(shared: Shared, dataset: str) -> None:
    model = _fitted(shared(f"data/bargaining/exchange/{dataset}.csv"))
    forecast = model.forecast_
    problem = read_exchange_input(shared(f"data/bargaining/exchange/{dataset}.csv")).problem
    actor, issue = {a: i for i, a in enumerate(problem.actors)}, {p: j for j, p in enumerate(problem.issues)}
    assert forecast.trajectory is not None
    worst = 0.0
    rows = _rows(shared, dataset, "rounds_positions.csv")
    for row in rows:
        k, i, j = int(row["round"]), actor[row["actor"]], issue[row["issue"]]
        worst = max(
            worst,
            abs(forecast.trajectory[k - 1, i, j] - float(row["position_start"])),
            abs(model.voting_positions_[k - 1, i, j] - float(row["position_voting"])),
            abs(forecast.trajectory[k, i, j] - float(row["position_end"])),
        )
    assert len(rows) == 10 * int(problem.salience.astype(bool).sum())
    for row in _rows(shared, dataset, "rounds_nbs.csv"):
        worst = max(worst, abs(model.outcomes_[int(row["round"]) - 1, issue[row["issue"]]] - float(row["nbs_voting"])))
    assert worst < TOL


@pytest.mark.shared
@pytest.mark.parametrize("dataset", DATASETS)
def test_round_counts(shared: Shared, dataset: str) -> None:
    model = _fitted(shared(f"data/bargaining/exchange/{dataset}.csv"))
    summary = _rows(shared, dataset, "rounds_summary.csv")
    assert list(model.n_candidates_) == [int(r["n_candidate_exchanges"]) for r in summary]
    assert list(model.n_valid_) == [int(r["n_candidate_valid"]) for r in summary]
    realised = [sum(e.round == k + 1 for e in model.exchanges_) for k in range(10)]
    assert realised == [int(r["n_realized"]) for r in summary]


@pytest.mark.shared
@pytest.mark.parametrize("dataset", DATASETS)
def test_final_positions_and_outcomes(shared: Shared, dataset: str) -> None:
    path = shared(f"data/bargaining/exchange/{dataset}.csv")
    voting, final = _fitted(path), _fitted(path, outcome="final")
    problem = read_exchange_input(path).problem
    actor, issue = {a: i for i, a in enumerate(problem.actors)}, {p: j for j, p in enumerate(problem.issues)}
    assert voting.forecast_.rounds == 10
    assert voting.forecast_.final_positions is not None and final.forecast_.final_positions is not None
    for row in _rows(shared, dataset, "final_positions.csv"):
        i, j = actor[row["actor"]], issue[row["issue"]]
        assert abs(voting.forecast_.final_positions[i, j] - float(row["position_voting_last_round"])) < TOL
        assert abs(final.forecast_.final_positions[i, j] - float(row["position_final"])) < TOL
    outcomes = _rows(shared, dataset, "final_outcomes.csv")
    order = [issue[r["issue"]] for r in outcomes]
    np.testing.assert_allclose(
        voting.forecast_.values[order], [float(r["nbs_voting_last_round"]) for r in outcomes], atol=TOL
    )
    np.testing.assert_allclose(final.forecast_.values[order], [float(r["nbs_final"]) for r in outcomes], atol=TOL)


@pytest.mark.shared
@pytest.mark.parametrize("dataset", DATASETS)
def test_float_arithmetic_agrees_until_the_first_tie_decided_by_rounding_noise(shared: Shared, dataset: str) -> None:
    """The package ranks 'tied' gains by their 1e-27 decimal noise; float64 cannot, and is exact before that."""
    model = _fitted(shared(f"data/bargaining/exchange/{dataset}.csv"), arithmetic="float")
    reference = _rows(shared, dataset, "exchanges.csv")
    noise = next(
        k for k, r in enumerate(reference) if r["tie_with_next"] == "True" and float(r["gain_gap_to_next"]) > 0
    )
    assert noise > 40
    for ours, row in zip(model.exchanges_[:noise], reference[:noise], strict=True):
        assert (ours.round, ours.seq, ours.i.actor, ours.j.actor, ours.issue_p, ours.issue_q) == (
            int(row["round"]),
            int(row["seq"]),
            row["i_actor"],
            row["j_actor"],
            row["issue_p"],
            row["issue_q"],
        )
        assert abs(ours.gain - float(row["gain"])) < TOL
        assert abs(ours.i.y - float(row["i_y"])) < TOL and abs(ours.j.y - float(row["j_y"])) < TOL


# ---- properties on small problems -------------------------------------------------------------------------------


def _problem(seed: int, n: int = 6, m: int = 4, low: float = 0.0, high: float = 100.0) -> BargainingProblem:
    rng = np.random.default_rng(seed)
    return BargainingProblem.build(
        [f"actor-{i}" for i in range(n)],
        np.round(rng.uniform(low, high, (n, m)), 1),
        np.round(rng.uniform(0.2, 1.0, (n, m)), 2),
        np.round(rng.uniform(0.1, 1.0, (n, m)), 2),
        issues=[f"issue-{j}" for j in range(m)],
        low=low,
        high=high,
    )


def test_registered_under_its_name() -> None:
    assert model_class("exchange") is ExchangeModel
    assert "Stokman" in ExchangeModel.reference


@pytest.mark.parametrize("arithmetic", ["float", "decimal"])
def test_actor_and_issue_order_do_not_matter_by_default(arithmetic: str) -> None:
    problem = _problem(3)
    order, columns = np.array([4, 1, 5, 0, 3, 2]), np.array([2, 0, 3, 1])
    shuffled = BargainingProblem.build(
        [problem.actors[i] for i in order],
        problem.positions[np.ix_(order, columns)],
        problem.salience[np.ix_(order, columns)],
        problem.capability[np.ix_(order, columns)],
        issues=[problem.issues[j] for j in columns],
    )
    first = ExchangeModel(arithmetic=arithmetic).fit(problem)  # type: ignore[arg-type]
    second = ExchangeModel(arithmetic=arithmetic).fit(shuffled)  # type: ignore[arg-type]
    np.testing.assert_allclose(first.forecast_.values[columns], second.forecast_.values, rtol=0, atol=1e-9)
    assert [(e.i.actor, e.j.actor, e.gain) for e in first.exchanges_] == [
        (e.i.actor, e.j.actor, e.gain) for e in second.exchanges_
    ]
    assert first.exchanges_


def test_unanimity_means_no_exchange() -> None:
    problem = _problem(4)
    same = BargainingProblem.build(problem.actors, np.tile([10.0, 40.0, 70.0, 95.0], (6, 1)), problem.salience, 1.0)
    model = ExchangeModel().fit(same)
    assert model.exchanges_ == ()
    np.testing.assert_allclose(model.forecast_.values, [10.0, 40.0, 70.0, 95.0])


def test_random_ties_are_reproducible_with_a_seed() -> None:
    # Look-alike actors make exact ties, which the random rule breaks by the seed.
    positions = np.array([[10.0, 90.0, 20.0], [10.0, 90.0, 20.0], [90.0, 10.0, 80.0], [90.0, 10.0, 80.0], [50, 50, 50]])
    problem = BargainingProblem.build(
        [f"a{i}" for i in range(5)], positions, [[0.9, 0.3, 0.6]] * 2 + [[0.2, 0.8, 0.5]] * 2 + [[0.5] * 3], 1.0
    )
    runs = [ExchangeModel(tie_break="random", seed=s).fit(problem) for s in (1, 1, 2, 3, 4, 5)]
    assert runs[0].exchanges_ == runs[1].exchanges_
    assert any(r.exchanges_[0].tie for r in runs)
    assert len({tuple((e.i.actor, e.j.actor) for e in r.exchanges_) for r in runs}) > 1


def test_the_scale_does_not_matter() -> None:
    """A problem on -5..5 gives the 0..100 answer mapped onto -5..5."""
    problem = _problem(5)
    squeezed = BargainingProblem.build(
        problem.actors,
        problem.positions / 10 - 5,
        problem.salience,
        problem.capability,
        issues=problem.issues,
        low=-5.0,
        high=5.0,
    )
    wide = ExchangeModel().fit(problem).forecast_
    narrow = ExchangeModel().fit(squeezed).forecast_
    np.testing.assert_allclose(narrow.values, wide.values / 10 - 5, atol=1e-9)
    assert narrow.trajectory is not None and wide.trajectory is not None
    np.testing.assert_allclose(narrow.trajectory, wide.trajectory / 10 - 5, atol=1e-9)


def test_absent_actors_take_no_part() -> None:
    """Zero capability * salience on an issue (a missing #D row) keeps an actor out of trades on it."""
    problem = _problem(6)
    salience = problem.salience.copy()
    salience[0, 1] = 0.0
    salience[2, 3] = 0.0
    cut = BargainingProblem.build(
        problem.actors, problem.positions, salience, problem.capability, issues=problem.issues
    )
    model = ExchangeModel(rounds=5).fit(cut)
    assert model.exchanges_
    for exchange in model.exchanges_:
        for actor in (exchange.i.actor, exchange.j.actor):
            if actor == "actor-0":
                assert "issue-1" not in (exchange.issue_p, exchange.issue_q)
            if actor == "actor-2":
                assert "issue-3" not in (exchange.issue_p, exchange.issue_q)
    assert model.forecast_.trajectory is not None
    assert np.all(model.forecast_.trajectory[:, 0, 1] == problem.positions[0, 1])


def test_shapes_and_round_zero() -> None:
    problem = _problem(7)
    model = ExchangeModel(rounds=3, outcome="final").fit(problem)
    forecast = model.forecast_
    assert forecast.trajectory is not None and forecast.trajectory.shape == (4, 6, 4)
    assert forecast.final_positions is not None
    np.testing.assert_array_equal(forecast.final_positions, forecast.trajectory[-1])
    assert model.voting_positions_.shape == (3, 6, 4) and model.outcomes_.shape == (3, 4)
    none = ExchangeModel(rounds=0).fit(problem).forecast_
    weight = problem.salience * problem.capability
    np.testing.assert_allclose(none.values, (weight * problem.positions).sum(0) / weight.sum(0))


def test_inputs_it_cannot_take() -> None:
    with pytest.raises(ModelInputError, match="2 actors"):
        ExchangeModel().fit(BargainingProblem.build(["only"], [[30.0, 70.0]], 0.5, 1.0))
    problem = _problem(8)
    zero = problem.salience.copy()
    zero[:, 2] = 0
    with pytest.raises(ModelInputError, match="issue-2"):
        ExchangeModel().fit(
            BargainingProblem.build(problem.actors, problem.positions, zero, 1.0, issues=problem.issues)
        )
    for bad in ({"rounds": -1}, {"tie_break": "coin"}, {"arithmetic": "int"}, {"tie_tolerance": 2.0}, {"outcome": "x"}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            ExchangeModel(**bad).fit(problem)
