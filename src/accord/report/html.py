"""The HTML report: one self-contained page (inline CSS, inline SVG charts, no scripts, no network).

The report is meant to be forwarded: it must open offline, print well and
show where every number comes from. The template is a Jinja2 file shipped as
package data (``accord/report/templates``) and rendered with autoescaping on,
so that any text from a scenario (a proposition, a party's name) is escaped;
only the SVG that :mod:`accord.report.charts` produces is marked safe.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

import accord
from accord.engines.assessment.results import Assessment, Misperception, PropositionResult, ProvenanceShare
from accord.engines.bargaining.scenario_forecast import ScenarioForecast
from accord.engines.opinion.statement import DraftStatement, draft_statement
from accord.errors import AccordError
from accord.model import Measure, ProvenanceKind, Scenario, Step, StepStatus
from accord.report import charts
from accord.report.forecast import Chart, forecast_section, report_forecast
from accord.report.opinion import OpinionSection, scenario_opinion

#: The report's sections, in order: (id, heading). Tests and the PDF check rely on these headings.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("parties", "Parties and the provenance of their values"),
    ("common-ground", "Common ground"),
    ("divergence", "Divergence"),
    ("misperceptions", "Misperceptions"),
    ("map", "Map of the parties"),
    ("opinion", "Opinion groups"),
    ("forecast", "Settlement forecasts"),
    ("principles", "Draft statement of principles"),
    ("steps", "Steps, tracks and walls"),
)


@dataclass(frozen=True)
class Cited:
    """A number with the source references it rests on (empty when it is computed, not cited)."""

    value: float | None
    refs: tuple[str, ...] = ()
    kind: str | None = None


@dataclass(frozen=True)
class Reading:
    """One party's position on one issue, for the parties section."""

    issue: str
    scale: str
    value: Cited
    salience: Cited


@cache
def _environment() -> jinja2.Environment:
    """The Jinja2 environment, loading templates from the package so that they ship in the wheel."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("accord.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["num"] = _num
    env.filters["signed"] = _signed
    env.filters["pct"] = _pct
    return env


def _num(value: float | None, digits: int = 2) -> str:
    """A number for display, or an en dash when it is unknown."""
    return "–" if value is None else f"{value:.{digits}f}"


def _signed(value: float | None, digits: int = 2) -> str:
    """A signed number (stances, gaps), or an en dash when unknown."""
    return "–" if value is None else f"{value:+.{digits}f}"


def _pct(part: float, whole: float) -> str:
    """``part`` as a whole-number percentage of ``whole`` (0% when ``whole`` is 0)."""
    return f"{100.0 * part / whole:.0f}%" if whole else "0%"


def _refs(measure: Measure | None) -> tuple[str, ...]:
    """The distinct source references of a measure's estimates, in order."""
    if measure is None:
        return ()
    return tuple(dict.fromkeys(e.source for e in measure))


