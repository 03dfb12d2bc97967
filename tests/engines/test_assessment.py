"""The common assessment on a small scenario whose every number is worked out by hand below."""

from __future__ import annotations

import json
import math

import pytest

from accord.engines import assessment
from accord.engines.assessment import (
    AssessmentOptions,
    agreement_matrix,
    assess,
    convergence,
    cruxes,
    issue_distances,
    map_from_distances,
    misperceptions,
    party_map,
    provenance_shares,
)
from accord.errors import AccordError
from accord.model import Scenario, check_scenario
from tests.engines.scenario_builders import ATTRIBUTED, DECLARED, ScenarioBuilder


def three_parties() -> ScenarioBuilder:
    """Three parties, two issues, four propositions; the numbers used by every test below.

    Issues: trade on 0..10, security on 0..100.

    Positions (value / salience):
        alpha  trade 2 / 0.8    security 20 / 0.4
        beta   trade 6 / 0.4    security [80 declared, 60 estimated] (mean 70, best-sourced 80) / 0.8
        gamma  trade 10 / 0.6   (no security position)

    Stances (weight 1 unless said):
        p1 (security)  alpha 1.0   beta [0.4 attributed, 0.8 estimated] = 0.6   gamma 0.8
        p2 (trade)     alpha -1.0 (weight 2)   beta -0.6   gamma -0.5
        p3 (no issue)  alpha 1.0   beta -1.0   gamma 0.0 (attributed, brief#¶7)
        p4 (trade)     alpha 0.5   beta unknown   gamma (no record)

    Perceptions:
        alpha of beta on security: 50
        beta of gamma on p3: 0.5
        gamma of beta on p1: [0.1 analyst, -0.1 news] = 0.0
        gamma of beta on p4: 0.3 (beta's stance unknown: skipped)
        alpha of gamma on security: 40 (gamma has no position: skipped)
    """
    b = ScenarioBuilder("three", default_parties=["alpha", "beta", "gamma"])
    b.actor("alpha", "Alphaland", aliases=["Alpha City"], capability=b.est(60, DECLARED, "brief#¶1"))
    b.actor("beta", "Betastan").actor("gamma", "Gammaria")
    b.issue("trade", 0, 10).issue("security", 0, 100)
    b.proposition("p1", issue="security").proposition("p2", issue="trade")
    b.proposition("p3").proposition("p4", issue="trade")
    b.position("alpha", "trade", b.est(2, DECLARED, "brief#¶1"), 0.8)
    b.position("alpha", "security", 20, 0.4)
    b.position("beta", "trade", 6, 0.4)
    b.position("beta", "security", [b.est(80, DECLARED, "brief#¶2"), b.est(60)], 0.8)
    b.position("gamma", "trade", 10, 0.6)
    b.stance("alpha", "p1", 1.0).stance("alpha", "p2", -1.0, weight=2.0)
    b.stance("alpha", "p3", 1.0).stance("alpha", "p4", 0.5)
    b.stance("beta", "p1", [b.est(0.4, ATTRIBUTED, "news"), b.est(0.8)])
    b.stance("beta", "p2", -0.6).stance("beta", "p3", -1.0).stance("beta", "p4", None)
    b.stance("gamma", "p1", 0.8).stance("gamma", "p2", -0.5).stance("gamma", "p3", b.est(0.0, ATTRIBUTED, "brief#¶7"))
    b.perception("alpha", "beta", 50, issue="security")
    b.perception("beta", "gamma", 0.5, proposition="p3")
    b.perception("gamma", "beta", [b.est(0.1), b.est(-0.1, source="news")], proposition="p1")
    b.perception("gamma", "beta", 0.3, proposition="p4")
    b.perception("alpha", "gamma", 40, issue="security")
    return b


@pytest.fixture
def scenario() -> Scenario:
    built = three_parties().build()
    assert check_scenario(built) == []
    return built


PARTIES = ["gamma", "alpha", "beta"]


def test_public_names() -> None:
    assert set(assessment.__all__) >= {
        "AssessmentOptions",
        "assess",
        "convergence",
        "agreement_matrix",
        "cruxes",
        "issue_distances",
        "party_map",
        "misperceptions",
        "provenance_shares",
    }
    for name in assessment.__all__:
        assert hasattr(assessment, name)


