"""Properties of the common assessment on random valid scenarios (hypothesis)."""

from __future__ import annotations

import json
import math
from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.engines.assessment import (
    Assessment,
    PairMatrix,
    assess,
    issue_distances,
    map_from_distances,
    party_map,
)
from accord.model import Estimate, ProvenanceKind, Scenario, check_scenario
from tests.engines.scenario_builders import ATTRIBUTED, DECLARED, ESTIMATED, ScenarioBuilder

NAMES = ["ash", "birch", "cedar", "elm", "fir", "oak", "pine", "yew"]
KINDS = [DECLARED, ATTRIBUTED, ESTIMATED]
SOURCES = ["brief", "brief#¶3", "news", "analyst"]
unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
stance_value = st.floats(min_value=-1.0, max_value=1.0, allow_nan=False)


@st.composite
def estimates(draw: st.DrawFn, b: ScenarioBuilder, low: float, high: float) -> list[Estimate]:
    """One to three estimates of a value on [low, high], of random kinds and sources."""
    count = draw(st.integers(1, 3))
    values = [low + draw(unit) * (high - low) for _ in range(count)]
    return [b.est(min(high, value), draw(st.sampled_from(KINDS)), draw(st.sampled_from(SOURCES))) for value in values]


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    """A valid scenario: 2-5 parties, 0-3 issues, 0-5 propositions, random readings and perceptions."""
    b = ScenarioBuilder("random")
    parties = draw(st.lists(st.sampled_from(NAMES), min_size=2, max_size=5, unique=True))
    for party in parties:
        b.actor(party, f"The {party.title()} Party", aliases=[f"{party}-land"])
    issues = [f"issue-{i}" for i in range(draw(st.integers(0, 3)))]
    scales: dict[str, tuple[float, float]] = {}
    for issue in issues:
        low = float(draw(st.integers(-10, 10)))
        high = low + float(draw(st.integers(1, 20)))
        scales[issue] = (low, high)
        b.issue(issue, low, high)
    propositions = [f"prop-{i}" for i in range(draw(st.integers(0, 5)))]
    for proposition in propositions:
        b.proposition(proposition, draw(st.sampled_from([None, *issues])))
    for party, issue in product(parties, issues):
        if draw(st.booleans()):
            b.position(party, issue, draw(estimates(b, *scales[issue])), draw(estimates(b, 0.0, 1.0)))
    for party, proposition in product(parties, propositions):
        if draw(st.integers(0, 4)) > 0:
            value = None if draw(st.integers(0, 4)) == 0 else draw(estimates(b, -1.0, 1.0))
            b.stance(party, proposition, value, weight=draw(st.floats(0.1, 3.0)))
    items = [("issue", i) for i in issues] + [("proposition", p) for p in propositions]
    if items:
        triples = st.tuples(st.sampled_from(parties), st.sampled_from(parties), st.sampled_from(items))
        for observer, observed, (kind, item) in draw(st.lists(triples, max_size=8, unique=True)):
            if observer == observed:
                continue
            low, high = scales[item] if kind == "issue" else (-1.0, 1.0)
            value = draw(estimates(b, low, high))
            if kind == "issue":
                b.perception(observer, observed, value, issue=item)
            else:
                b.perception(observer, observed, value, proposition=item)
    return b.build()


def shuffled(data: st.DataObject, scenario: Scenario) -> Scenario:
    """The same scenario with every list in another order."""
    fields = ("actors", "issues", "propositions", "positions", "stances", "perceptions")
    return scenario.model_copy(update={name: data.draw(st.permutations(getattr(scenario, name))) for name in fields})


def assert_symmetric(matrix: PairMatrix, diagonal: float, low: float, high: float) -> None:
    n = len(matrix.parties)
    for i in range(n):
        assert matrix.values[i][i] == diagonal
        for j in range(n):
            assert matrix.values[i][j] == matrix.values[j][i]
            assert matrix.counts[i][j] == matrix.counts[j][i]
            value = matrix.values[i][j]
            assert (value is None) == (i != j and matrix.counts[i][j] == 0)
            assert value is None or low <= value <= high
            assert value is None or type(value) is float


@settings(deadline=None, max_examples=150)
@given(data=st.data())
def test_order_of_parties_and_lists_does_not_matter(data: st.DataObject) -> None:
    scenario = data.draw(scenarios())
    assert check_scenario(scenario) == []
    ids = [a.id for a in scenario.actors]
    first = assess(scenario, ids).to_dict()
    other = shuffled(data, scenario)
    # The same parties, in another order, some by name or alias, some twice.
    keys = [data.draw(st.sampled_from([i, f"The {i.title()} Party", f"{i.upper()}-LAND"])) for i in ids]
    keys = data.draw(st.permutations(keys + keys[:1]))
    assert assess(other, keys).to_dict() == first
    assert assess(scenario, ids).to_dict() == first  # reproducible


