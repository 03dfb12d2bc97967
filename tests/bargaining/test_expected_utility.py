"""The expected-utility model: the replication's log reproduced, each mode difference, the conformance properties."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from accord.engines.bargaining import BargainingProblem, ModelInputError, model_class
from accord.engines.bargaining.expected_utility import ExpectedUtilityModel
from accord.engines.bargaining.expected_utility.core import (
    CAPITULATION,
    COMPROMISE,
    CONFRONTATION,
    DIRECT_MAX,
    _numerators_direct,
    _numerators_sorted,
    all_pairs_total,
    challenge_utilities,
    distances,
    voter_losses,
    win_probabilities,
)
from accord.engines.bargaining.expected_utility.dynamics import Mode, _choose
from accord.io.bdm_table import read_bdm_table

Shared = Callable[[str], Path]
MODES: tuple[Mode, ...] = ("scholz-code", "paper")
_KINDS = {"compromises with": "compromise", "loses confrontation to": "confrontation", "capitulates to": "capitulation"}


@dataclass
class LoggedMove:
    actor: str
    kind: str
    partner: str
    eu_own: float
    eu_other: float
    position: float


@dataclass
class LoggedRun:
    median: list[float]
    mean: list[float]
    moves: list[list[LoggedMove]]


def parse_log(path: Path) -> LoggedRun:
    """The replication's log: median and mean lines, then per round the moves and the two lines again."""
    run = LoggedRun([], [], [])
    lines = path.read_text().splitlines()
    move = re.compile(r"^(.+?) (compromises with|loses confrontation to|capitulates to) (.+)$")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("Median position: "):
            run.median.append(float(line.split(": ")[1]))
        elif line.startswith("Mean position: "):
            run.mean.append(float(line.split(": ")[1]))
        elif line.startswith("ROUND "):
            assert int(line.split()[1]) == len(run.moves) + 1
            run.moves.append([])
        elif found := move.match(line):
            own, other = (float(v) for v in lines[i + 1].strip().split(" vs "))
            position = float(lines[i + 2].strip().removeprefix("new_pos = "))
            run.moves[-1].append(LoggedMove(found[1], _KINDS[found[2]], found[3], own, other, position))
            i += 2
        i += 1
    return run


def problem(positions: object, salience: object, capability: object) -> BargainingProblem:
    pos = np.atleast_2d(np.asarray(positions, dtype=float))
    pos = pos.T if pos.shape[0] == 1 else pos
    actors = [f"a{i}" for i in range(pos.shape[0])]
    return BargainingProblem.build(actors, pos, salience, capability)


def random_problem(rng: np.random.Generator, n: int, m: int = 1) -> BargainingProblem:
    return problem(rng.uniform(0, 100, (n, m)), rng.uniform(0.05, 1, (n, m)), rng.uniform(0.05, 1, (n, m)))


# --- the replication's own run --------------------------------------------------------------------------------


def test_scholz_code_reproduces_example_log(shared: Shared) -> None:
    """Every round of Example.log: who moves, towards whom, how, both expected utilities and the new position."""
    logged = parse_log(shared("data/bargaining/bdm/Example.log"))
    inputs = read_bdm_table(shared("data/bargaining/bdm/ExampleActors.csv"))
    model = ExpectedUtilityModel(mode="scholz-code", rounds=10).fit(inputs)
    history, names = model.history_, inputs.actors
    assert len(logged.moves) == 10 == model.forecast_.rounds
    deviation = 0.0
    for k, moves in enumerate(logged.moves, start=1):
        ours = [e for e in history.events(0) if e.round == k]
        assert [(names[e.actor], e.kind, names[e.partner]) for e in ours] == [
            (m.actor, m.kind, m.partner) for m in moves
        ], f"round {k}"
        for event, move in zip(ours, moves, strict=True):
            for a, b in ((event.eu_own, move.eu_own), (event.eu_other, move.eu_other), (event.position, move.position)):
                deviation = max(deviation, abs(a - b))
    # The log prints the median once, then the mean under both labels (a quirk of its code).
    assert logged.median[0] == history.median[0, 0]
    stats = np.r_[logged.median[1:], logged.mean]
    ours_stats = np.r_[history.mean[1:, 0], history.mean[:, 0]]
    deviation = max(deviation, float(np.abs(stats - ours_stats).max()))
    assert deviation <= 1e-9
    assert model.forecast_.values[0] == pytest.approx(logged.mean[-1], abs=1e-9)


