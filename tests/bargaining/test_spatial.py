"""KTAB's spatial model of politics: reproduction of KTAB's own runs, and the model's contract.

References (read in place from the shared data): KTAB's logged reference runs
``20170530_ref-*.txt`` (turn by turn, positions to 4 decimals) and ``smpc``'s runs of
the 40- to 160-actor inputs in ``runs-here/`` (full-precision final positions).
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from accord.engines.bargaining import BargainingProblem, ModelInputError, model_class
from accord.engines.bargaining.spatial import CHOICES, SmpOptions, SpatialModel, fast, run
from accord.engines.bargaining.spatial.engine import assess, position_probabilities
from accord.engines.bargaining.spatial.kernels import utility
from accord.engines.bargaining.spatial.pce import perceived_risk
from accord.io.ktab import KtabScenario, read_ktab

Shared = Callable[[str], Path]
KTAB = "data/bargaining/ktab/"
NUMBER = r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"


# ---------------------------------------------------------------- KTAB log reader


@dataclass
class Challenge:
    initiator: int
    target: int
    estimates: list[tuple[int, int, float, float]] = field(default_factory=list)
    """(estimator h, affected k, P(i beats j), expected gain to k)."""


@dataclass
class KtabLog:
    """What a KTAB reference log states, turn by turn."""

    parameters: dict[str, str]
    values: list[np.ndarray]
    """Per state: the risk-neutral value matrix (3 decimals)."""
    risk: list[np.ndarray]
    """Per state: inferred risk attitudes (3 decimals)."""
    estimates: list[np.ndarray]
    """Per state: (n, n, n) utility estimates by each actor (4 decimals)."""
    positions: list[np.ndarray]
    """After each turn: (n, m) positions (4 decimals, 0-100 scale)."""
    challenges: list[list[Challenge]]
    bargains: list[dict[int, tuple[int, int, np.ndarray, np.ndarray]]]
    """Per turn: bargain id -> (initiator, receiver, initiator's point, receiver's point)."""
    resolution: list[dict[int, tuple[list[int], np.ndarray]]]
    """Per turn: actor -> (its bargains' ids in the log's order, their probabilities)."""
    probabilities: np.ndarray
    """(n, states): each actor's winning probability per state."""


def read_log(path: Path, n: int) -> KtabLog:
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    parameters = {}
    for key in ("VictoryProbModel", "VotingRule", "PCEModel", "StateTransitions", "BigRRange", "BigRAdjust"):
        parameters[key] = next(line.split(":")[1].strip() for line in lines if line.startswith(f"{key}:"))
    log = KtabLog(parameters, [], [], [], [], [], [], [], np.zeros((n, 0)))

    def rows(start: int, count: int) -> np.ndarray:
        return np.array([[float(x) for x in re.findall(NUMBER, lines[start + r])] for r in range(count)])

    for number, line in enumerate(lines):
        if line.startswith("Starting Model::run iteration"):
            log.challenges.append([])
            log.bargains.append({})
            log.resolution.append({})
        elif line.startswith("Raw actor-pos value matrix"):
            log.values.append(rows(number + 1, n))
        elif line.startswith("Inferred risk attitudes"):
            log.risk.append(rows(number + 1, n)[:, 0])
            log.estimates.append(np.zeros((n, n, n)))
        elif match := re.match(r"Estimate by ?(\d+) of risk-aware utility matrix", line):
            log.estimates[-1][int(match[1])] = rows(number + 1, n)
        elif match := re.match(r"In turn \d+ actor (\d+) has most advantageous target (\d+)", line):
            log.challenges[-1].append(Challenge(int(match[1]), int(match[2])))
        elif match := re.match(
            rf"Est by +(\d+) of prob ({NUMBER}) that \[ *\d+> *\d+\], .* to +(\d+) of ({NUMBER})", line
        ):
            h, p, k, g = int(match[1]), float(match[2]), int(match[3]), float(match[4])
            log.challenges[-1][-1].estimates.append((h, k, p, g))
        elif match := re.match(r"Bargain \[(\d+), (\d+):(\d+)\] from (\d+)'s perspective", line):
            if match[4] == match[2]:  # the initiator's own interpolation: the one InitOnlyInterp uses
                point_i, point_j = _adopt(lines, number, match[2]), _adopt(lines, number, match[3])
                log.bargains[-1][int(match[1])] = (int(match[2]), int(match[3]), point_i, point_j)
        elif match := re.match(r"Bargains involving actor +(\d+): (.*)", line):
            ids = [int(x) for x in re.findall(r"\[(\d+),", match[2])]
            log.resolution[-1][int(match[1])] = (ids, np.zeros(0))
        elif match := re.match(r"Doing scalarPCE for the (\d+) bargains of actor (\d+)", line):
            count, actor = int(match[1]), int(match[2])
            start = next(i for i in range(number, len(lines)) if lines[i].startswith("Probability Opt_i") and
                         not lines[i].startswith("Probability Opt_i >"))  # fmt: skip
            ids = log.resolution[-1][actor][0]
            log.resolution[-1][actor] = (ids, rows(start + 1, count)[:, 0])
        elif match := re.match(r"postn +(\d+) , \d+ :", line):
            if int(match[1]) == 0:
                log.positions.append(np.zeros((n, 0)))
            point = rows(number + 1, 1)[0]
            current = log.positions[-1]
            log.positions[-1] = np.vstack([current, point]) if current.size else point[None, :]
        elif line.startswith("History of actors' winning probabilities"):
            log.probabilities = np.array(
                [[float(x) for x in lines[number + 1 + i].split(":")[1].split()] for i in range(n)]
            )
    return log


