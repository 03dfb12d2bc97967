"""The report's opinion section: the opinion map, consensus and bridging statements, each number cited."""

from __future__ import annotations

import re

import numpy as np
import pytest

from accord.engines.assessment.results import Assessment
from accord.model import Scenario
from accord.report import render_html
from accord.report.charts import RASTER_POINTS, opinion_map_chart
from accord.report.opinion import scenario_opinion

_FIGURE = re.compile(r'<figure class="chart" id="(?P<id>[^"]+)">(?P<body>.*?)</figure>', re.DOTALL)
COMPUTED = "computed: Pol.is pipeline over 3 participants x 4 statements"


def _section(html: str, section_id: str = "opinion") -> str:
    start = html.index(f'<section id="{section_id}">')
    return html[start : html.index("</section>", start)]


def _rows(part: str, table: str) -> list[str]:
    body = part[part.index(f'<table class="{table}">') :]
    return re.findall(r"<tr id=\"[^\"]+\"[^>]*>(.*?)</tr>", body[: body.index("</table>")], re.DOTALL)


def test_section_comes_after_the_map_with_its_heading(html: str) -> None:
    where = [html.index(f'<section id="{s}">') for s in ("map", "opinion", "forecast")]
    assert where == sorted(where)
    part = _section(html)
    assert "<h2>Opinion groups</h2>" in part
    assert '<li><a href="#opinion">Opinion groups</a></li>' in html  # in the contents list


def test_opinion_map_places_and_labels_every_party(html: str) -> None:
    figures = {m["id"]: m["body"] for m in _FIGURE.finditer(_section(html))}
    assert list(figures) == ["chart-opinion"]
    svg = figures["chart-opinion"]
    assert svg.lstrip().startswith("<svg") and 'aria-labelledby="chart-opinion-caption"' in svg
    for name in ("United States", "Pakistan", "Afghan Taliban"):
        assert name in svg, name
    assert "principal component 1" in svg
    assert "each is its own opinion group" in svg.split("<figcaption", 1)[1]


def test_consensus_is_highest_first_with_citation_and_computed(html: str) -> None:
    part = _section(html)
    rows = _rows(part, "opinion-consensus")
    assert rows, "no consensus rows"
    values = [float(re.search(r'<span class="num">([\d.]+)</span>', row)[1]) for row in rows]  # type: ignore[index]
    assert values == sorted(values, reverse=True)
    # every party accepts "no military solution": the highest group-informed consensus, (2/3)^3 with three parties
    assert "There is no military solution." in rows[0] and "brief#¶29" in rows[0]
    assert values[0] == pytest.approx((2 / 3) ** 3, abs=1e-3)
    assert "at most 0.296" in part
    for row in rows:
        assert COMPUTED in row
        assert re.search(r"brief#¶\d+", row)


def test_bridging_statements_carry_score_citation_and_computed(html: str) -> None:
    part = _section(html)
    rows = _rows(part, "opinion-bridging")
    assert len(rows) == 4
    assert "Bridging score" in part and "Community Notes" in part
    for row in rows:
        assert re.search(r'<span class="num">[+-]\d\.\d{3}</span>', row)
        assert "computed: Community Notes&#39; bridging model over 3 participants x 4 statements" in row
        assert re.search(r"brief#¶\d+", row)
    assert "There is no military solution." in rows[0]  # accepted by all three: it bridges


def test_section_states_its_method_and_the_unknown_stance(html: str) -> None:
    part = _section(html)
    assert COMPUTED in part
    assert "1 of 12 party-proposition stances are unknown" in part
    assert "at least +0.20 counts as agree" in part  # the assessment's thresholds (0.2 in the test assessment)
    assert "&lt;script&gt;" in part and "<script" not in part  # the hostile proposition stays escaped
    assert 'id="opinion-group-0"' in part and "What sets each party apart" in part