def test_convergence_by_hand(scenario: Scenario) -> None:
    result = convergence(scenario, PARTIES, AssessmentOptions())
    assert result.parties == ["alpha", "beta", "gamma"]
    # p1: weights = stance weight x salience on security: alpha 0.4, beta 0.8, gamma 1 (no position there).
    #     score = (0.4*1 + 0.8*0.6 + 1*0.8) / 2.2 = 1.68 / 2.2; all stances >= 0.5 -> agreed.
    assert [r.id for r in result.agreed] == ["p1"]
    assert result.agreed[0].score == pytest.approx(1.68 / 2.2)
    assert result.agreed[0].stances == pytest.approx({"alpha": 1.0, "beta": 0.6, "gamma": 0.8})
    # p2: weights alpha 2*0.8 = 1.6, beta 0.4, gamma 0.6; score = (-1.6 - 0.24 - 0.3) / 2.6.
    #     gamma's -0.5 sits on reject_at, which counts as rejecting.
    assert [r.id for r in result.rejected] == ["p2"]
    assert result.rejected[0].score == pytest.approx(-2.14 / 2.6)
    assert result.rejected[0].reject == ["alpha", "beta", "gamma"]
    # p3: no issue, weights 1: score (1 - 1 + 0) / 3 = 0; separation (2 + 1 + 1) / 3.
    # p4: only alpha known (0.5, on accept_at: accepts): score 0.5, separation None -> after p3.
    assert [r.id for r in result.split] == ["p3", "p4"]
    p3, p4 = result.split
    assert p3.score == pytest.approx(0.0)
    assert p3.separation == pytest.approx(4 / 3)
    assert (p3.accept, p3.reject, p3.neutral, p3.unknown) == (["alpha"], ["beta"], ["gamma"], [])
    assert p4.score == pytest.approx(0.5)
    assert p4.separation is None
    assert (p4.accept, p4.unknown) == (["alpha"], ["beta", "gamma"])
    assert p4.stances == {"alpha": 0.5, "beta": None, "gamma": None}
    assert [r.id for r in result.gaps] == ["p4"]


def test_thresholds_come_from_options(scenario: Scenario) -> None:
    strict = convergence(scenario, PARTIES, AssessmentOptions(accept_at=0.7, reject_at=-0.7))
    # beta's 0.6 on p1 is now neutral; beta's -0.6 and gamma's -0.5 on p2 too.
    assert strict.agreed == []
    assert strict.rejected == []
    assert {r.id for r in strict.split} == {"p1", "p2", "p3", "p4"}


def test_agreement_by_hand(scenario: Scenario) -> None:
    matrix = agreement_matrix(scenario, PARTIES)
    assert matrix.parties == ["alpha", "beta", "gamma"]
    # Proposition weight for a pair = mean of the pair's saliences on the issue (the one known if only
    # one has a position), 1 without an issue. p4 is compared by nobody (beta and gamma unknown).
    # alpha-beta: p1 |1-0.6| w 0.6, p2 |-1+0.6| w 0.6, p3 |1+1| w 1 -> sum 2.48 over 2.2
    # alpha-gamma: p1 0.2 w 0.4 (alpha only), p2 0.5 w 0.7, p3 1 w 1 -> 1.43 over 2.1
    # beta-gamma: p1 0.2 w 0.8 (beta only), p2 0.1 w 0.5, p3 1 w 1 -> 1.21 over 2.3
    ab, ac, bc = 1 - 2.48 / 4.4, 1 - 1.43 / 4.2, 1 - 1.21 / 4.6
    assert matrix.values == [
        [1.0, pytest.approx(ab), pytest.approx(ac)],
        [pytest.approx(ab), 1.0, pytest.approx(bc)],
        [pytest.approx(ac), pytest.approx(bc), 1.0],
    ]
    assert matrix.counts == [[4, 3, 3], [3, 3, 3], [3, 3, 3]]


def test_cruxes_by_hand(scenario: Scenario) -> None:
    # Separation = pair-weighted mean of |s_i - s_j| (pair weights as in the agreement matrix):
    # p3: (2 + 1 + 1) / 3; p2: (0.6*0.4 + 0.7*0.5 + 0.5*0.1) / 1.8; p1: (0.6*0.4 + 0.4*0.2 + 0.8*0.2) / 1.8.
    found = cruxes(scenario, PARTIES, AssessmentOptions(crux_count=5))
    assert [c.id for c in found] == ["p3", "p2", "p1"]
    assert [c.separation for c in found] == pytest.approx([4 / 3, 0.64 / 1.8, 0.48 / 1.8])
    assert found[0].stances == {"alpha": 1.0, "beta": -1.0, "gamma": 0.0}
    assert [c.id for c in cruxes(scenario, PARTIES, AssessmentOptions(crux_count=2))] == ["p3", "p2"]