def _adopt(lines: list[str], start: int, who: str) -> np.ndarray:
    """The point in the next "i proposes who adopt:" line (other threads' lines may come between)."""
    line = next(x for x in lines[start + 1 : start + 12] if re.match(rf"\s*\d+ proposes {who} adopt:", x))
    return np.array([float(x) for x in re.findall(NUMBER, line.split("adopt:")[1])])


def ktab_options(log: KtabLog) -> SmpOptions:
    p = log.parameters
    return SmpOptions(
        victory_prob_model=p["VictoryProbModel"],
        voting_rule=p["VotingRule"],
        pce_model=p["PCEModel"],
        state_transitions=p["StateTransitions"],
        big_r_range=p["BigRRange"],
        big_r_adjust=p["BigRAdjust"],
    )


def unit(scenario: KtabScenario) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    problem = scenario.problem
    return problem.positions / 100.0, problem.salience, problem.capability[:, 0]


# ---------------------------------------------------------------- deterministic reference logs


BACKENDS = pytest.mark.parametrize("backend", ["numpy", "numba"] if fast.AVAILABLE else ["numpy"])


@pytest.mark.shared
@BACKENDS
@pytest.mark.parametrize("name", ["dummyData_3Dim", "SOE-Pol-Comp"])
def test_reproduces_ktab_reference_log(shared: Shared, name: str, backend: str) -> None:
    """Same number of turns, every actor's position after every turn within 1e-3 (0-100 scale)."""
    scenario = read_ktab(shared(f"{KTAB}{name}.csv"))
    n = scenario.problem.n_actors
    log = read_log(shared(f"{KTAB}20170530_ref-{name}.txt"), n)
    options = dataclasses.replace(ktab_options(log), backend=backend)
    assert options == SmpOptions(backend=backend)  # both logs ran KTAB's defaults
    forecast = SpatialModel(backend=backend).fit(scenario.problem).forecast_
    assert forecast.rounds == len(log.positions)
    assert forecast.trajectory is not None
    deviation = np.abs(forecast.trajectory[1:] - np.stack(log.positions))
    assert deviation.max() < 1e-3, (
        f"max deviation {deviation.max():.2e} at {np.unravel_index(deviation.argmax(), deviation.shape)}"
    )
    # every state's risk-neutral values and risk attitudes, and each actor's winning probability per state
    x, sal, cap = unit(scenario)
    result = run(x, sal, cap, options)
    for t, state in enumerate(result.states):
        seen = assess(state, result.ideals[t], sal, cap, options)
        np.testing.assert_allclose(seen.values, log.values[t], atol=1e-3 + 5e-4)
        np.testing.assert_allclose(seen.risk, log.risk[t], atol=1e-3 + 5e-4)
        probability, _ = position_probabilities(seen, cap, state, options, grouping="ktab")
        np.testing.assert_allclose(probability, log.probabilities[:, t], atol=1e-3 + 5e-5)