def test_default_scenario_four_parties() -> None:
    from accord.engines.assessment import assess
    from accord.io import default_scenario_path, load_scenario

    default_scenario = load_scenario(default_scenario_path())
    assessment = assess(default_scenario)
    assert len(assessment.parties) == 4
    section = scenario_opinion(default_scenario, assessment.parties, assessment.options)
    assert section.reason is None and section.parties_as_groups
    n_statements = len(default_scenario.propositions)
    assert section.provenance == f"computed: Pol.is pipeline over 4 participants x {n_statements} statements"
    assert sorted(g.name for g in section.groups) == ["Afghan government", "Pakistan", "Taliban", "United States"]
    assert section.consensus and all(c.statement.source and "¶" in c.statement.source for c in section.consensus)
    assert section.consensus[0].agree == pytest.approx(section.gic_max)
    assert section.bridging and all(b.statement.source for b in section.bridging)
    assert section.payload is not None and len(section.payload["participants"]) == 4
    html = render_html(default_scenario, assessment, opinion=section)
    svg = {m["id"]: m["body"] for m in _FIGURE.finditer(html)}["chart-opinion"]
    for actor in default_scenario.actors:
        if actor.id in assessment.parties:
            assert actor.name in svg, actor.name


@pytest.mark.parametrize("parties", [["usa", "pakistan"], ["usa"]])
def test_few_parties(scenario: Scenario, parties: list[str]) -> None:
    section = scenario_opinion(scenario, parties, {"accept_at": 0.5, "reject_at": -0.5})
    assert section.reason is None
    assert len(section.groups) == len(parties) and section.chart is not None
    assert section.consensus and section.bridging


def test_unknown_stances_and_silent_parties_are_noted(scenario: Scenario, assessment: Assessment) -> None:
    silent = scenario.model_copy(update={"stances": [s for s in scenario.stances if s.actor != "taliban"]})
    section = scenario_opinion(silent, ["usa", "pakistan", "taliban"], assessment.options)
    assert section.reason is None
    assert any("not on the map: Afghan Taliban" in note for note in section.notes)
    part = _section(render_html(silent, assessment, opinion=section))
    assert "not on the map: Afghan Taliban" in part and 'id="chart-opinion"' in part


def test_no_known_stance_or_no_proposition_says_why(scenario: Scenario, assessment: Assessment) -> None:
    unknown = scenario.model_copy(update={"stances": [s.model_copy(update={"value": None}) for s in scenario.stances]})
    part = _section(render_html(unknown, assessment))
    assert "No opinion groups: none of the chosen parties has a known stance on any proposition." in part
    assert "<figure" not in part
    empty = scenario.model_copy(update={"propositions": [], "stances": []})
    assert scenario_opinion(empty, ["usa", "pakistan"]).reason == "the scenario has no propositions to vote on"


def test_asymmetric_thresholds_fall_back_with_a_note(scenario: Scenario) -> None:
    section = scenario_opinion(scenario, ["usa", "pakistan", "taliban"], {"accept_at": 0.6, "reject_at": -0.2})
    assert section.reason is None
    assert any("not symmetric" in note for note in section.notes)


def test_opinion_map_copes_with_empty_and_single_inputs() -> None:
    empty = opinion_map_chart(np.zeros((0, 2)), np.zeros(0, dtype=np.int64), [])
    assert empty.startswith("<svg") and "No opinion map" in empty
    single = opinion_map_chart(np.zeros((1, 2)), np.zeros(1, dtype=np.int64), ["A $5 party"], ["A $5 party"])
    assert single.startswith("<svg") and "A $5 party" in single


def test_opinion_map_of_many_participants_is_small_and_translucent() -> None:
    rng = np.random.default_rng(0)
    n = 3_000
    xy = rng.normal(size=(n, 2))
    groups = (xy[:, 0] > 0).astype(np.int64)
    groups[:50] = -1
    svg = opinion_map_chart(xy, groups, ["Group 0", "Group 1"])
    assert "Group 0" in svg and "Group 1" in svg and "not clustered (50)" in svg
    assert "fill-opacity" in svg or "opacity" in svg
    big = opinion_map_chart(rng.normal(size=(RASTER_POINTS + 1, 2)), np.zeros(RASTER_POINTS + 1, dtype=np.int64), ["G"])
    assert "data:image/png;base64," in big  # drawn as an embedded image, the page stays light
    assert len(big) < 2_000_000