@settings(deadline=None, max_examples=150)
@given(scenario=scenarios())
def test_matrices_bounds_and_partition(scenario: Scenario) -> None:
    result: Assessment = assess(scenario)
    assert result.parties == sorted(result.parties)
    assert_symmetric(result.agreement, 1.0, 0.0, 1.0)
    assert_symmetric(result.distances, 0.0, 0.0, 1.0)

    c = result.convergence
    ids = sorted(p.id for p in scenario.propositions)
    groups = [[r.id for r in group] for group in (c.agreed, c.rejected, c.split)]
    assert sorted(i for group in groups for i in group) == ids  # every proposition once: a partition
    assert [r.id for r in c.gaps] == [r.id for r in c.split if r.unknown]
    for r in c.agreed + c.rejected + c.split:
        assert sorted(r.accept + r.reject + r.neutral + r.unknown) == result.parties
        assert (r.score is None) == (len(r.unknown) == len(result.parties))
        assert r.score is None or -1.0 <= r.score <= 1.0
        assert r.separation is None or 0.0 <= r.separation <= 2.0
    for r in c.agreed:
        assert r.accept == result.parties and not r.unknown
    for r in c.rejected:
        assert r.reject == result.parties and not r.unknown
    scores = [r.score or 0.0 for r in c.agreed]
    assert scores == sorted(scores, reverse=True)

    assert len(result.cruxes) <= 5
    separations = [x.separation for x in result.cruxes]
    assert separations == sorted(separations, reverse=True)
    assert all(0.0 < s <= 2.0 for s in separations)

    for m in result.misperceptions:
        assert 0.0 <= m.normalised_gap <= 1.0
        assert m.observer in result.parties and m.observed in result.parties
        assert m.actual_kind in {k.value for k in ProvenanceKind}
    gaps = [m.normalised_gap for m in result.misperceptions]
    assert gaps == sorted(gaps, reverse=True)

    for share in result.provenance:
        assert sum(share.by_kind.values()) == sum(share.by_source.values()) == share.total

    assert [p.party for p in result.party_map] == result.parties
    assert all(type(p.x) is float and type(p.y) is float for p in result.party_map)
    assert all(math.isfinite(p.x) and math.isfinite(p.y) for p in result.party_map)
    data = result.to_dict()
    assert json.loads(json.dumps(data)) == data


@settings(deadline=None, max_examples=100)
@given(data=st.data())
def test_changing_one_stance_changes_the_result(data: st.DataObject) -> None:
    scenario = data.draw(scenarios())
    known = [s for s in scenario.stances if s.value is not None]
    if not known:
        return
    stance = data.draw(st.sampled_from(known))
    assert stance.value is not None
    old = stance.value.mean
    new = data.draw(stance_value.filter(lambda v: abs(v - old) > 1e-6))
    b = ScenarioBuilder()
    changed = stance.model_copy(update={"value": b.measure(b.est(new))})
    stances = [changed if s is stance else s for s in scenario.stances]
    other = scenario.model_copy(update={"stances": stances})
    before, after = assess(scenario), assess(other)
    assert before.to_dict() != after.to_dict()
    row = next(
        r
        for r in after.convergence.split + after.convergence.agreed + after.convergence.rejected
        if r.id == stance.proposition
    )
    assert row.stances[stance.actor] == new


points = st.lists(st.tuples(unit, unit), min_size=1, max_size=7)


@settings(deadline=None, max_examples=150)
@given(xy=points, salience=st.floats(0.05, 1.0))
def test_map_reproduces_planar_distances(xy: list[tuple[float, float]], salience: float) -> None:
    """Positions on two equally salient 0..1 issues make distances of points (x, y) / sqrt(2) in the plane."""
    b = ScenarioBuilder("plane").issue("x", 0, 1).issue("y", 0, 1)
    names = [f"party-{i}" for i in range(len(xy))]
    for name, (x, y) in zip(names, xy, strict=True):
        b.actor(name).position(name, "x", x, salience).position(name, "y", y, salience)
    scenario = b.build()
    matrix = issue_distances(scenario, names)
    the_map = party_map(scenario, names)
    for i, p in enumerate(the_map):
        for j, q in enumerate(the_map):
            expected = math.dist(xy[i], xy[j]) / math.sqrt(2)
            assert matrix.values[i][j] is not None
            assert matrix.values[i][j] == pytest.approx(expected, abs=1e-9)
            assert math.hypot(p.x - q.x, p.y - q.y) == pytest.approx(expected, abs=1e-6)


@settings(deadline=None, max_examples=150)
@given(xy=st.lists(st.tuples(unit, unit), min_size=2, max_size=7))
def test_map_from_distances_is_exact(xy: list[tuple[float, float]]) -> None:
    n = len(xy)
    names = [f"p{i}" for i in range(n)]
    values: list[list[float | None]] = [[math.dist(a, b) for b in xy] for a in xy]
    points = map_from_distances(PairMatrix(parties=names, values=values, counts=[[1] * n] * n))
    for i, p in enumerate(points):
        for j, q in enumerate(points):
            assert abs(math.hypot(p.x - q.x, p.y - q.y) - math.dist(xy[i], xy[j])) <= 1e-6