@pytest.mark.shared
@BACKENDS
def test_reference_log_first_turn_in_detail(shared: Shared, backend: str) -> None:
    """dummyData_3Dim, turn 1: each challenge's four estimates, each bargain and each PCE over bargains."""
    scenario = read_ktab(shared(f"{KTAB}dummyData_3Dim.csv"))
    log = read_log(shared(f"{KTAB}20170530_ref-dummyData_3Dim.txt"), scenario.problem.n_actors)
    _check_first_turn(scenario, log, SmpOptions(backend=backend))


# ---------------------------------------------------------------- the stochastic reference (first turn)


@pytest.fixture
def smp_example(shared: Shared, tmp_path: Path) -> KtabScenario:
    """smpExample.xml with the value its empty <dCoord> had when the reference log was made (52.8)."""
    stored = shared(f"{KTAB}smpExample.xml").read_text(encoding="utf-8-sig")
    assert stored.count("<dCoord></dCoord>") == 1
    repaired = tmp_path / "smpExample.xml"
    repaired.write_text(stored.replace("<dCoord></dCoord>", "<dCoord>52.8</dCoord>"), encoding="utf-8")
    return read_ktab(repaired)


@pytest.mark.shared
@BACKENDS
def test_stochastic_reference_first_turn(shared: Shared, smp_example: KtabScenario, backend: str) -> None:
    """smpExample (stochastic, MarkovIncentive, PropCbc, ideal adjustment): turn 1 within 1e-3 of KTAB's log."""
    log = read_log(shared(f"{KTAB}20170530_ref-smpExample.txt"), smp_example.problem.n_actors)
    params = smp_example.parameters
    switches = {k: v for k, v in params.items() if k not in ("seed", "ideal_adjustment")}
    options = SmpOptions(**switches, backend=backend)
    assert dataclasses.replace(ktab_options(log), backend=backend) == options
    assert options.pce_model == "MarkovIncentive" and options.stochastic
    _check_first_turn(smp_example, log, options, params["ideal_adjustment"])