def test_capitulations_on_the_example_only_in_paper_mode(shared: Shared) -> None:
    """The replication's capitulation branch never fires, here over 25 rounds; the paper's does."""
    inputs = read_bdm_table(shared("data/bargaining/bdm/ExampleActors.csv"))
    code = ExpectedUtilityModel(mode="scholz-code", rounds=25).fit(inputs).history_
    paper = ExpectedUtilityModel(mode="paper", rounds=25, tol=0.0).fit(inputs).history_
    assert CAPITULATION not in code.kind and {CONFRONTATION, COMPROMISE} <= set(code.kind.ravel().tolist())
    assert CAPITULATION in paper.kind


# --- the arithmetic --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [5, 40])
def test_sorted_prefix_sums_equal_the_direct_sum(n: int) -> None:
    rng = np.random.default_rng(n)
    x = np.round(rng.uniform(0, 10, (3, n)), 0)  # many ties, voters on midpoints
    w = rng.uniform(0, 1, (3, n))
    risk = rng.uniform(0.5, 2, (3, n))
    loss = voter_losses(distances(x, np.ptp(x, axis=-1)), risk)
    direct, fast = _numerators_direct(w, loss), _numerators_sorted(x, w, loss)
    np.testing.assert_allclose(fast, direct, rtol=1e-12, atol=1e-12 * direct.max())
    brute = np.array(
        [
            [[abs(w[b, k] * (loss[b, k, i] - loss[b, k, j])) for k in range(n)] for i in range(n)]
            for j in range(n)
            for b in [0]
        ]
    )
    assert all_pairs_total(w, loss)[0] == pytest.approx(brute.sum(), rel=1e-12)


def test_pairwise_probabilities_sum_to_one_and_all_pairs_do_not() -> None:
    """Mode difference 1, the normaliser: same votes, different denominators."""
    rng = np.random.default_rng(1)
    x, w = rng.uniform(0, 1, (1, 8)), rng.uniform(0, 1, (1, 8))
    loss = voter_losses(distances(x, np.ptp(x, axis=-1)), None)
    pairwise = win_probabilities(x, w, loss, "pairwise")
    all_pairs = win_probabilities(x, w, loss, "all-pairs")
    off = ~np.eye(8, dtype=bool)[None]
    np.testing.assert_allclose((pairwise + pairwise.swapaxes(1, 2))[off], 1.0)
    assert ((all_pairs + all_pairs.swapaxes(1, 2))[off] < 0.5).all()
    # They agree on who is favoured in every pair.
    np.testing.assert_array_equal((pairwise > 0.5)[off], (all_pairs > all_pairs.swapaxes(1, 2))[off])


def _choice(eu_ij: object, eu_ji: object, x: list[float], mode: Mode) -> tuple[int, int, float]:
    """Actor 0's choice, its new position rounded to 9 decimals."""
    a, b = np.array([eu_ij], dtype=float), np.array([eu_ji], dtype=float)
    picked = _choose(np.array([x]), a, b, np.ones((1, len(x))), mode)
    return int(picked.kind[0, 0]), int(picked.partner[0, 0]), round(float(picked.positions[0, 0]), 9)


def test_capitulation_fires_only_in_paper_mode() -> None:
    """Mode difference 2: the challenger gains less than the actor loses; the paper capitulates, the code cannot."""
    x = [0.0, 10.0]
    eu_ij, eu_ji = [[0.0, -0.5], [0.0, 0.0]], [[0.0, 0.2], [0.0, 0.0]]
    assert _choice(eu_ij, eu_ji, x, "paper") == (CAPITULATION, 1, 10.0)
    assert _choice(eu_ij, eu_ji, x, "scholz-code") == (0, -1, 0.0)
    # A compromise (gain above the loss) is the same in both modes.
    eu_ij = [[0.0, -0.1], [0.0, 0.0]]
    for mode in MODES:
        assert _choice(eu_ij, eu_ji, x, mode) == (COMPROMISE, 1, 5.0)