def test_issue_distances_by_hand(scenario: Scenario) -> None:
    matrix = issue_distances(scenario, PARTIES)
    # alpha-beta: trade 0.2 vs 0.6, security 0.2 vs 0.7 (beta's mean 70); weights both 0.6
    #   -> sqrt((0.6*0.16 + 0.6*0.25) / 1.2) = sqrt(0.205)
    # alpha-gamma: trade only, 0.2 vs 1.0 -> 0.8; beta-gamma: trade only, 0.6 vs 1.0 -> 0.4
    ab = math.sqrt(0.205)
    assert matrix.values == [
        [0.0, pytest.approx(ab), pytest.approx(0.8)],
        [pytest.approx(ab), 0.0, pytest.approx(0.4)],
        [pytest.approx(0.8), pytest.approx(0.4), 0.0],
    ]
    assert matrix.counts == [[2, 2, 1], [2, 2, 1], [1, 1, 1]]


def test_party_map_reproduces_the_triangle(scenario: Scenario) -> None:
    points = party_map(scenario, PARTIES)
    assert [p.party for p in points] == ["alpha", "beta", "gamma"]
    distances = issue_distances(scenario, PARTIES).values
    for i, p in enumerate(points):
        for j, q in enumerate(points):
            assert math.hypot(p.x - q.x, p.y - q.y) == pytest.approx(distances[i][j], abs=1e-9)
    # Sign rule: the first party in id order with a non-zero coordinate on an axis is on its positive side.
    assert points[0].x > 0
    assert points[0].y > 0
    assert all(p.filled == [] for p in points)


def test_misperceptions_by_hand(scenario: Scenario) -> None:
    found = misperceptions(scenario, PARTIES)
    rows = [(m.observer, m.observed, m.item, m.item_kind) for m in found]
    assert rows == [
        ("alpha", "beta", "security", "issue"),
        ("beta", "gamma", "p3", "proposition"),
        ("gamma", "beta", "p1", "proposition"),
    ]
    security, p3, p1 = found
    # 50 perceived against beta's declared 80 (not the 70 mean): gap -30 on a 100-wide scale.
    assert (security.perceived, security.actual, security.gap) == pytest.approx((50, 80, -30))
    assert security.normalised_gap == pytest.approx(0.3)
    assert (security.actual_kind, security.actual_source, security.perceived_source) == (
        "declared",
        "brief#¶2",
        "analyst",
    )
    # 0.5 perceived against gamma's 0.0: gap 0.5 on the stance scale of width 2.
    assert (p3.gap, p3.normalised_gap, p3.actual_kind, p3.actual_source) == pytest.approx(
        (0.5, 0.25, "attributed", "brief#¶7")
    )
    # mean(0.1, -0.1) = 0 perceived against beta's attributed 0.4 (the estimated 0.8 is outranked).
    assert (p1.perceived, p1.actual, p1.gap, p1.normalised_gap) == pytest.approx((0.0, 0.4, -0.4, 0.2))
    assert (p1.perceived_source, p1.actual_source) == ("analyst, news", "news")


def test_misperceptions_only_among_chosen_parties(scenario: Scenario) -> None:
    found = misperceptions(scenario, ["alpha", "beta"])
    assert [(m.observer, m.observed, m.item) for m in found] == [("alpha", "beta", "security")]


def test_provenance_shares_by_hand(scenario: Scenario) -> None:
    shares = {share.party: share for share in provenance_shares(scenario, PARTIES)}
    # alpha: capability (declared, brief), trade value (declared, brief), trade salience, security value and
    # salience, four stances, two perceptions held (all estimated, analyst) -> 2 declared + 9 estimated.
    alpha = shares["alpha"]
    assert alpha.by_kind == {"declared": 2, "attributed": 0, "estimated": 9}
    assert alpha.by_source == {"analyst": 9, "brief": 2}
    assert alpha.total == 11
    # beta: trade value + salience (2), security value (declared + estimated) + salience (3),
    # stances p1 (attributed + estimated), p2, p3 (p4 unknown: no estimate), one perception held -> 10.
    beta = shares["beta"]
    assert beta.by_kind == {"declared": 1, "attributed": 1, "estimated": 8}
    assert beta.by_source == {"analyst": 8, "brief": 1, "news": 1}
    # gamma: trade value + salience, stances p1, p2, p3 (attributed), perceptions of beta on p1 (2) and p4 (1).
    gamma = shares["gamma"]
    assert gamma.by_kind == {"declared": 0, "attributed": 1, "estimated": 7}
    assert gamma.by_source == {"analyst": 6, "brief": 1, "news": 1}
    assert gamma.total == 8


def test_assess_puts_it_together(scenario: Scenario) -> None:
    result = assess(scenario, ["Gammaria", "alpha city", "beta", "ALPHA"])
    assert result.scenario == "three"
    assert result.parties == ["alpha", "beta", "gamma"]
    assert result.convergence == convergence(scenario, PARTIES)
    assert result.agreement == agreement_matrix(scenario, PARTIES)
    assert result.cruxes == cruxes(scenario, PARTIES)
    assert result.distances == issue_distances(scenario, PARTIES)
    assert result.party_map == party_map(scenario, PARTIES)
    assert result.options == {"accept_at": 0.5, "reject_at": -0.5, "crux_count": 5}
    assert result.notes == []
    data = result.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert assess(scenario).to_dict() == data  # default_parties