def _check_first_turn(
    scenario: KtabScenario, log: KtabLog, options: SmpOptions, accommodation: np.ndarray | None = None
) -> None:
    x, sal, cap = unit(scenario)
    n = x.shape[0]
    one_turn = dataclasses.replace(options, min_turns=1, max_turns=1)
    result = run(x, sal, cap, one_turn, accommodation=accommodation, seed=1)
    turn = result.turns[0]
    state = turn.assessment
    tol3, tol4 = 1e-3 + 5e-4, 1e-3 + 5e-5
    np.testing.assert_allclose(state.values, log.values[0], atol=tol3)
    np.testing.assert_allclose(state.risk, log.risk[0], atol=tol3)
    np.testing.assert_allclose(state.utilities, log.estimates[0], atol=tol4)
    # utilities follow from risk attitudes as KTAB's estimate rule says
    rebuilt = utility(state.distance[None], perceived_risk(state.risk, options.big_r_adjust)[:, :, None])
    np.testing.assert_allclose(rebuilt, state.utilities, atol=1e-15)
    # challenges: targets and the four estimates KTAB logs for each
    challenges, bargains = turn.challenges, turn.bargains
    logged = {c.initiator: c for c in log.challenges[0]}
    assert {i for i in range(n) if challenges.target[i] >= 0} == set(logged)
    for i, c in logged.items():
        assert challenges.target[i] == c.target
        j = c.target
        h_i_k_i = next(e for e in c.estimates if e[0] == i and e[1] == i)
        assert abs(challenges.prob[i] - h_i_k_i[2]) < tol4 and abs(challenges.gain[i] - h_i_k_i[3]) < tol4
        h_j_k_i = next(e for e in c.estimates if e[0] == j and e[1] == i)
        assert abs(bargains.receiver_prob[i] - h_j_k_i[2]) < tol4
        assert abs(bargains.receiver_gain[i] - h_j_k_i[3]) < tol4
    # bargains: the initiator's interpolation, on the 0-100 scale (3 decimals in the log)
    ours = {(int(a), int(b)): (bargains.point_initiator[k] * 100, bargains.point_receiver[k] * 100)
            for k, (a, b) in enumerate(zip(bargains.initiator, bargains.receiver, strict=True))}  # fmt: skip
    assert {v[:2] for v in log.bargains[0].values()} == set(ours)
    for a, b, pa, pb in log.bargains[0].values():
        np.testing.assert_allclose(ours[(a, b)][0], pa, atol=tol3)
        np.testing.assert_allclose(ours[(a, b)][1], pb, atol=tol3)
    # each actor's PCE over its status quo and its bargains, matched by bargain identity
    for k, (ids, probs) in log.resolution[0].items():
        if probs.size == 0:
            continue
        keys = [log.bargains[0][b][:2] if b in log.bargains[0] else (k, k) for b in ids]
        mine = turn.resolution.options[k]
        our_keys = [(k, k) if b < 0 else (int(bargains.initiator[b]), int(bargains.receiver[b])) for b in mine]
        assert sorted(keys) == sorted(our_keys)
        our = dict(zip(our_keys, turn.resolution.probabilities[k], strict=True))
        for key, p in zip(keys, probs, strict=True):
            assert abs(our[key] - p) < tol4, (k, key)


# ---------------------------------------------------------------- smpc's runs of larger inputs


def read_runs_here(path: Path, n: int, m: int) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """(turns, final positions printed to one decimal, full-precision final positions, final probabilities)."""
    text = path.read_text(encoding="utf-8")
    turns = int(re.search(r"turns\(steps\): (\d+)", text)[1])  # type: ignore[index]
    printed = [float(x) for x in re.findall(rf"-> ({NUMBER})", text)]
    full = np.full((n, m), np.nan)
    for line in text.split("## full-precision")[1].splitlines():
        parts = line.split(",")
        if len(parts) == 6 and parts[0].isdigit():
            full[int(parts[0]), int(parts[2])] = float(parts[5])
    block = text.split("final winning probabilities:")[1].split("##")[0]
    probabilities = np.array([float(x) for x in re.findall(rf":\s*({NUMBER})\s*$", block, flags=re.M)])
    return turns, np.array(printed).reshape(n, m), full, probabilities


SMPC_RUNS = [
    *[(name, "numpy") for name in ("dummyData_3Dim", "SOE-Pol-Comp", "dummyData-a040", "dummyData-a080")],
    *[(name, "auto") for name in ("dummyData-a040", "dummyData-a080", "dummyData-a160") if fast.AVAILABLE],
]


@pytest.mark.shared
@pytest.mark.parametrize(("name", "backend"), SMPC_RUNS)
def test_matches_smpc_runs(shared: Shared, name: str, backend: str) -> None:
    """Same turn count as KTAB's smpc, final positions within 0.05 (KTAB prints one decimal), same probabilities."""
    problem = read_ktab(shared(f"{KTAB}{name}.csv")).problem
    turns, printed, full, probabilities = read_runs_here(
        shared(f"{KTAB}runs-here/{name}.final-positions.txt"), problem.n_actors, problem.n_issues
    )
    model = SpatialModel(keep_turns=False, backend=backend).fit(problem)
    forecast = model.forecast_
    assert forecast.rounds == turns
    assert forecast.final_positions is not None
    assert np.abs(forecast.final_positions - printed).max() <= 0.05 + 1e-9
    assert np.abs(forecast.final_positions - full).max() <= 0.05
    assert model.run_.ktab_probabilities is not None
    np.testing.assert_allclose(model.run_.ktab_probabilities, probabilities, atol=1e-3 + 5e-5)


