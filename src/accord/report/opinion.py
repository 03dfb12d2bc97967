"""The report's opinion section: the opinion map, each group's representative statements, consensus and bridging.

Built from a run of the Pol.is pipeline (:func:`accord.engines.opinion.pipeline.run`) and its JSON form
(:func:`accord.engines.opinion.output.result_json`), so that the page and ``--json`` show the same numbers.
Two callers share it:

* ``accord analyze``: the chosen parties' stances on the scenario's propositions
  (:func:`accord.engines.opinion.matrix.vote_matrix_from_scenario`, with the assessment's accept and
  reject thresholds); with fewer than 20 participants the groups are the parties themselves, and every
  proposition cites its paragraph of the brief (:func:`scenario_opinion`);
* ``accord opinion PATH --out DIR``: a Pol.is export or stance file, possibly of thousands of participants
  (:func:`opinion_section`, rendered on its own page by :func:`accord.report.html.write_opinion_report`).

Every number cites that it is computed ("computed: Pol.is pipeline over N participants x M statements");
a scenario the pipeline cannot take (no known stance, no proposition) gets a section that says why.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from markupsafe import Markup

from accord.report import charts
from accord.report.forecast import Chart

if TYPE_CHECKING:
    from accord.engines.opinion.pipeline import OpinionResult
    from accord.model import Scenario

__all__ = [
    "OPINION_CHART",
    "BridgingRow",
    "ConsensusRow",
    "GroupRow",
    "OpinionSection",
    "RepresentativeRow",
    "StatementRef",
    "opinion_section",
    "scenario_opinion",
    "unavailable",
]

#: The opinion map's element id.
OPINION_CHART = "chart-opinion"
#: Rows of the consensus and bridging tables.
TOP = 10
#: Groups with at most this many members list them by name.
LIST_MEMBERS = 30


@dataclass(frozen=True)
class StatementRef:
    """A statement as the section shows it: id, text and (for a scenario proposition) its citation."""

    id: str
    text: str
    source: str | None = None
    source_title: str | None = None


@dataclass(frozen=True)
class RepresentativeRow:
    """A statement representative of a group (Pol.is's repness): which way the group stands out, and how much."""

    statement: StatementRef
    direction: str
    n_success: int
    n_trials: int
    p_success: float
    repness: float


@dataclass(frozen=True)
class GroupRow:
    """An opinion group: its name, size, members (when few) and representative statements."""

    id: int
    name: str
    size: int
    members: list[str]
    representative: list[RepresentativeRow]


@dataclass(frozen=True)
class ConsensusRow:
    """A statement and its group-informed consensus (agree and disagree)."""

    statement: StatementRef
    agree: float
    disagree: float


@dataclass(frozen=True)
class BridgingRow:
    """A statement and its bridging score (Community Notes' intercept) and factor."""

    statement: StatementRef
    intercept: float
    factor: float
    votes: int
    polarised: bool


@dataclass(frozen=True)
class OpinionSection:
    """Everything the opinion section shows (``reason`` says why there is nothing to show)."""

    reason: str | None = None
    source: str | None = None
    participants: int = 0
    statements: int = 0
    votes: int = 0
    clustered: int = 0
    provenance: str = ""
    """``computed: Pol.is pipeline over N participants x M statements``: what every number cites."""
    bridging_provenance: str = ""
    chart: Chart | None = None
    groups: list[GroupRow] = field(default_factory=list)
    parties_as_groups: bool = False
    """Fewer participants than Pol.is clusters: each participant (party) is its own group."""
    consensus: list[ConsensusRow] = field(default_factory=list)
    gic_max: float = 0.0
    """The highest group-informed consensus possible with these groups (every member agrees)."""
    bridging: list[BridgingRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    payload: dict[str, Any] | None = None
    """The pipeline's JSON form (what ``accord opinion --json`` prints), for ``accord analyze --json``."""


def unavailable(reason: str, source: str | None = None) -> OpinionSection:
    """A section that says why there are no opinion groups."""
    return OpinionSection(reason=reason, source=source)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def opinion_section(
    result: OpinionResult,
    payload: Mapping[str, Any],
    *,
    names: Mapping[str, str] | None = None,
    sources: Mapping[str, str] | None = None,
    source_title: Callable[[str], str] | None = None,
    notes: Sequence[str] = (),
    chart_id: str = OPINION_CHART,
    top: int = TOP,
) -> OpinionSection:
    """The section from a pipeline run and its JSON form (:func:`accord.engines.opinion.output.result_json`).

    ``names`` maps a participant id to the name shown on the map (a party's name); with names, the
    participants are labelled on the map. ``sources`` maps a statement id to its citation (a
    proposition's ``brief#¶n``) and ``source_title`` a citation to its tooltip.
    """
    n_p, n_s = result.matrix.shape
    shape = payload["shape"]
    computed = f"computed: Pol.is pipeline over {n_p:,} participants x {n_s:,} statements"
    bridging_computed = f"computed: Community Notes' bridging model over {n_p:,} participants x {n_s:,} statements"
    sources = sources or {}
    texts = {str(s["id"]): s["text"] for s in payload["statements"]}

    def ref(statement_id: Any) -> StatementRef:
        key = str(statement_id)
        citation = sources.get(key)
        title = source_title(citation) if citation and source_title else None
        return StatementRef(key, _text(texts.get(key)), citation, title)

    participant_ids = [str(p) for p in result.matrix.participants.tolist()]
    groups = np.asarray(result.groups, dtype=np.int64)
    sizes = np.bincount(groups[groups >= 0], minlength=result.n_groups)
    small = n_p < result.options.small
    label_of = dict(names or {})
    group_names = []
    group_rows = []
    for g, group in enumerate(payload["groups"]):
        members = [participant_ids[i] for i in np.flatnonzero(groups == g).tolist()]
        name = label_of.get(members[0], members[0]) if small and len(members) == 1 else f"Group {g}"
        group_names.append(name)
        group_rows.append(
            GroupRow(
                g,
                name,
                int(sizes[g]),
                [label_of.get(m, m) for m in members] if names and len(members) <= LIST_MEMBERS else [],
                [
                    RepresentativeRow(
                        ref(r["id"]), r["direction"], r["n_success"], r["n_trials"], r["p_success"], r["repness"]
                    )
                    for r in group["representative"]
                    if r["n_success"] > 0  # a one-member group's tie-break pick, not something it stands out on
                ],
            )
        )
    labels = [label_of.get(p, p) for p in participant_ids] if small else None
    svg = charts.opinion_map_chart(result.projection.participants, groups, group_names, labels, chart_id=chart_id)
    chart = Chart(
        chart_id,
        Markup(svg),
        _caption(n_p, n_s, int(result.clustered.sum()), result.n_groups, small),
    )
    consensus = [ConsensusRow(ref(c["id"]), c["agree"], c["disagree"]) for c in payload["group_informed_consensus"]]
    bridging = [
        BridgingRow(ref(b["id"]), b["intercept"], b["factor"], b["votes"], b["polarised"])
        for b in payload["bridging"][:top]
    ]
    gic_max = float(np.prod((sizes + 1.0) / (sizes + 2.0))) if len(sizes) else 0.0
    return OpinionSection(
        reason=None,
        source=payload.get("source"),
        participants=int(shape["participants"]),
        statements=int(shape["statements"]),
        votes=int(shape["votes"]),
        clustered=int(result.clustered.sum()),
        provenance=computed,
        bridging_provenance=bridging_computed,
        chart=chart,
        groups=group_rows,
        parties_as_groups=small,
        consensus=consensus[:top],
        gic_max=gic_max,
        bridging=bridging,
        notes=[*notes, *payload.get("notes", [])],
        payload=dict(payload),
    )


def _caption(n_p: int, n_s: int, clustered: int, n_groups: int, small: bool) -> str:
    where = (
        f"The {n_p:,} participants placed by the Pol.is pipeline's projection of their votes on {n_s:,} statements "
        "(mean imputation, two principal components, scaled for how many statements each voted on)"
    )
    if small:
        return (
            f"{where}, each labelled: with fewer than 20 participants each is its own opinion group. Nearby "
            "participants voted alike; the axes have no meaning of their own."
        )
    return (
        f"{where}, coloured by opinion group: {clustered:,} clustered into {n_groups} groups (base clusters, then "
        "k-means with k chosen by silhouette); grey points voted too little to be clustered. Nearby participants "
        "voted alike; the axes have no meaning of their own."
    )


def _threshold(options: Mapping[str, Any]) -> tuple[float, str | None]:
    """The stance threshold for agree/disagree: the assessment's, when its accept and reject are symmetric."""
    from accord.engines.opinion.matrix import STANCE_THRESHOLD

    accept, reject = options.get("accept_at"), options.get("reject_at")
    if isinstance(accept, int | float) and isinstance(reject, int | float):
        if accept > 0 and abs(accept + reject) < 1e-12:
            return float(accept), None
        return STANCE_THRESHOLD, (
            f"the assessment's thresholds (accept at {accept:g}, reject at {reject:g}) are not symmetric: a stance "
            f"counts as agree at or above {STANCE_THRESHOLD:.2f} and as disagree at or below {-STANCE_THRESHOLD:.2f}"
        )
    return STANCE_THRESHOLD, None


def scenario_opinion(
    scenario: Scenario, parties: Sequence[str], options: Mapping[str, Any] | None = None
) -> OpinionSection:
    """The opinion section for the chosen parties' stances on the scenario's propositions.

    ``options`` are the assessment's (``accept_at``, ``reject_at``): a stance at or above the accept
    threshold is an agree, at or below the reject threshold a disagree, in between a pass, and an
    unknown stance is unseen. Never raises for a degenerate scenario: the section says why it is empty.
    """
    from accord.engines.opinion.matrix import vote_matrix_from_scenario
    from accord.engines.opinion.output import result_json
    from accord.engines.opinion.pipeline import run

    source = f"scenario {scenario.id}"
    names = {a.id: a.name for a in scenario.actors}
    if not scenario.propositions:
        return unavailable("the scenario has no propositions to vote on", source)
    threshold, caveat = _threshold(options or {})
    matrix = vote_matrix_from_scenario(scenario, list(parties), threshold=threshold)
    notes = [caveat] if caveat else []
    silent = [p for p in parties if p not in {str(x) for x in matrix.participants.tolist()}]
    if matrix.shape[0] == 0:
        return unavailable("none of the chosen parties has a known stance on any proposition", source)
    if silent:
        notes.append(
            "no known stance on any proposition, so not on the map: " + ", ".join(names.get(p, p) for p in silent)
        )
    unknown = matrix.shape[0] * matrix.shape[1] - matrix.n_votes
    if unknown:
        notes.append(
            f"{unknown} of {matrix.shape[0] * matrix.shape[1]} party-proposition stances are unknown and count as "
            "not seen (neither agree nor disagree)"
        )
    notes.append(
        f"a stance of at least {threshold:+.2f} counts as agree, at most {-threshold:+.2f} as disagree, and anything "
        "between as a pass"
    )
    try:
        result = run(matrix)
        payload = result_json(result)
    except (ValueError, ArithmeticError, np.linalg.LinAlgError) as error:
        return unavailable(f"the Pol.is pipeline could not run on these stances ({error})", source)
    sources = {p.id: p.source for p in scenario.propositions if p.source}
    titles = {s.id: s for s in scenario.sources}

    def title(ref: str) -> str:
        found = titles.get(ref.split("#", 1)[0])
        if found is None:
            return ref
        parts = [found.title, found.author or "", found.date.isoformat() if found.date else ""]
        return ", ".join(p for p in parts if p)

    return opinion_section(result, payload, names=names, sources=sources, source_title=title, notes=notes)