def test_assess_without_default_parties_takes_every_actor() -> None:
    built = three_parties()
    built.default_parties = []
    assert assess(built.build()).parties == ["alpha", "beta", "gamma"]


def test_changing_one_stance_changes_the_result(scenario: Scenario) -> None:
    before = assess(scenario)
    # gamma moves on p3 from 0 to 1: p3's score becomes (1 - 1 + 1) / 3 and its separation (2 + 0 + 2) / 3.
    b = three_parties()
    b.stances = [s for s in b.stances if (s.actor, s.proposition) != ("gamma", "p3")]
    b.stance("gamma", "p3", 1.0)
    after = assess(b.build())
    assert after.to_dict() != before.to_dict()
    p3 = next(r for r in after.convergence.split if r.id == "p3")
    assert p3.score == pytest.approx(1 / 3)
    assert p3.separation == pytest.approx(4 / 3)
    assert p3.accept == ["alpha", "gamma"]
    # alpha-gamma now differ on p3 by 0 instead of 1: agreement 1 - 0.43 / 4.2.
    assert after.agreement.values[0][2] == pytest.approx(1 - 0.43 / 4.2)


def test_unknown_party_lists_the_known_ones(scenario: Scenario) -> None:
    with pytest.raises(AccordError, match=r"no party called 'Deltaland'.*alpha \(Alphaland\).*gamma \(Gammaria\)"):
        assess(scenario, ["alpha", "Deltaland"])


@pytest.mark.parametrize("parties", [["alpha"], ["alpha", "Alphaland", "alpha city"], []])
def test_fewer_than_two_parties(scenario: Scenario, parties: list[str]) -> None:
    with pytest.raises(AccordError, match="at least 2 parties"):
        assess(scenario, parties)


def test_a_single_string_is_one_party(scenario: Scenario) -> None:
    with pytest.raises(AccordError, match=r"at least 2 parties, but 1 were chosen \(alpha\)"):
        assess(scenario, "alpha")


@pytest.mark.parametrize(
    "kwargs", [{"accept_at": 0.0, "reject_at": 0.0}, {"accept_at": 1.5}, {"reject_at": -2.0}, {"crux_count": -1}]
)
def test_bad_options(kwargs: dict[str, float]) -> None:
    with pytest.raises(AccordError):
        AssessmentOptions(**kwargs)  # type: ignore[arg-type]


def test_map_notes_filled_distances() -> None:
    b = ScenarioBuilder("sparse")
    b.actor("a").actor("b").actor("c").issue("one").issue("two")
    b.position("a", "one", 0, 1).position("b", "one", 100, 1)
    b.position("c", "two", 0, 1).position("b", "two", 100, 1)
    result = assess(b.build())
    # a-b = 1 (opposite ends of issue one), b-c = 1 (of issue two), a-c unknown -> filled with mean(1, 1):
    # an equilateral triangle of side 1.
    assert result.distances.values[0][2] is None
    assert [p.filled for p in result.party_map] == [["c"], [], ["a"]]
    points = {p.party: (p.x, p.y) for p in result.party_map}
    assert math.dist(points["a"], points["c"]) == pytest.approx(1.0)
    assert math.dist(points["a"], points["b"]) == pytest.approx(1.0)
    assert result.notes and "a–c" in result.notes[0]


def test_party_map_for_one_and_two_parties(scenario: Scenario) -> None:
    (only,) = party_map(scenario, ["beta"])
    assert (only.party, only.x, only.y) == ("beta", 0.0, 0.0)
    a, c = party_map(scenario, ["gamma", "alpha"])
    # alpha-gamma = 0.8: both on the x axis, alpha (first in id order) on the positive side.
    assert (a.x, a.y, c.x, c.y) == pytest.approx((0.4, 0.0, -0.4, 0.0))


def test_map_from_distances_of_a_square() -> None:
    from accord.engines.assessment import PairMatrix

    side, diagonal = 0.5, 0.5 * math.sqrt(2)
    values: list[list[float | None]] = [
        [0.0, side, diagonal, side],
        [side, 0.0, side, diagonal],
        [diagonal, side, 0.0, side],
        [side, diagonal, side, 0.0],
    ]
    matrix = PairMatrix(parties=["a", "b", "c", "d"], values=values, counts=[[1] * 4] * 4)
    points = map_from_distances(matrix)
    for i, p in enumerate(points):
        for j, q in enumerate(points):
            assert math.hypot(p.x - q.x, p.y - q.y) == pytest.approx(values[i][j], abs=1e-9)