# ---------------------------------------------------------------- the model's contract


def small_problem(seed: int = 0, n: int = 6, m: int = 2) -> BargainingProblem:
    rng = np.random.default_rng(seed)
    return BargainingProblem.build(
        [f"a{i}" for i in range(n)],
        rng.uniform(0, 100, (n, m)),
        rng.uniform(0.1, 0.5, (n, m)),
        rng.uniform(10, 200, n),
    )


def test_registered_as_spatial() -> None:
    assert model_class("spatial") is SpatialModel
    assert SpatialModel.name == "spatial" and "KTAB" in SpatialModel.reference


def test_forecast_within_scale_and_shapes() -> None:
    problem = BargainingProblem.build(
        ["a", "b", "c", "d"], [[-5.0], [3.0], [4.5], [10.0]], [[0.9], [0.4], [0.6], [0.3]], [1, 2, 3, 1],
        low=-10.0, high=10.0,
    )  # fmt: skip
    model = SpatialModel().fit(problem)
    forecast = model.forecast_
    assert forecast.model == "spatial" and forecast.values.shape == (1,)
    assert -10.0 <= forecast.values[0] <= 10.0
    assert forecast.rounds is not None and forecast.rounds >= 2
    assert forecast.trajectory is not None and forecast.trajectory.shape == (forecast.rounds + 1, 4, 1)
    assert forecast.final_positions is not None
    np.testing.assert_array_equal(forecast.trajectory[-1], forecast.final_positions)
    np.testing.assert_array_equal(forecast.trajectory[0], problem.positions)
    groups = model.run_.final_groups
    assert groups is not None
    first_of_each = np.unique(groups, return_index=True)[1]
    assert np.isclose(model.probabilities_[first_of_each].sum(), 1.0)


def test_independent_of_actor_order() -> None:
    problem = small_problem(3, n=8, m=2)
    order = np.random.default_rng(1).permutation(8)
    shuffled = BargainingProblem.build(
        [problem.actors[i] for i in order], problem.positions[order], problem.salience[order], problem.capability[order]
    )
    a, b = SpatialModel().fit(problem).forecast_, SpatialModel().fit(shuffled).forecast_
    np.testing.assert_allclose(a.values, b.values, atol=1e-9)
    assert a.final_positions is not None and b.final_positions is not None
    np.testing.assert_allclose(a.final_positions[order], b.final_positions, atol=1e-9)


def test_all_at_one_position_stays_there() -> None:
    problem = BargainingProblem.build(["a", "b", "c"], [[40.0, 70.0]] * 3, [[0.5, 0.2]] * 3, [1.0, 5.0, 2.0])
    forecast = SpatialModel().fit(problem).forecast_
    np.testing.assert_allclose(forecast.values, [40.0, 70.0])
    assert forecast.final_positions is not None
    np.testing.assert_allclose(forecast.final_positions, problem.positions)


def test_stochastic_runs_reproducible_with_seed() -> None:
    problem = small_problem(5, n=7, m=1)

    def model(seed: int) -> SpatialModel:
        return SpatialModel(seed=seed, state_transitions="Stochastic", pce_model="MarkovIncentive")

    a, b = model(42).fit(problem).forecast_, model(42).fit(problem).forecast_
    np.testing.assert_array_equal(a.values, b.values)
    assert a.trajectory is not None and b.trajectory is not None
    np.testing.assert_array_equal(a.trajectory, b.trajectory)
    others = {tuple(model(s).fit(problem).forecast_.values.round(9)) for s in range(8)}
    assert len(others) > 1  # the seed matters