class _View:
    """Look-ups the template needs: names for ids, and the sources behind each value."""

    def __init__(self, scenario: Scenario, assessment: Assessment) -> None:
        self.scenario = scenario
        self.assessment = assessment
        self.names = {a.id: a.name for a in scenario.actors}
        self.sources = {s.id: s for s in scenario.sources}
        self.objectives = {o.id: o for o in scenario.objectives}
        self.instruments = {i.id: i for i in scenario.instruments}
        self.tracks = {t.id: t for t in scenario.tracks}

    def name(self, party: str) -> str:
        """A party's display name (its id when the scenario does not know it)."""
        return self.names.get(party, party)

    def source_title(self, ref: str) -> str:
        """The title of the source a reference cites, for a tooltip."""
        source = self.sources.get(ref.split("#", 1)[0])
        if source is None:
            return ref
        parts = [source.title, source.author or "", source.date.isoformat() if source.date else ""]
        return ", ".join(p for p in parts if p)

    def stance(self, party: str, proposition: str, aggregate: float | None) -> Cited:
        """A party's stance on a proposition with the sources of the scenario's stance record."""
        record = self.scenario.stance(party, proposition)
        measure = record.value if record is not None else None
        return Cited(aggregate, _refs(measure), measure.best_kind.value if measure is not None else None)

    def capability(self, party: str) -> Cited | None:
        """A party's overall capability with its sources, if recorded."""
        actor = next((a for a in self.scenario.actors if a.id == party), None)
        if actor is None or actor.capability is None:
            return None
        return Cited(actor.capability.mean, _refs(actor.capability), actor.capability.best_kind.value)

    def actor_kind(self, party: str) -> str:
        actor = next((a for a in self.scenario.actors if a.id == party), None)
        return actor.kind.value if actor is not None else ""

    def actor_description(self, party: str) -> str:
        actor = next((a for a in self.scenario.actors if a.id == party), None)
        return (actor.description or "") if actor is not None else ""

    def item_name(self, misperception: Misperception) -> str:
        """The issue's name or the proposition's text a misperception is about."""
        try:
            if misperception.item_kind == "issue":
                return self.scenario.issue(misperception.item).name
            return self.scenario.proposition(misperception.item).text
        except KeyError:
            return misperception.item

    def item_units(self, misperception: Misperception) -> str:
        """The units the gap is measured in."""
        if misperception.item_kind == "issue":
            try:
                return self.scenario.issue(misperception.item).scale.units
            except KeyError:
                return ""
        return "stance"

    def split_refs(self, text: str) -> list[str]:
        """Source references joined by commas (as the engine reports several) as a list."""
        return [ref.strip() for ref in text.split(",") if ref.strip()]

    def positions(self, party: str) -> list[Reading]:
        """A party's positions on the issues, with the sources of value and salience, in the issues' order."""
        readings = []
        for issue in self.scenario.issues:
            position = self.scenario.position(party, issue.id)
            if position is None:
                continue
            value = Cited(position.value.mean, _refs(position.value), position.value.best_kind.value)
            salience = Cited(position.salience.mean, _refs(position.salience), position.salience.best_kind.value)
            readings.append(Reading(issue.name, issue.scale.describe(), value, salience))
        return readings

    def filled_pairs(self) -> list[tuple[str, str]]:
        """Pairs of parties whose distance was unknown and filled in for the map, each pair once."""
        pairs = {tuple(sorted((point.party, other))) for point in self.assessment.party_map for other in point.filled}
        return sorted((a, b) for a, b in pairs)

    def kinds(self, share: ProvenanceShare) -> list[tuple[str, int]]:
        """A party's counts by provenance kind, in the order of authority, including zeros."""
        order = [k.value for k in ProvenanceKind]
        extra = sorted(set(share.by_kind) - set(order))
        return [(k, share.by_kind.get(k, 0)) for k in [*order, *extra]]

    def by_source(self, share: ProvenanceShare) -> list[tuple[str, int]]:
        """A party's counts by source id, most-cited first."""
        return sorted(share.by_source.items(), key=lambda item: (-item[1], item[0]))

    def who(self, result: PropositionResult) -> list[tuple[str, list[str]]]:
        """Which parties accept, reject, are neutral on, or have unknown stances on a proposition."""
        groups = [
            ("accept", result.accept),
            ("reject", result.reject),
            ("neutral", result.neutral),
            ("unknown", result.unknown),
        ]
        return [(label, [self.name(p) for p in parties]) for label, parties in groups if parties]

    def stance_class(self, result: PropositionResult, party: str) -> str:
        """The CSS class of a party's stance cell."""
        for label, parties in (
            ("accept", result.accept),
            ("reject", result.reject),
            ("neutral", result.neutral),
            ("unknown", result.unknown),
        ):
            if party in parties:
                return label
        return "unknown" if result.stances.get(party) is None else "neutral"


def _steps_by_status(steps: Sequence[Step]) -> list[tuple[str, list[Step]]]:
    """Steps grouped by status, in the order of the process; empty groups left out."""
    return [
        (s.value, [step for step in steps if step.status is s])
        for s in StepStatus
        if any(step.status is s for step in steps)
    ]


