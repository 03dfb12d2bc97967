"""The convergence of interests: which propositions every chosen party accepts, rejects, or splits on."""

from __future__ import annotations

from collections.abc import Iterable

from accord.engines.assessment.agreement import separation
from accord.engines.assessment.options import DEFAULT_OPTIONS, AssessmentOptions
from accord.engines.assessment.readings import Readings, clamp, weighted_mean
from accord.engines.assessment.results import Convergence, PropositionResult
from accord.model.entities import Proposition
from accord.model.scenario import Scenario


def proposition_result(readings: Readings, proposition: Proposition, options: AssessmentOptions) -> PropositionResult:
    """Each party's stance on one proposition, sorted into accept/reject/neutral/unknown, with the score.

    The score is the weighted mean of the known stances, each weighted by
    :meth:`Readings.stance_weight` (``stance.weight`` times the party's
    salience on the proposition's issue, when it has a position there), or
    the plain mean when every weight is 0; None when no stance is known.
    """
    stances = {party: readings.stance(party, proposition.id) for party in readings.parties}
    groups: dict[str, list[str]] = {"accept": [], "reject": [], "neutral": [], "unknown": []}
    values: list[float] = []
    weights: list[float] = []
    for party, value in stances.items():
        if value is None:
            groups["unknown"].append(party)
            continue
        if value >= options.accept_at:
            groups["accept"].append(party)
        elif value <= options.reject_at:
            groups["reject"].append(party)
        else:
            groups["neutral"].append(party)
        values.append(value)
        weights.append(readings.stance_weight(party, proposition))
    score = clamp(weighted_mean(values, weights), -1.0, 1.0) if values else None
    return PropositionResult(
        id=proposition.id,
        text=proposition.text,
        topic=proposition.topic,
        source=proposition.source,
        score=score,
        stances=stances,
        separation=separation(readings, proposition),
        accept=groups["accept"],
        reject=groups["reject"],
        neutral=groups["neutral"],
        unknown=groups["unknown"],
    )


def _split_order(result: PropositionResult) -> tuple[bool, float, bool, float, str]:
    """Most divisive first (by separation, then score, then id); unknown values last."""
    return (
        result.separation is None,
        -(result.separation or 0.0),
        result.score is None,
        -(result.score or 0.0),
        result.id,
    )


def convergence(
    scenario: Scenario, parties: Iterable[str] | None, options: AssessmentOptions = DEFAULT_OPTIONS
) -> Convergence:
    """Sort every proposition into agreed, rejected or split for the chosen parties, and list the gaps.

    *Agreed*: every party accepts (stance >= ``accept_at``) and none is
    unknown, sorted by score descending. *Rejected*: every party rejects
    (stance <= ``reject_at``), sorted by score ascending. *Split*: everything
    else, most divisive first (separation, then score descending). *Gaps*: the
    propositions with at least one unknown stance, which are also in split, in
    split's order. Ties go by proposition id.
    """
    readings = Readings.of(scenario, parties)
    everyone = list(readings.parties)
    results = [proposition_result(readings, p, options) for p in readings.propositions]
    agreed = sorted((r for r in results if everyone and r.accept == everyone), key=lambda r: (-(r.score or 0.0), r.id))
    rejected = sorted((r for r in results if everyone and r.reject == everyone), key=lambda r: (r.score or 0.0, r.id))
    chosen = {r.id for r in agreed} | {r.id for r in rejected}
    split = sorted((r for r in results if r.id not in chosen), key=_split_order)
    gaps = [r for r in split if r.unknown]
    return Convergence(parties=everyone, agreed=agreed, rejected=rejected, split=split, gaps=gaps)