def test_offer_choice_least_move_against_confrontation_first() -> None:
    """Mode difference 3: the code takes any confrontation first; the paper the offer that moves the actor least."""
    x = [5.0, 8.0, 6.0]
    eu_ij = [[0, 0.1, -0.1], [0, 0, 0], [0, 0, 0]]  # vs 1: confrontation (lost); vs 2: compromise
    eu_ji = [[0, 0.3, 0.2], [0, 0, 0], [0, 0, 0]]
    assert _choice(eu_ij, eu_ji, x, "scholz-code") == (CONFRONTATION, 1, 8.0)
    assert _choice(eu_ij, eu_ji, x, "paper") == (COMPROMISE, 2, 5.5)
    # One offer only: the same choice.
    eu_ji = [[0, 0.3, -0.05], [0, 0, 0], [0, 0, 0]]
    for mode in MODES:
        assert _choice(eu_ij, eu_ji, x, mode) == (CONFRONTATION, 1, 8.0)


def test_compromise_choice_smallest_weighted_position_against_least_move() -> None:
    """Mode difference 4: among compromises the code takes the smallest EU-weighted position, the paper the nearest."""
    x = [5.0, 0.0, 9.0]
    eu_ij = [[0, -0.1, -0.1], [0, 0, 0], [0, 0, 0]]
    eu_ji = [[0, 0.2, 0.5], [0, 0, 0], [0, 0, 0]]  # towards 0: moves 2.5; towards 9: moves 0.8
    assert _choice(eu_ij, eu_ji, x, "scholz-code") == (COMPROMISE, 1, 2.5)
    assert _choice(eu_ij, eu_ji, x, "paper") == (COMPROMISE, 2, 5.8)
    eu_ji = [[0, 0.5, 0.2], [0, 0, 0], [0, 0, 0]]  # now the nearest is also the lowest weighted position
    for mode in MODES:
        assert _choice(eu_ij, eu_ji, x, mode) == (COMPROMISE, 1, 4.0)


def test_exact_ties_go_to_the_earlier_actor_in_the_code_and_by_values_in_the_paper() -> None:
    """Mode difference 5: two confrontations 3 away on either side."""
    x = [5.0, 2.0, 8.0]
    eu_ij = [[0, 0.1, 0.1], [0, 0, 0], [0, 0, 0]]
    eu_ji = [[0, 0.3, 0.4], [0, 0, 0], [0, 0, 0]]
    assert _choice(eu_ij, eu_ji, x, "scholz-code") == (CONFRONTATION, 1, 2.0)
    assert _choice(eu_ij, eu_ji, x, "paper") == (CONFRONTATION, 2, 8.0)  # the more determined challenger


def test_status_quo_term_only_in_paper_mode() -> None:
    """Mode difference 6: with Q < 1 the paper subtracts (1 - Q)(T U_b + (1 - T) U_w); the code has no such term."""
    rng = np.random.default_rng(3)
    x, s, w = rng.uniform(0, 1, (1, 6)), rng.uniform(0, 1, (1, 6)), rng.uniform(0, 1, (1, 6))
    d, risk = distances(x, np.ptp(x, axis=-1)), rng.uniform(0.5, 2, (1, 6))
    p = win_probabilities(x, w, voter_losses(d, risk), "pairwise")
    reach = np.abs(x - np.median(x)) / np.ptp(x)
    base = challenge_utilities(x, d, risk, s, p, q=1.0, t=0.3, median_distance=reach)
    same = challenge_utilities(x, d, risk, s, p, q=1.0, t=0.9, median_distance=None)
    np.testing.assert_array_equal(base[0], same[0])
    paper = challenge_utilities(x, d, risk, s, p, q=0.5, t=0.3, median_distance=reach)
    code = challenge_utilities(x, d, risk, s, p, q=0.5, t=0.3, median_distance=None)
    assert not np.allclose(paper[0], code[0])
    problem_ = random_problem(np.random.default_rng(4), 7)
    scholz = [ExpectedUtilityModel(mode="scholz-code", q=0.5, t=t).fit(problem_).forecast_.values for t in (0.1, 0.9)]
    np.testing.assert_array_equal(scholz[0], scholz[1])
    paper_values = [ExpectedUtilityModel(mode="paper", q=0.5, t=t).fit(problem_).forecast_.values for t in (0.1, 0.9)]
    assert paper_values[0] != paper_values[1]