def test_capabilities_that_differ_by_issue_fit_each_issue_on_its_own() -> None:
    positions = [[10.0, 80.0], [50.0, 20.0], [90.0, 60.0], [30.0, 40.0]]
    salience = [[0.6, 0.3], [0.5, 0.4], [0.2, 0.7], [0.4, 0.4]]
    capability = [[1.0, 3.0], [2.0, 2.0], [1.0, 1.0], [4.0, 1.0]]
    problem = BargainingProblem.build(["a", "b", "c", "d"], positions, salience, capability)
    joined = SpatialModel().fit(problem).forecast_
    for j in range(2):
        alone = SpatialModel().fit(problem.subset([j])).forecast_
        assert joined.values[j] == alone.values[0]
        assert alone.final_positions is not None and joined.final_positions is not None
        np.testing.assert_array_equal(joined.final_positions[:, j], alone.final_positions[:, 0])
    assert joined.trajectory is not None and joined.rounds is not None
    assert joined.trajectory.shape == (joined.rounds + 1, 4, 2)


@pytest.mark.parametrize(
    ("problem", "message"),
    [
        (BargainingProblem.build(["a", "b", "c"], [[1.0], [5.0], [9.0]], [[0.0], [0.0], [0.0]], [1, 1, 1]),
         "no actor has any salience"),
        (BargainingProblem.build(["a", "b", "c"], [[1.0], [5.0], [9.0]], [[0.5], [0.5], [0.5]], [1, 0, 1]),
         "positive capabilities"),
    ],
)  # fmt: skip
def test_clear_error_for_inputs_it_cannot_take(problem: BargainingProblem, message: str) -> None:
    with pytest.raises(ModelInputError, match=message):
        SpatialModel().fit(problem)


@pytest.mark.parametrize(
    ("keywords", "message"),
    [
        ({"pce_model": "Markov"}, "pce_model is 'Markov'; expected one of Conditional"),
        ({"voting_rule": "majority"}, "voting_rule"),
        ({"max_turns": 1, "min_turns": 2}, "max_turns"),
        ({"ideal_adjustment": np.eye(2)}, "ideal_adjustment"),
        ({"ideal_adjustment": np.full((6, 6), 0.5)}, "sums to more than 1"),
    ],
)
def test_clear_error_for_bad_parameters(keywords: dict[str, object], message: str) -> None:
    with pytest.raises(ModelInputError, match=message):
        SpatialModel(**keywords).fit(small_problem())  # type: ignore[arg-type]


def test_switch_names_are_ktab_names_case_insensitive() -> None:
    options = SmpOptions(voting_rule="propcbc", big_r_adjust="No", pce_model="markovuniform")
    assert (options.voting_rule, options.big_r_adjust, options.pce_model) == ("PropCbc", "None", "MarkovUniform")
    assert SmpOptions(voting_rule="Proportional").voting_rule == "Prop"


SWITCH_VALUES = [(keyword, value) for keyword, values in CHOICES.items() if keyword != "state_transitions"
                 for value in values]  # fmt: skip


@pytest.mark.parametrize(("keyword", "value"), SWITCH_VALUES)
def test_every_switch_value_runs(keyword: str, value: str) -> None:
    problem = small_problem(11, n=6, m=2)
    model = SpatialModel(**{keyword: value}).fit(problem)  # type: ignore[arg-type]
    forecast = model.forecast_
    assert np.all((forecast.values >= 0) & (forecast.values <= 100))
    assert forecast.final_positions is not None and np.all(np.isfinite(forecast.final_positions))


def test_saliences_beyond_full_attention_are_rescaled_together() -> None:
    base = small_problem(2, n=5, m=2)
    doubled = BargainingProblem.build(base.actors, base.positions, np.minimum(base.salience * 2, 1), base.capability)
    scaled = BargainingProblem.build(base.actors, base.positions, doubled.salience / doubled.salience.sum(1).max(),
                                     base.capability)  # fmt: skip
    np.testing.assert_allclose(SpatialModel().fit(doubled).predict(doubled), SpatialModel().predict(scaled))


