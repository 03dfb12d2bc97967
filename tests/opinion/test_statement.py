"""The draft statement of principles: honest admission, Schulze order, topics and cited support."""

from __future__ import annotations

import numpy as np
import pytest

from accord.engines.assessment import convergence
from accord.engines.opinion.schulze import pairwise_from_scores, schulze
from accord.engines.opinion.statement import (
    StatementInfo,
    draft_from_votes,
    draft_parties,
    draft_statement,
    group_informed_consensus,
)
from accord.io import default_scenario_path, load_scenario
from accord.model import Scenario
from tests.opinion.test_bridging import planted


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario(default_scenario_path())


def test_default_draft_is_for_the_united_states_and_pakistan(scenario: Scenario) -> None:
    assert draft_parties(scenario) == ("pakistan", "usa")
    draft = draft_statement(scenario)
    assert draft.groups == ["pakistan", "usa"]
    assert "Pakistan" in draft.title and "United States" in draft.title


def test_only_what_both_accept_is_in_and_the_rest_is_explained(scenario: Scenario) -> None:
    draft = draft_statement(scenario)
    agreed = {r.id for r in convergence(scenario, ["usa", "pakistan"]).agreed}
    assert {line.id for line in draft.lines} == agreed
    assert {"no-military-solution", "political-settlement-first", "eliminate-isis"} <= agreed
    for line in draft.lines:
        assert all(value is not None and value >= 0.5 for value in line.stances.values()), line.id
    excluded = {e.id: e.reason for e in draft.excluded}
    assert set(excluded) == {p.id for p in scenario.propositions} - agreed
    assert excluded["pakistan-no-favourites"] == "rejected by usa"
    assert excluded["sanctuaries-sustain-taliban"] == "rejected by pakistan"


def test_order_is_schulze_over_the_stances(scenario: Scenario) -> None:
    draft = draft_statement(scenario)
    ids = draft.order
    stances = np.array(
        [[line.stances[p] for line in sorted(draft.lines, key=lambda x: ids.index(x.id))] for p in draft.groups],
        dtype=float,
    )
    ranks = schulze(pairwise_from_scores(stances), ids).ranks
    assert [ranks[i] for i in ids] == sorted(ranks[i] for i in ids)
    assert ids[0] == "no-terror-hotbed"  # both parties' strongest joint stance (usa 1.0, pakistan 0.9)
    assert [line.rank for line in draft.lines if line.id == ids[0]] == [1]


def test_every_line_cites_its_support(scenario: Scenario) -> None:
    draft = draft_statement(scenario)
    for line in draft.lines:
        citation = line.citation()
        assert line.id in citation and line.source is not None and line.source in citation
        assert line.source.startswith("brief#¶")
        assert "bridging" in citation and "GIC" in citation and "accepted by pakistan, usa" in citation
        assert line.gic == pytest.approx((2 / 3) ** 2)
        assert set(line.evidence) == {"pakistan", "usa"} and all(line.evidence.values())
    text = draft.text()
    assert all(line.text in text for line in draft.lines)
    data = draft.to_dict()
    assert data["sections"][0]["lines"][0]["citation"].startswith("[")


def test_lines_are_grouped_by_topic(scenario: Scenario) -> None:
    draft = draft_statement(scenario)
    topics = [section.topic for section in draft.sections]
    assert len(topics) == len(set(topics))
    for section in draft.sections:
        assert all(line.topic == section.topic for line in section.lines)
    assert topics[0] == "terrorism"


def test_group_informed_consensus_formula() -> None:
    votes = np.array([[1, -1], [1, 0], [-1, 1], [np.nan, 1]])
    gic, agree, seen, labels = group_informed_consensus(votes, None, ["a", "a", "b", "b"])
    assert labels == ["a", "b"]
    assert agree.tolist() == [[2, 0], [0, 2]] and seen.tolist() == [[2, 2], [1, 2]]
    assert gic.tolist() == pytest.approx([(3 / 4) * (1 / 3), (1 / 4) * (3 / 4)])


def test_draft_from_votes_keeps_the_cross_camp_statement() -> None:
    votes, seen, camp = planted()
    infos = [StatementInfo(f"s{j}", f"statement {j}") for j in range(votes.shape[1])]
    draft = draft_from_votes(votes, seen, infos, [f"camp-{c}" for c in camp], top=5)
    assert draft.order == ["s0"]  # only the bridge has a majority in both camps
    assert draft.lines[0].accept == ["camp-0", "camp-1"]
    assert "s1" in {e.id for e in draft.excluded}
    assert draft_from_votes(votes, seen, infos, [f"camp-{c}" for c in camp], top=5) == draft
