"""Fixtures for the report tests: a small scenario and a hand-made assessment of it.

Built in code so that the report can be tested without the assessment engine
or the default scenario file; the values are invented but consistent with
each other (the stances in the assessment are the scenario's stances).
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from typing import Any

import pytest

from accord.engines.assessment.results import (
    Assessment,
    Convergence,
    Crux,
    MapPoint,
    Misperception,
    PairMatrix,
    PropositionResult,
    ProvenanceShare,
)
from accord.model import Scenario
from accord.report import ReportFiles, find_chromium, write_report

#: The title, with characters that must be escaped.
TITLE = "Afghanistan & U.S.–Pakistan relations (test)"
#: A proposition text that would run as a script if the report did not escape it.
HOSTILE_TEXT = "<script>alert('x')</script> talks & more"


def find_chromium_or_skip() -> str:
    """The Chromium binary for browser and PDF tests; skip without one, but fail when ``CI=true``."""
    found = find_chromium()
    if found is None:
        reason = "Chromium not found (install Debian's chromium or set ACCORD_CHROMIUM)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; browser and PDF tests must run in CI")
        pytest.skip(reason)
    return found


_RATIONALES = itertools.count(1)


def _est(value: float, source: str = "brief#¶12", kind: str = "attributed", **extra: Any) -> dict[str, Any]:
    if kind == "estimated":
        extra.setdefault("rationale", f"analyst reading number {next(_RATIONALES)} of the brief")
    return {"value": value, "kind": kind, "source": source, **extra}


def _scenario_data() -> dict[str, Any]:
    stances = {
        ("usa", "no-military-solution"): _est(1.0, "brief#¶3", "declared"),
        ("pakistan", "no-military-solution"): _est(0.8, "brief#¶4"),
        ("taliban", "no-military-solution"): _est(0.6, "brief#¶5", "estimated"),
        ("usa", "foreign-forces-stay"): _est(-0.9, "brief#¶7"),
        ("pakistan", "foreign-forces-stay"): _est(-0.7, "brief#¶7"),
        ("taliban", "foreign-forces-stay"): _est(-1.0, "statement#¶1", "declared"),
        ("usa", "talks-with-kabul"): _est(1.0, "brief#¶9", "declared"),
        ("pakistan", "talks-with-kabul"): _est(0.5, "brief#¶9"),
        ("taliban", "talks-with-kabul"): _est(-0.8, "brief#¶10"),
        ("usa", "hostile"): _est(0.3, "analysts", "estimated"),
        ("pakistan", "hostile"): _est(-0.4, "analysts", "estimated"),
    }
    return {
        "id": "test-scenario",
        "title": TITLE,
        "as_of": "2019-03-01",
        "description": "A small scenario for testing the report <b>layer</b>.",
        "default_parties": ["usa", "pakistan", "taliban"],
        "sources": [
            {"id": "brief", "kind": "document", "title": "A policy brief", "author": "A. Author", "paragraphs": 40},
            {"id": "statement", "kind": "news", "title": "A public statement"},
            {"id": "analysts", "kind": "analyst", "title": "Test analysts"},
        ],
        "actors": [
            {"id": "usa", "name": "United States", "kind": "state", "capability": _est(90, "brief#¶2", "estimated")},
            {"id": "pakistan", "name": "Pakistan", "kind": "state", "capability": _est(40, "brief#¶2", "estimated")},
            {
                "id": "taliban",
                "name": "Afghan Taliban",
                "kind": "armed-movement",
                "description": "An insurgency.",
                "capability": _est(30, "brief#¶2", "estimated", range=[20, 45]),
            },
        ],
        "issues": [
            {
                "id": "troops",
                "name": "Foreign troop presence",
                "scale": {"low": 0, "high": 100, "low_label": "none", "high_label": "full", "units": "percent"},
            },
            {
                "id": "sanctuaries",
                "name": "Action on sanctuaries",
                "scale": {"low": 0, "high": 10, "low_label": "none", "high_label": "complete"},
            },
        ],
        "propositions": [
            {
                "id": "no-military-solution",
                "text": "There is no military solution.",
                "topic": "war",
                "source": "brief#¶29",
            },
            {
                "id": "foreign-forces-stay",
                "text": "Foreign forces stay indefinitely.",
                "topic": "troops",
                "source": "brief#¶7",
            },
            {"id": "talks-with-kabul", "text": "The Taliban talk to Kabul.", "topic": "talks", "source": "brief#¶9"},
            {"id": "hostile", "text": HOSTILE_TEXT, "topic": "talks", "source": "brief#¶11"},
        ],
        "positions": [
            {
                "actor": "usa",
                "issue": "troops",
                "value": _est(40, "brief#¶14", range=[30, 55]),
                "salience": _est(0.8, "brief#¶14", range=[0.6, 0.9]),
            },
            {
                "actor": "pakistan",
                "issue": "troops",
                "value": _est(10, range=[5, 25]),
                "salience": _est(0.5, "analysts", "estimated"),
            },
            {
                "actor": "taliban",
                "issue": "troops",
                "value": _est(0, "statement#¶1", "declared"),
                "salience": _est(1.0),
            },
            {"actor": "usa", "issue": "sanctuaries", "value": _est(10), "salience": _est(0.9)},
            {"actor": "pakistan", "issue": "sanctuaries", "value": _est(3, range=[1, 6]), "salience": _est(0.6)},
            {"actor": "taliban", "issue": "sanctuaries", "value": _est(0, "statement#¶1"), "salience": _est(0.4)},
        ],
        "variants": [
            {
                "id": "engagement",
                "name": "Engagement",
                "positions": [
                    {"actor": "pakistan", "issue": "sanctuaries", "value": _est(6, "brief#¶39", range=[4, 8])}
                ],
            },
            {
                "id": "coercion",
                "name": "Coercion",
                "positions": [{"actor": "usa", "issue": "troops", "value": _est(70, "brief#¶40", range=[60, 80])}],
            },
        ],
        "outcomes": [
            {
                "id": "agreement-troops",
                "date": "2020-02-29",
                "issue": "troops",
                "value": _est(5, "statement#¶2", "estimated", range=[0, 20]),
                "description": "An agreement to withdraw <all> forces.",
            },
            {
                "id": "withdrawal-troops",
                "date": "2021-08-30",
                "issue": "troops",
                "value": _est(0, "statement#¶3", "estimated", range=[0, 2]),
                "description": "The withdrawal was completed.",
            },
        ],
        "stances": [{"actor": a, "proposition": p, "value": v} for (a, p), v in stances.items()]
        + [{"actor": "taliban", "proposition": "hostile", "value": "unknown"}],
        "perceptions": [
            {"observer": "usa", "observed": "pakistan", "issue": "sanctuaries", "value": _est(0, "brief#¶20")},
            {"observer": "pakistan", "observed": "usa", "issue": "troops", "value": _est(90, "brief#¶21")},
        ],
        "objectives": [
            {"id": "stable-afghanistan", "text": "A stable, sovereign Afghanistan", "source": "brief#¶30"},
            {"id": "counter-terrorism", "text": "No safe havens for terrorists", "source": "brief#¶31"},
        ],
        "instruments": [
            {
                "id": "aid",
                "kind": "economic",
                "text": "Economic assistance",
                "serves": ["stable-afghanistan"],
                "source": "brief#¶32",
            },
            {
                "id": "intel-sharing",
                "kind": "intelligence",
                "text": "Intelligence sharing",
                "serves": ["counter-terrorism"],
                "source": "brief#¶33",
            },
        ],
        "steps": [
            {
                "id": "strategic-dialogue",
                "text": "Resume the strategic dialogue",
                "status": "agreed",
                "source": "brief#¶34",
                "objectives": ["stable-afghanistan"],
                "tracks": ["track-strategic"],
            },
            {
                "id": "coordination-cell",
                "text": "Set up a coordination mechanism",
                "status": "in-progress",
                "source": "brief#¶35",
                "objectives": ["counter-terrorism"],
                "instruments": ["intel-sharing"],
                "tracks": ["track-coordination"],
            },
            {
                "id": "track-two",
                "text": "Convene a Track II meeting",
                "status": "proposed",
                "source": "brief#¶36",
                "tracks": ["track-ii"],
            },
            {"id": "old-plan", "text": "An abandoned plan", "status": "dropped", "source": "brief#¶37"},
        ],
        "tracks": [
            {
                "id": "track-strategic",
                "name": "Strategic dialogue",
                "tier": "track-1",
                "parties": ["usa", "pakistan"],
                "source": "brief#¶34",
            },
            {
                "id": "track-coordination",
                "name": "Coordination mechanism",
                "tier": "track-1",
                "parties": ["usa", "pakistan"],
                "source": "brief#¶35",
            },
            {
                "id": "track-ii",
                "name": "Track II",
                "tier": "track-2",
                "parties": ["usa", "pakistan", "taliban"],
                "source": "brief#¶36",
                "description": "Scholars and former officials.",
            },
        ],
        "walls": [
            {
                "id": "wall-coordination-track-ii",
                "tracks": ["track-coordination", "track-ii"],
                "source": "brief#¶38",
                "rationale": "Intelligence must not reach the informal track.",
            },
        ],
    }


def _result(
    pid: str, text: str, source: str, score: float | None, stances: dict[str, float | None], topic: str = "talks"
) -> PropositionResult:
    return PropositionResult(
        id=pid,
        text=text,
        topic=topic,
        source=source,
        score=score,
        stances=stances,
        accept=[p for p, v in stances.items() if v is not None and v > 0.2],
        reject=[p for p, v in stances.items() if v is not None and v < -0.2],
        neutral=[p for p, v in stances.items() if v is not None and -0.2 <= v <= 0.2],
        unknown=[p for p, v in stances.items() if v is None],
        separation=_separation(stances),
    )


def _separation(stances: dict[str, float | None]) -> float | None:
    """The unweighted mean absolute difference over pairs of known stances."""
    known = [v for v in stances.values() if v is not None]
    pairs = [abs(a - b) for i, a in enumerate(known) for b in known[i + 1 :]]
    return sum(pairs) / len(pairs) if pairs else None


def make_assessment(scenario: Scenario) -> Assessment:
    """An assessment of the test scenario with invented, mutually consistent values."""
    parties = ["usa", "pakistan", "taliban"]
    agreed = _result(
        "no-military-solution",
        "There is no military solution.",
        "brief#¶29",
        0.8,
        {"usa": 1.0, "pakistan": 0.8, "taliban": 0.6},
        "war",
    )
    rejected = _result(
        "foreign-forces-stay",
        "Foreign forces stay indefinitely.",
        "brief#¶7",
        -0.87,
        {"usa": -0.9, "pakistan": -0.7, "taliban": -1.0},
        "troops",
    )
    talks = _result(
        "talks-with-kabul",
        "The Taliban talk to Kabul.",
        "brief#¶9",
        0.23,
        {"usa": 1.0, "pakistan": 0.5, "taliban": -0.8},
    )
    hostile = _result("hostile", HOSTILE_TEXT, "brief#¶11", -0.05, {"usa": 0.3, "pakistan": -0.4, "taliban": None})
    return Assessment(
        scenario=scenario.id,
        parties=parties,
        convergence=Convergence(
            parties=parties, agreed=[agreed], rejected=[rejected], split=[talks, hostile], gaps=[hostile]
        ),
        agreement=PairMatrix(
            parties=parties,
            values=[[1.0, 0.81, 0.45], [0.81, 1.0, 0.58], [0.45, 0.58, 1.0]],
            counts=[[4, 4, 3], [4, 4, 3], [3, 3, 3]],
        ),
        cruxes=[
            Crux(
                id="talks-with-kabul",
                text="The Taliban talk to Kabul.",
                separation=1.2,
                stances={"usa": 1.0, "pakistan": 0.5, "taliban": -0.8},
            ),
            Crux(
                id="hostile", text=HOSTILE_TEXT, separation=0.7, stances={"usa": 0.3, "pakistan": -0.4, "taliban": None}
            ),
        ],
        distances=PairMatrix(
            parties=parties,
            values=[[0.0, 0.32, 0.4], [0.32, 0.0, 0.1], [0.4, 0.1, 0.0]],
            counts=[[2, 2, 1], [2, 2, 1], [1, 1, 1]],
        ),
        party_map=[MapPoint("usa", -0.25, 0.05), MapPoint("pakistan", 0.08, -0.04), MapPoint("taliban", 0.17, 0.0)],
        misperceptions=[
            Misperception(
                observer="usa",
                observed="pakistan",
                item="sanctuaries",
                item_kind="issue",
                perceived=0.0,
                actual=3.0,
                actual_kind="attributed",
                gap=-3.0,
                normalised_gap=0.3,
                perceived_source="brief#¶20",
                actual_source="brief#¶12",
            ),
            Misperception(
                observer="pakistan",
                observed="usa",
                item="troops",
                item_kind="issue",
                perceived=90.0,
                actual=40.0,
                actual_kind="attributed",
                gap=50.0,
                normalised_gap=0.5,
                perceived_source="brief#¶21",
                actual_source="brief#¶14",
            ),
        ],
        provenance=[
            ProvenanceShare(
                "usa", {"declared": 2, "attributed": 6, "estimated": 2}, {"brief": 8, "analysts": 1, "statement": 1}, 10
            ),
            ProvenanceShare("pakistan", {"attributed": 6, "estimated": 3}, {"brief": 7, "analysts": 2}, 9),
            ProvenanceShare(
                "taliban", {"declared": 2, "attributed": 2, "estimated": 1}, {"brief": 3, "statement": 2}, 5
            ),
        ],
        options={"accept_at": 0.2, "reject_at": -0.2},
        notes=["Test caveat with <i>markup</i> that must be escaped."],
    )


@pytest.fixture
def chromium() -> str:
    """The Chromium binary (see :func:`find_chromium_or_skip`)."""
    return find_chromium_or_skip()


@pytest.fixture(scope="session")
def hostile_text() -> str:
    """The proposition text that must come out escaped."""
    return HOSTILE_TEXT


@pytest.fixture(scope="session")
def scenario() -> Scenario:
    """The small test scenario."""
    return Scenario.model_validate(_scenario_data())


@pytest.fixture(scope="session")
def assessment(scenario: Scenario) -> Assessment:
    """A hand-made assessment of the test scenario."""
    return make_assessment(scenario)


@pytest.fixture(scope="session")
def html(scenario: Scenario, assessment: Assessment) -> str:
    """The rendered report."""
    from accord.report import render_html

    return render_html(scenario, assessment)


@pytest.fixture
def written(scenario: Scenario, assessment: Assessment, tmp_path: Path) -> ReportFiles:
    """The report written (HTML only) into a fresh directory."""
    return write_report(scenario, assessment, tmp_path / "out")