def test_stopping_rule() -> None:
    """Mode difference 7: the code runs every round asked; the paper stops once the forecast has settled."""
    settled = problem([[40.0], [60.0]], [0.5, 0.5], [1.0, 1.0])  # no offer in either mode
    runs = {mode: ExpectedUtilityModel(mode=mode, rounds=30).fit(settled).forecast_ for mode in MODES}
    assert runs["scholz-code"].rounds == 30
    assert runs["paper"].rounds == 1
    np.testing.assert_array_equal(runs["paper"].values, runs["scholz-code"].values)
    # With the same stopping rule given explicitly, both stop alike.
    both = [ExpectedUtilityModel(mode=m, rounds=30, tol=0.0).fit(settled).forecast_.rounds for m in MODES]
    assert both[0] == both[1]


def test_modes_agree_where_the_rules_do() -> None:
    """Two actors: one pair, so the normalisers differ only by a constant and no choice is to be made."""
    two = problem([[20.0], [60.0]], [0.9, 0.3], [1.0, 0.5])
    runs = [ExpectedUtilityModel(mode=m, rounds=1).fit(two).history_ for m in MODES]
    np.testing.assert_array_equal(runs[0].risk, runs[1].risk)


# --- the forecast and the conformance properties -----------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_forecast_shapes_and_statistic(mode: Mode) -> None:
    p = random_problem(np.random.default_rng(5), 9, m=3)
    model = ExpectedUtilityModel(mode=mode, rounds=6, tol=None if mode == "scholz-code" else 0.0).fit(p)
    f = model.forecast_
    assert f.values.shape == (3,) and f.final_positions is not None and f.final_positions.shape == (9, 3)
    assert f.trajectory is not None and f.rounds is not None and f.trajectory.shape == (f.rounds + 1, 9, 3)
    np.testing.assert_array_equal(f.trajectory[0], p.positions)
    np.testing.assert_array_equal(f.trajectory[-1], f.final_positions)
    w = p.capability * p.salience
    np.testing.assert_allclose(f.values, (w * f.final_positions).sum(0) / w.sum(0))
    median = ExpectedUtilityModel(mode=mode, rounds=6, statistic="median").fit(p).forecast_.values
    for j in range(3):
        assert median[j] in f.final_positions[:, j] or model.history_.rounds[j] < 6


@pytest.mark.parametrize("mode", MODES)
def test_issues_run_independently_and_in_batch(mode: Mode) -> None:
    p = random_problem(np.random.default_rng(6), 12, m=3)
    model = ExpectedUtilityModel(mode=mode, rounds=5)
    together = model.fit(p).forecast_.values
    alone = [model.fit(p.subset([j])).forecast_.values[0] for j in range(3)]
    np.testing.assert_allclose(together, alone, rtol=0, atol=1e-12)
    batch = model.predict_batch(p.positions[None], p.salience[None], p.capability[None], low=p.low, high=p.high)
    np.testing.assert_allclose(batch[0], together, rtol=0, atol=1e-12)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("n", [6, 50])
def test_forecast_within_scale_and_independent_of_actor_order(mode: Mode, n: int) -> None:
    rng = np.random.default_rng(n)
    p = random_problem(rng, n, m=2)
    model = ExpectedUtilityModel(mode=mode, rounds=8)
    values = model.fit(p).forecast_.values
    assert ((values >= p.low) & (values <= p.high)).all()
    order = rng.permutation(n)
    shuffled = BargainingProblem.build(
        [p.actors[i] for i in order], p.positions[order], p.salience[order], p.capability[order]
    )
    np.testing.assert_allclose(model.fit(shuffled).forecast_.values, values, rtol=0, atol=1e-9)


