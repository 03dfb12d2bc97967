"""The HTML report: every section, self-contained, escaped, with inline SVG charts and cited numbers."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from accord.engines.assessment.results import Assessment, MapPoint
from accord.model import Scenario
from accord.report import SECTIONS, ReportFiles, render_html, write_report
from accord.report.charts import agreement_heatmap, party_map_chart, provenance_share_chart, step_status_chart

SECTION_IDS = [
    "parties",
    "common-ground",
    "divergence",
    "misperceptions",
    "map",
    "opinion",
    "forecast",
    "principles",
    "steps",
]
#: The forecast section's charts for the test scenario: one per issue, then the round-by-round models.
FORECAST_CHART_IDS = [
    "chart-forecast-troops",
    "chart-forecast-sanctuaries",
    "chart-trajectory-expected-utility",
    "chart-trajectory-spatial",
]
CHART_IDS = [
    "chart-provenance-kind",
    "chart-provenance-source",
    "chart-agreement",
    "chart-map",
    "chart-opinion",
    *FORECAST_CHART_IDS,
    "chart-steps",
]

_SECTION = re.compile(r'<section id="(?P<id>[^"]+)">\s*<h2>(?P<heading>[^<]+)</h2>')
_FIGURE = re.compile(r'<figure class="chart" id="(?P<id>[^"]+)">(?P<body>.*?)</figure>', re.DOTALL)
#: A reference that would make the browser fetch something from outside the file.
_EXTERNAL = re.compile(
    r"""(?:\b(?:src|href|action|poster|srcset|xlink:href)\s*=\s*["']?\s*(?:https?:)?//)"""
    r"""|(?:url\(\s*["']?\s*(?:https?:)?//)|@import|<script|<iframe|<link[^>]+stylesheet""",
    re.IGNORECASE,
)


def test_every_section_is_present_in_order_with_its_heading(html: str) -> None:
    found = [(m["id"], m["heading"]) for m in _SECTION.finditer(html)]
    assert [s for s, _ in found] == SECTION_IDS
    assert found == list(SECTIONS)


def test_header_names_title_date_and_parties(html: str) -> None:
    header = html.split("</header>", 1)[0]
    assert "<h1>Afghanistan &amp; U.S.–Pakistan relations (test)</h1>" in header
    assert "2019-03-01" in header
    for name in ("United States", "Pakistan", "Afghan Taliban"):
        assert name in header
    assert "<title>Afghanistan &amp; U.S.–Pakistan relations (test) — accord report</title>" in html


def test_footer_names_the_accord_version(html: str) -> None:
    import accord

    footer = html.split('<footer class="report">', 1)[1]
    assert f"accord {accord.__version__}" in footer
    assert "test-scenario" in footer


def test_report_is_self_contained(html: str) -> None:
    assert _EXTERNAL.search(html) is None, _EXTERNAL.search(html)
    assert "<metadata>" not in html
    assert "<?xml" not in html and "<!DOCTYPE svg" not in html


def test_text_from_the_scenario_is_escaped(html: str, hostile_text: str) -> None:
    assert hostile_text not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; talks &amp; more" in html
    assert "<script" not in html.lower()
    # the scenario's description is text, not markup
    assert "<b>layer</b>" not in html
    assert "&lt;b&gt;layer&lt;/b&gt;" in html


def test_every_chart_is_an_inline_svg_with_a_caption(html: str) -> None:
    figures = {m["id"]: m["body"] for m in _FIGURE.finditer(html)}
    assert sorted(figures) == sorted(CHART_IDS)
    for chart_id, body in figures.items():
        assert body.lstrip().startswith("<svg"), chart_id
        assert body.count("<svg") == 1 and "</svg>" in body, chart_id
        assert re.search(r"<(path|use|text|rect|g)\b", body), chart_id
        assert f'<figcaption id="{chart_id}-caption">' in body, chart_id
        assert f'aria-labelledby="{chart_id}-caption"' in body, chart_id


def test_charts_land_in_their_sections(html: str) -> None:
    sections = {m["id"]: m.start() for m in _SECTION.finditer(html)}
    ordered = sorted(sections.items(), key=lambda item: item[1])
    bounds = {
        sid: (start, ordered[i + 1][1] if i + 1 < len(ordered) else len(html)) for i, (sid, start) in enumerate(ordered)
    }
    where = {
        "chart-provenance-kind": "parties",
        "chart-provenance-source": "parties",
        "chart-agreement": "divergence",
        "chart-map": "map",
        "chart-opinion": "opinion",
        "chart-steps": "steps",
        **{chart_id: "forecast" for chart_id in FORECAST_CHART_IDS},
    }
    for chart_id, section in where.items():
        position = html.index(f'id="{chart_id}"')
        start, end = bounds[section]
        assert start < position < end, (chart_id, section)


def test_svg_element_ids_do_not_clash_between_charts(html: str) -> None:
    ids = re.findall(r'\sid="([^"]+)"', html)
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert duplicates == []


def _section(html: str, section_id: str) -> str:
    start = html.index(f'<section id="{section_id}">')
    return html[start : html.index("</section>", start)]


def test_common_ground_lists_agreed_and_rejected_with_scores_and_citations(html: str) -> None:
    part = _section(html, "common-ground")
    assert "There is no military solution." in part
    assert "Foreign forces stay indefinitely." in part
    assert "+0.80" in part and "-0.87" in part
    assert "brief#¶29" in part and "brief#¶7" in part
    # each party's stance carries the source of the scenario's stance record
    assert "brief#¶3" in part and "statement#¶1" in part


def test_principles_cite_each_line_and_explain_what_is_left_out(html: str) -> None:
    part = _section(html, "principles")
    # only the proposition all three parties accept; Schulze rank, bridging, GIC and who accepts
    assert '<li id="principle-no-military-solution">' in part
    assert part.count('<li id="principle-') == 1
    assert "brief#¶29" in part and "Schulze rank 1" in part and "bridging" in part and "GIC" in part
    assert "accepted by" in part and "Afghan Taliban" in part
    assert "brief#¶3" in part  # the United States' stance carries its own source
    assert "rejected by taliban" in part  # talks-with-kabul is left out, and why
    assert "&lt;script&gt;" in part  # the hostile proposition is listed escaped


def test_principles_can_be_passed_in(scenario: Scenario, assessment: Assessment) -> None:
    from accord.engines.opinion.statement import draft_statement

    draft = draft_statement(scenario, ["usa", "pakistan"])
    part = _section(render_html(scenario, assessment, draft), "principles")
    assert "Draft statement of principles: Pakistan and United States" in part
    assert "principle-no-military-solution" in part


def test_divergence_shows_who_stands_where_gaps_and_cruxes(html: str) -> None:
    part = _section(html, "divergence")
    assert "The Taliban talk to Kabul." in part
    assert "accept:</span> United States, Pakistan" in part
    assert "Separation" in part
    assert "reject:</span> Afghan Taliban" in part
    assert "unknown:</span> Afghan Taliban" in part
    assert "Gaps (1)" in part
    assert "Cruxes" in part and "1.20" in part
    assert "1.20</td>" in part.split("<h3>Gaps", 1)[0]  # the split table shows each proposition's separation
    assert "stance-unknown" in part


def test_misperceptions_are_ranked_by_normalised_gap_with_sources(html: str) -> None:
    part = _section(html, "misperceptions")
    troops = part.index("Foreign troop presence")
    sanctuaries = part.index("Action on sanctuaries")
    assert troops < sanctuaries  # 50% of the scale before 30%
    for ref in ("brief#¶21", "brief#¶14", "brief#¶20", "brief#¶12"):
        assert ref in part
    assert "attributed" in part and "+50.00" in part and "50%" in part


def test_caveats_are_shown_escaped(html: str) -> None:
    header = html.split("</header>", 1)[0]
    assert "Test caveat with &lt;i&gt;markup&lt;/i&gt; that must be escaped." in header


def test_map_notes_distances_filled_in(scenario: Scenario, assessment: Assessment) -> None:
    points = [
        MapPoint("usa", -0.25, 0.05),
        MapPoint("pakistan", 0.08, -0.04, filled=["taliban"]),
        MapPoint("taliban", 0.17, 0.0, filled=["pakistan"]),
    ]
    part = _section(render_html(scenario, replace(assessment, party_map=points)), "map")
    assert "No common issue for Pakistan–Afghan Taliban: the map places this pair" in part


def test_map_has_the_distance_table(html: str) -> None:
    part = _section(html, "map")
    assert "Issue distances" in part
    assert "0.32" in part and "n=2" in part


def test_steps_are_grouped_by_status_with_links_tracks_and_walls(html: str) -> None:
    part = _section(html, "steps")
    for status in ("proposed", "agreed", "in-progress", "dropped"):
        assert f'<span class="status status-{status}">{status}</span>' in part
    assert 'status-stalled">' not in part  # no empty groups
    assert 'href="#track-track-coordination"' in part and 'id="track-track-coordination"' in part
    assert 'href="#objective-counter-terrorism"' in part and 'id="objective-counter-terrorism"' in part
    assert "Coordination mechanism</a> ⟂ <a" in part
    assert "Intelligence must not reach the informal track." in part
    assert "track-2" in part


def test_internal_links_point_at_existing_ids(html: str) -> None:
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    targets = set(re.findall(r'href="#([^"]+)"', html))
    assert targets and targets <= ids


def test_write_report_creates_the_directory_and_writes_html(written: ReportFiles, scenario: Scenario) -> None:
    assert written.html.name == "report.html"
    assert written.html.is_file()
    assert written.pdf is None
    assert scenario.title.replace("&", "&amp;") in written.html.read_text(encoding="utf-8")


def test_rendering_is_deterministic(scenario: Scenario, assessment: Assessment) -> None:
    assert render_html(scenario, assessment) == render_html(scenario, assessment)


def test_charts_cope_with_empty_inputs() -> None:
    from accord.engines.assessment.results import PairMatrix

    for svg in (
        provenance_share_chart([], {}),
        agreement_heatmap(PairMatrix(parties=[], values=[], counts=[]), {}),
        party_map_chart([], {}),
        step_status_chart({}),
    ):
        assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
        assert "<text" in svg


def test_heatmap_scale_follows_the_sign_of_the_values() -> None:
    from accord.engines.assessment.results import PairMatrix

    signed = agreement_heatmap(PairMatrix(["a", "b"], [[1.0, -0.5], [-0.5, 1.0]], [[2, 2], [2, 2]]), {})
    assert "−1.00" in signed or "-1.00" in signed
    assert "-0.50" in signed and "n/a" not in signed
    unknown = agreement_heatmap(PairMatrix(["a", "b"], [[1.0, None], [None, 1.0]], [[2, 0], [0, 2]]), {})
    assert "n/a" in unknown


def test_chart_labels_are_not_read_as_mathtext() -> None:
    from accord.engines.assessment.results import MapPoint

    svg = party_map_chart([MapPoint("a", 0, 0), MapPoint("b", 1, 1)], {"a": "$5 & <b>", "b": "B"})
    assert "$5 &amp; &lt;b&gt;" in svg


def test_renders_the_engines_assessment_of_the_test_scenario(scenario: Scenario) -> None:
    try:
        from accord.engines.assessment import assess
    except ImportError:
        pytest.skip("accord.engines.assessment.assess is not available yet")
    text = render_html(scenario, assess(scenario))
    assert [m["id"] for m in _SECTION.finditer(text)] == SECTION_IDS
    assert sorted(m["id"] for m in _FIGURE.finditer(text)) == sorted(CHART_IDS)
    assert _EXTERNAL.search(text) is None


DEFAULT_SCENARIO = Path(__file__).parents[2] / "src" / "accord" / "data" / "scenarios" / "afghanistan-2019.yaml"


def test_renders_the_default_scenario(tmp_path: Path) -> None:
    try:
        from accord.engines.assessment import assess
    except ImportError:
        pytest.skip("accord.engines.assessment.assess is not available yet")
    if not DEFAULT_SCENARIO.is_file():
        pytest.skip(f"default scenario {DEFAULT_SCENARIO.name} is not available yet")
    scenario = Scenario.model_validate(yaml.safe_load(DEFAULT_SCENARIO.read_text(encoding="utf-8")))
    assessment = assess(scenario)
    files = write_report(scenario, assessment, tmp_path)
    text = files.html.read_text(encoding="utf-8")
    assert [m["id"] for m in _SECTION.finditer(text)] == SECTION_IDS
    assert _EXTERNAL.search(text) is None
    # five assessment charts, the opinion map, one forecast chart per issue with positions, two round-by-round
    assert len(_FIGURE.findall(text)) == 5 + 1 + len(scenario.issues) + 2
    principles = _section(text, "principles")
    assert "Draft statement of principles: Pakistan and United States" in principles
    assert "principle-no-military-solution" in principles and "principle-eliminate-isis" in principles


def test_forecast_section_shows_each_model_with_band_and_provenance(html: str) -> None:
    part = _section(html, "forecast")
    assert "<h2>Settlement forecasts</h2>" in part
    for model in ("compromise", "median", "nash", "expected-utility", "spatial", "exchange"):
        assert f'<tr class="model-{model}">' in part, model
    # the batch models carry an honest Monte Carlo band and cite their run; the others say they have none
    assert "model run: compromise, 500 runs, seed 2019" in part
    assert "model run: expected-utility, 500 runs, seed 2019" in part
    assert "model run: spatial, point forecast" in part
    assert "No band for spatial, exchange" in part
    assert re.search(r'<td class="n num band">\d+\.\d–\d+\.\d</td>', part)
    assert part.count('<table class="forecasts">') == 2


def test_forecast_section_sets_the_variants_side_by_side(html: str) -> None:
    part = _section(html, "forecast")
    troops = part[part.index('id="forecast-troops"') : part.index('id="forecast-sanctuaries"')]
    assert '<th class="n variant-engagement">Engagement' in troops
    assert '<th class="n variant-coercion">Coercion' in troops
    # coercion moves the United States' troop position from 40 to 70: the compromise shifts up, with a band
    row = troops[troops.index('<tr class="model-compromise">') :]
    row = row[: row.index("</tr>")]
    cell = row[row.index('variant-coercion">') :]
    shift = re.search(r"shift \+(\d+\.\d) <span class=\"band\">\[\+(\d+\.\d) to \+(\d+\.\d)\]", cell)
    assert shift is not None
    point, low, high = (float(g) for g in shift.groups())
    assert 10 < point < 25 and low <= high


def test_forecast_section_sets_forecasts_against_recorded_outcomes(html: str) -> None:
    part = _section(html, "forecast")
    troops = part[part.index('id="forecast-troops"') : part.index('id="forecast-sanctuaries"')]
    assert "Error vs 2020-02-29" in troops and "Error vs 2021-08-30" in troops
    assert '<tr id="outcome-agreement-troops">' in troops
    assert "An agreement to withdraw &lt;all&gt; forces." in troops  # escaped
    assert "statement#¶2" in troops and "statement#¶3" in troops  # outcomes cite their sources
    assert "outside band" in troops or "outcome in band" in troops
    sanctuaries = part[part.index('id="forecast-sanctuaries"') :]
    assert "No outcome recorded for this issue." in sanctuaries


def test_forecast_charts_show_the_scale_ends_and_the_outcomes(html: str) -> None:
    figures = {m["id"]: m["body"] for m in _FIGURE.finditer(html)}
    troops = figures["chart-forecast-troops"]
    assert "0 = none" in troops and "100 = full" in troops
    for label in ("base", "engagement", "coercion", "outcome 2020-02-29", "outcome 2021-08-30"):
        assert label in troops, label
    trajectory = figures["chart-trajectory-expected-utility"]
    assert "expected-utility forecast" in trajectory and "United States" in trajectory
    assert "Foreign troop presence" in trajectory and "round" in trajectory


def test_models_that_refuse_the_scenario_are_listed_with_the_reason(scenario: Scenario, assessment: Assessment) -> None:
    two = scenario.model_copy(update={"positions": [p for p in scenario.positions if p.actor != "taliban"]})
    part = _section(render_html(two, assessment), "forecast")
    assert '<li class="skipped-model"><code>spatial</code>: the spatial model' in part
    assert "at least 3 actors" in part
    assert '<tr class="model-compromise">' in part and '<tr class="model-spatial">' not in part


def test_a_scenario_that_cannot_be_forecast_says_why(scenario: Scenario, assessment: Assessment) -> None:
    from accord.errors import AccordError

    part = _section(render_html(scenario, assessment, forecast=AccordError("party 'x' has no capability")), "forecast")
    assert "No settlement forecast for this scenario: party &#39;x&#39; has no capability" in part
    assert "<figure" not in part


def test_point_forecasts_without_runs(scenario: Scenario, assessment: Assessment) -> None:
    from accord.engines.bargaining import forecast_scenario

    forecast = forecast_scenario(scenario, runs=0, seed=1, levers=False)
    part = _section(render_html(scenario, assessment, forecast=forecast), "forecast")
    assert "Point forecasts only" in part and "model run: compromise, point forecast" in part
    assert "500 runs" not in part
    assert '<td class="n num band">–</td>' in part


@pytest.fixture(scope="module")
def default_report() -> str:
    """The default scenario's report, rendered once for the tests below."""
    from accord.engines.assessment import assess
    from accord.io import default_scenario_path, load_scenario

    scenario = load_scenario(default_scenario_path())
    return render_html(scenario, assess(scenario))


def test_default_scenario_report_shows_variant_bands_and_outcomes(default_report: str) -> None:
    part = _section(default_report, "forecast")
    # forecasts with bands for the engagement and coercion variants
    for variant in ("engagement", "coercion"):
        cells = re.findall(rf'<td class="n num variant-{variant}">\d+\.\d <span class="band">\[[\d.]+–[\d.]+\]', part)
        assert len(cells) >= 4 * 9, variant  # the four batch models on each of the nine issues
    assert "U.S. engagement with Pakistan" in part and "U.S. coercion of Pakistan" in part
    # the engagement variant moves the U.S. approach to Pakistan toward engagement, with a band of the shift
    approach = part[part.index('id="forecast-us-approach-pakistan"') :]
    row = approach[approach.index('<tr class="model-compromise">') :]
    assert re.search(r'variant-engagement">[\d.]+ <span class="band">.*?shift -\d', row[: row.index("</tr>")], re.S)
    # against the recorded outcomes: the Doha agreement and August 2021
    assert "Error vs 2020-02-29" in part
    assert "Error vs 2021-08-15" in part and "Error vs 2021-08-30" in part
    assert 'id="outcome-doha-2020-foreign-troops"' in part and 'id="outcome-kabul-2021-taliban-role"' in part
    assert "us-taliban-agreement-2020" in part and "kabul-falls-2021" in part
    assert "model run: expected-utility, 500 runs, seed 2019" in part
    for model in ("expected-utility", "spatial"):
        assert f'id="chart-trajectory-{model}"' in part


def test_forecast_section_shows_what_moves_each_forecast_most(html: str) -> None:
    part = _section(html, "forecast")
    troops = part[part.index('id="forecast-troops"') : part.index('id="forecast-sanctuaries"')]
    assert '<details class="levers"><summary>What moves these forecasts most</summary>' in troops
    rows = re.findall(
        r'<tr class="lever model-(?P<model>[a-z-]+)"><td>[a-z-]+</td><td>(?P<input>.*?)</td>'
        r'<td class="n num">(?P<base>[-\d.]+) \[(?P<low>[-\d.]+)–(?P<high>[-\d.]+)\]</td>'
        r'<td class="n num">(?P<at_low>[-+−\d.]+) / (?P<at_high>[-+−\d.]+)</td></tr>',
        troops,
    )
    models = [r[0] for r in rows]
    assert "compromise" in models and "expected-utility" in models
    assert all(models.count(m) <= 3 for m in set(models))  # at most three inputs per model
    assert "spatial" not in models  # levers come with the banded models only
    for model, what, base, low, high, _, _ in rows:
        assert float(low) <= float(base) <= float(high), (model, what)
    # the compromise is a weighted mean: moving a party's position down never moves it up
    positions = [r for r in rows if r[0] == "compromise" and "· position" in r[1]]
    assert positions
    for *_, at_low, at_high in positions:
        assert float(at_low.replace("−", "-")) <= 0 <= float(at_high.replace("−", "-"))
