"""The default scenario: the brief's own case, with provenance on every value, and what the analysis finds."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from accord.engines.assessment import assess
from accord.io import default_scenario_path, load_default_scenario, load_scenario
from accord.model import ProvenanceKind, Scenario, iter_estimates

FOUR_WAY = ["usa", "afghan-government", "pakistan", "taliban"]


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_default_scenario()


def test_parties_and_sections(scenario: Scenario) -> None:
    ids = {a.id for a in scenario.actors}
    assert {"usa", "pakistan", "afghan-government", "taliban", "china", "india"} <= ids
    assert scenario.default_parties == FOUR_WAY
    assert scenario.actor("Washington").id == "usa"
    assert scenario.actor("Islamabad").id == "pakistan"
    issues = {i.id for i in scenario.issues}
    assert {
        "foreign-troops",
        "taliban-role",
        "us-approach-pakistan",
        "rights-guarantees",
        "regional-connectivity",
        "indo-pacific-linkage",
        "counter-isis",
    } <= issues
    assert {v.id for v in scenario.variants} >= {"engagement", "coercion"}


def test_every_party_has_a_reading_of_everything(scenario: Scenario) -> None:
    for actor in scenario.actors:
        assert actor.capability is not None, actor.id
        for issue in scenario.issues:
            assert scenario.position(actor.id, issue.id) is not None, (actor.id, issue.id)
        for proposition in scenario.propositions:
            assert scenario.stance(actor.id, proposition.id) is not None, (actor.id, proposition.id)


def test_every_value_cites_a_source_and_estimates_have_specific_rationales(scenario: Scenario) -> None:
    rationales: list[str] = []
    for estimate, loc in iter_estimates(scenario):
        assert estimate.source, loc
        if estimate.kind is ProvenanceKind.ESTIMATED:
            assert estimate.rationale and len(estimate.rationale.split()) >= 4, loc
            rationales.append(" ".join(estimate.rationale.casefold().split()))
    assert len(rationales) == len(set(rationales)), "an estimate's rationale is repeated"


def test_the_brief_is_attributed_not_declared(scenario: Scenario) -> None:
    """The brief is one Pakistani author's reading: nothing it says is a party's own declaration."""
    for estimate, loc in iter_estimates(scenario):
        if estimate.source_id == "brief":
            assert estimate.kind is not ProvenanceKind.DECLARED, loc


def test_propositions_cover_the_brief(scenario: Scenario) -> None:
    cited = {p.source for p in scenario.propositions}
    for paragraph in range(17, 29):  # what Washington should understand of Pakistan's view
        assert f"brief#¶{paragraph}" in cited, paragraph
    ids = {p.id for p in scenario.propositions}
    assert {
        "no-military-solution",
        "political-settlement-first",
        "eliminate-isis",
        "conflict-is-civil-war",
        "conflict-is-counterterrorism",
        "sanctuaries-sustain-taliban",
    } <= ids


def test_tracks_and_walls(scenario: Scenario) -> None:
    tracks = {t.id: t for t in scenario.tracks}
    assert {"us-pakistan-strategic-dialogue", "coordination-mechanism", "us-india"} <= set(tracks)
    assert any(set(t.parties) == {"usa", "pakistan", "china"} and t.tier == "track-2" for t in tracks.values())
    walled = {frozenset(w.tracks) for w in scenario.walls}
    for track in tracks.values():
        if set(track.parties) >= {"usa", "pakistan"}:
            assert frozenset({"us-india", track.id}) in walled, track.id


def test_outcomes_are_dated_and_kept_apart(scenario: Scenario) -> None:
    dates = {o.date.isoformat() for o in scenario.outcomes}
    assert "2020-02-29" in dates
    assert any(d.startswith("2021-08") for d in dates)


def test_four_way_convergence_is_computed(scenario: Scenario) -> None:
    result = assess(scenario)
    assert result.parties == sorted(FOUR_WAY)
    agreed = {p.id for p in result.convergence.agreed}
    assert {"no-military-solution", "political-settlement-first", "eliminate-isis"} <= agreed


def test_competing_readings_split_the_united_states_and_pakistan(scenario: Scenario) -> None:
    result = assess(scenario, ["Washington", "Islamabad"])
    split = {p.id: p for p in result.convergence.split}
    for proposition in ("conflict-is-civil-war", "conflict-is-counterterrorism", "sanctuaries-sustain-taliban"):
        assert proposition in split, proposition
        entry = split[proposition]
        assert {*entry.accept, *entry.reject} == {"usa", "pakistan"}, proposition


def test_a_us_misperception_of_pakistan_is_ranked(scenario: Scenario) -> None:
    result = assess(scenario, ["usa", "pakistan"])
    ranked = [(m.observer, m.observed) for m in result.misperceptions]
    assert ("usa", "pakistan") in ranked
    first = next(m for m in result.misperceptions if (m.observer, m.observed) == ("usa", "pakistan"))
    assert first.normalised_gap >= 0.25


def test_no_party_holds_the_same_stance_on_every_proposition(scenario: Scenario) -> None:
    for actor in scenario.actors:
        values = {s.value.mean for s in scenario.stances if s.actor == actor.id and s.value is not None}
        assert len(values) > 1, actor.id


def test_changing_one_stance_in_a_copy_of_the_file_changes_the_result(scenario: Scenario, tmp_path: Path) -> None:
    data = yaml.safe_load(default_scenario_path().read_text(encoding="utf-8"))
    (stance,) = [s for s in data["stances"] if (s["actor"], s["proposition"]) == ("taliban", "no-military-solution")]
    stance["value"] = {"value": -1, "kind": "estimated", "source": "analyst", "rationale": "a test flips this stance"}
    copy = tmp_path / "changed.yaml"
    copy.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    before, after = assess(scenario), assess(load_scenario(copy))
    assert "no-military-solution" in {p.id for p in before.convergence.agreed}
    assert "no-military-solution" not in {p.id for p in after.convergence.agreed}
    assert after.to_dict() != before.to_dict()


def test_citations_point_at_the_shipped_brief(scenario: Scenario, shared: Callable[[str], Path]) -> None:
    brief = shared("reference/000_90b1e8c47b558330.txt").read_text(encoding="utf-8")
    blocks = [b.strip() for b in re.split(r"\n\s*\n", brief) if b.strip()]
    source = next(s for s in scenario.sources if s.id == "brief")
    assert source.paragraphs == len(blocks) == 58
    assert blocks[0] == "The Pakistan Policy Symposium"
    anchors = {
        "no-military-solution": "no military solution",
        "sanctuaries-sustain-taliban": "sanctuaries",
        "conflict-is-civil-war": "civil war",
        "eliminate-isis": "ISIS",
    }
    for proposition_id, phrase in anchors.items():
        cited = scenario.proposition(proposition_id).source
        paragraph = int(cited.split("¶")[1])
        assert phrase in blocks[paragraph - 1], (proposition_id, cited)
    for proposition in scenario.propositions:
        if proposition.source.startswith("brief#"):
            paragraph_text = blocks[int(proposition.source.split("¶")[1]) - 1]
            assert proposition.text.strip() != paragraph_text, "propositions are paraphrased, not pasted"