def test_paper_mode_is_independent_of_actor_order_even_with_ties() -> None:
    x = np.array([0, 50, 100, 50, 0, 100, 25, 75], dtype=float)
    p = problem(x[:, None], np.full(8, 0.8), np.linspace(0.2, 1, 8)[::-1].copy())
    model = ExpectedUtilityModel(mode="paper", rounds=10)
    values = model.fit(p).forecast_.values
    for seed in range(5):
        order = np.random.default_rng(seed).permutation(8)
        shuffled = BargainingProblem.build(
            [p.actors[i] for i in order], p.positions[order], p.salience[order], p.capability[order]
        )
        np.testing.assert_allclose(model.fit(shuffled).forecast_.values, values, rtol=0, atol=1e-9)


@pytest.mark.parametrize("mode", MODES)
def test_consensus_is_the_forecast(mode: Mode) -> None:
    p = problem(np.full((5, 2), 37.5), np.full((5, 2), 0.5), np.linspace(0.1, 1, 5))
    f = ExpectedUtilityModel(mode=mode).fit(p).forecast_
    np.testing.assert_array_equal(f.values, [37.5, 37.5])
    assert f.final_positions is not None and (f.final_positions == 37.5).all()


@pytest.mark.parametrize("mode", MODES)
def test_reproducible_with_a_seed(mode: Mode) -> None:
    p = random_problem(np.random.default_rng(7), 10)
    runs = [ExpectedUtilityModel(mode=mode, seed=s).fit(p).forecast_.values for s in (1, 1, 2)]
    np.testing.assert_array_equal(runs[0], runs[1])
    np.testing.assert_array_equal(runs[0], runs[2])


def test_inputs_the_model_cannot_take() -> None:
    with pytest.raises(ModelInputError, match="at least 2 actors"):
        ExpectedUtilityModel().fit(problem([[10.0]], [1.0], [1.0]))
    with pytest.raises(ModelInputError, match="capability and salience above zero"):
        ExpectedUtilityModel().fit(problem([[10.0], [20.0]], [1.0, 1.0], [0.0, 0.0]))
    with pytest.raises(ModelInputError, match="capability and salience above zero"):
        ExpectedUtilityModel().fit(problem([[10.0], [20.0]], [0.0, 0.0], [1.0, 1.0]))
    two = problem([[10.0], [20.0]], [1.0, 1.0], [1.0, 1.0])
    for bad in ({"mode": "code"}, {"rounds": -1}, {"rounds": 2.5}, {"tol": -1.0}, {"statistic": "mode"}, {"q": 2.0}):
        with pytest.raises(ModelInputError):
            ExpectedUtilityModel(**bad).fit(two)


def test_registered_under_its_name() -> None:
    assert model_class("expected-utility") is ExpectedUtilityModel
    assert ExpectedUtilityModel.name == "expected-utility"
    assert "Scholz" in ExpectedUtilityModel.reference and "Scholz" in (ExpectedUtilityModel.__doc__ or "")


def test_large_problems_take_the_sorted_path() -> None:
    """Above DIRECT_MAX actors the round runs on prefix sums; results match the direct sums."""
    rng = np.random.default_rng(8)
    n = DIRECT_MAX + 6
    x, w = rng.uniform(0, 100, (1, n)), rng.uniform(0, 1, (1, n))
    loss = voter_losses(distances(x, np.ptp(x, axis=-1)), rng.uniform(0.5, 2, (1, n)))
    np.testing.assert_allclose(_numerators_sorted(x, w, loss), _numerators_direct(w, loss), rtol=1e-11, atol=1e-13)


def test_numba_kernel_matches_numpy() -> None:
    """The optional compiled sums (the ``fast`` extra) give the numpy result, ties and midpoint voters included."""
    from accord.engines.bargaining.expected_utility import fast

    if not fast.available():
        pytest.skip("numba not installed (or ACCORD_NUMBA=0)")
    rng = np.random.default_rng(9)
    x = np.round(rng.uniform(0, 20, (2, 60)))
    w = rng.uniform(0, 1, (2, 60))
    loss = voter_losses(distances(x, np.ptp(x, axis=-1)), rng.uniform(0.5, 2, (2, 60)))
    compiled = fast.numerators(x, w, loss)
    assert compiled is not None
    np.testing.assert_allclose(compiled, _numerators_sorted(x, w, loss), rtol=1e-12, atol=1e-13)