def test_ideal_adjustment_identity_is_the_default() -> None:
    problem = small_problem(4)
    np.testing.assert_array_equal(
        SpatialModel(ideal_adjustment=np.eye(6)).predict(problem), SpatialModel().predict(problem)
    )
    lagged = SpatialModel(ideal_adjustment=0.5 * np.eye(6)).fit(problem)
    assert lagged.run_.ideals[1] is not lagged.run_.states[1]
    assert not np.allclose(lagged.run_.ideals[1], lagged.run_.states[1])


@pytest.mark.parametrize(
    ("model", "strengths", "expected"),
    [("Linear", (2.0, 1.0), 2 / 3), ("Square", (2.0, 1.0), 4 / 5), ("Quartic", (2.0, 1.0), 16 / 17),
     ("Octic", (2.0, 1.0), 256 / 257), ("Binary", (1.1, 1.0), 1 / (1 + 1e-6)), ("Binary", (1.0, 1.0), 0.5)],
)  # fmt: skip
def test_victory_probability_laws(model: str, strengths: tuple[float, float], expected: float) -> None:
    """KTAB's documented values: 2:1 gives 2/3, 4/5, 16/17, 256/257; Binary: 10% advantage decides."""
    from accord.engines.bargaining.spatial.kernels import victory_probability

    s1, s2 = (np.array([x]) for x in strengths)
    assert victory_probability(model, s1, s2)[0] == pytest.approx(expected)


@pytest.mark.skipif(not fast.AVAILABLE, reason="numba not installed")
@pytest.mark.parametrize(
    "keywords",
    [{}, {"voting_rule": "ASymProsp"}, {"voting_rule": "Binary", "pce_model": "MarkovUniform"},
     {"third_party_commit": "NoCommit"}, {"third_party_commit": "FullCommit"}, {"voting_rule": "PropBin"}],
)  # fmt: skip
def test_numba_and_numpy_agree(keywords: dict[str, Any]) -> None:
    problem = small_problem(21, n=9, m=2)
    a = SpatialModel(backend="numpy", **keywords).fit(problem)
    b = SpatialModel(backend="numba", **keywords).fit(problem)
    assert a.forecast_.rounds == b.forecast_.rounds
    np.testing.assert_allclose(a.forecast_.values, b.forecast_.values, atol=1e-9)
    assert a.forecast_.trajectory is not None and b.forecast_.trajectory is not None
    np.testing.assert_allclose(a.forecast_.trajectory, b.forecast_.trajectory, atol=1e-9)


def test_numba_backend_without_numba_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fast, "AVAILABLE", False)
    with pytest.raises(ModelInputError, match="numba is not installed"):
        SpatialModel(backend="numba").fit(small_problem())
    assert SpatialModel(backend="auto").fit(small_problem()).forecast_.rounds  # falls back to numpy


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_an_actor_without_salience_is_the_limit_of_a_vanishing_salience(backend: str) -> None:
    """KTAB divides by zero for such an actor; accord takes the limit, so 0 gives what 1e-9 gives."""

    def problem(salience: float) -> BargainingProblem:
        return BargainingProblem.build(
            ["a", "b", "c", "d"], [[10.0], [40.0], [80.0], [60.0]], [[0.8], [0.5], [0.6], [salience]], [1, 2, 1.5, 1]
        )

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no 0/0 anywhere
        none = SpatialModel(backend=backend).fit(problem(0.0)).forecast_
    tiny = SpatialModel(backend=backend).fit(problem(1e-9)).forecast_
    np.testing.assert_allclose(none.values, tiny.values, rtol=1e-12)
    assert none.final_positions is not None and tiny.final_positions is not None
    np.testing.assert_allclose(none.final_positions, tiny.final_positions, rtol=1e-12)
    assert none.final_positions[3, 0] == 60.0  # it never resists, but nobody needs to move it