def _charts(scenario: Scenario, assessment: Assessment, view: _View) -> dict[str, Chart]:
    names = view.names
    status_counts = {s.value: sum(1 for step in scenario.steps if step.status is s) for s in StepStatus}
    specs: Iterable[tuple[str, str, str]] = (
        (
            "chart-provenance-kind",
            charts.provenance_share_chart(assessment.provenance, names, by="kind", chart_id="chart-provenance-kind"),
            "Share of each party's values by provenance: declared by the party itself, attributed to it by a "
            "named source, or estimated by an analyst. Counts are in the tables below.",
        ),
        (
            "chart-provenance-source",
            charts.provenance_share_chart(
                assessment.provenance, names, by="source", chart_id="chart-provenance-source"
            ),
            "Share of each party's values drawn from each source (by source id).",
        ),
        (
            "chart-agreement",
            charts.agreement_heatmap(assessment.agreement, names, chart_id="chart-agreement"),
            "Pairwise agreement of the parties' stances on the propositions, computed from the stances cited in "
            "the tables above; n is the number of propositions both parties have a known stance on.",
        ),
        (
            "chart-map",
            charts.party_map_chart(assessment.party_map, names, chart_id="chart-map"),
            "The parties placed in two dimensions so that distances on the map approximate their distances over "
            "the issues (table below); the axes have no meaning of their own.",
        ),
        (
            "chart-steps",
            charts.step_status_chart(status_counts, chart_id="chart-steps"),
            f"Status of the {len(scenario.steps)} pragmatic steps.",
        ),
    )
    return {chart_id: Chart(chart_id, Markup(svg), caption) for chart_id, svg, caption in specs}


def render_html(
    scenario: Scenario,
    assessment: Assessment,
    principles: DraftStatement | None = None,
    forecast: ScenarioForecast | AccordError | None = None,
    opinion: OpinionSection | None = None,
) -> str:
    """The full report for a scenario and its common assessment, as one self-contained HTML page.

    ``principles`` is the draft statement of principles to show; None drafts it here for the parties of
    :func:`accord.engines.opinion.statement.draft_parties` (the section says so when none can be drafted).
    ``forecast`` is the settlement forecast to show (:func:`accord.engines.bargaining.forecast_scenario`), or
    the error that prevented one (the section then says why); None makes it here with
    :func:`accord.report.forecast.report_forecast` (every model and variant, its default runs and seed).
    ``opinion`` is the opinion section (:func:`accord.report.opinion.scenario_opinion`); None builds it here
    for the assessment's parties and thresholds.
    """
    if principles is None:
        try:
            principles = draft_statement(scenario)
        except AccordError:
            principles = None
    view = _View(scenario, assessment)
    if forecast is None:
        forecast = report_forecast(scenario)
    if opinion is None:
        opinion = scenario_opinion(scenario, assessment.parties, assessment.options)
    misperceptions = sorted(assessment.misperceptions, key=lambda m: -m.normalised_gap)
    template = _environment().get_template("report.html.j2")
    return template.render(
        scenario=scenario,
        assessment=assessment,
        view=view,
        sections=SECTIONS,
        headings=dict(SECTIONS),
        charts=_charts(scenario, assessment, view),
        misperceptions=misperceptions,
        steps_by_status=_steps_by_status(scenario.steps),
        principles=principles,
        forecast=forecast_section(forecast, scenario),
        opinion=opinion,
        version=accord.__version__,
    )


def render_opinion_html(opinion: OpinionSection, title: str) -> str:
    """The opinion section on a page of its own (``accord opinion --out``), styled as the main report."""
    template = _environment().get_template("opinion.html.j2")
    return template.render(title=title, opinion=opinion, headings=dict(SECTIONS), version=accord.__version__)


def write_opinion_report(opinion: OpinionSection, out_dir: Path, title: str) -> Path:
    """Write ``opinion.html`` into ``out_dir`` (created if needed) and return its path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "opinion.html"
    path.write_text(render_opinion_html(opinion, title), encoding="utf-8")
    return path
