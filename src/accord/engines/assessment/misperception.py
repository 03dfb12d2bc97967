"""Misperception: where a party's belief about another's position or stance departs from the record."""

from __future__ import annotations

from collections.abc import Iterable

from accord.engines.assessment.options import DEFAULT_OPTIONS, AssessmentOptions
from accord.engines.assessment.readings import Readings, clamp
from accord.engines.assessment.results import Misperception
from accord.model.checks import STANCE_SCALE
from accord.model.provenance import Estimate, Measure
from accord.model.scenario import Scenario


def _sources(estimates: Iterable[Estimate]) -> str:
    """The distinct source references of ``estimates``, in order, joined by ', '."""
    return ", ".join(dict.fromkeys(e.source for e in estimates))


def misperceptions(
    scenario: Scenario, parties: Iterable[str] | None, options: AssessmentOptions = DEFAULT_OPTIONS
) -> list[Misperception]:
    """Every perception among the chosen parties, set against the best-sourced value it is about.

    *Perceived* is the aggregate of the perception's estimates; *actual* is the
    observed party's best-sourced value (declared over attributed over
    estimated, :attr:`Measure.best_sourced`) of its position on the issue or
    its stance on the proposition; the comparison is against the most
    authoritative reading because a misperception is a departure from what the
    party itself says, not from an analyst's guess. Perceptions of an unknown
    value (no position, an unknown or missing stance, an unknown issue) are
    skipped. ``gap = perceived - actual``; ``normalised_gap`` is ``|gap|``
    over the width of the item's scale (2 for stances). Ranked by normalised
    gap, largest first, ties by observer, observed and item.
    """
    readings = Readings.of(scenario, parties)
    chosen = set(readings.parties)
    found: list[Misperception] = []
    for perception in scenario.perceptions:
        if perception.observer not in chosen or perception.observed not in chosen:
            continue
        if perception.observer == perception.observed:
            continue
        actual: Measure | None = None
        if perception.issue is not None:
            issue = readings.issues.get(perception.issue)
            position = readings.positions.get((perception.observed, perception.issue))
            if issue is None or position is None:
                continue
            actual, width, kind = position.value, issue.scale.high - issue.scale.low, "issue"
        else:
            stance = readings.stances.get((perception.observed, perception.item))
            actual = None if stance is None else stance.value
            if actual is None:
                continue
            width, kind = STANCE_SCALE.high - STANCE_SCALE.low, "proposition"
        best_kind = actual.best_kind
        perceived = perception.value.mean
        gap = perceived - actual.best_sourced
        found.append(
            Misperception(
                observer=perception.observer,
                observed=perception.observed,
                item=perception.item,
                item_kind=kind,
                perceived=perceived,
                actual=actual.best_sourced,
                actual_kind=best_kind.value,
                gap=gap + 0.0,
                normalised_gap=clamp(abs(gap) / width, 0.0, 1.0),
                perceived_source=_sources(perception.value),
                actual_source=_sources(e for e in actual if e.kind is best_kind),
            )
        )
    found.sort(key=lambda m: (-m.normalised_gap, m.observer, m.observed, m.item, m.item_kind))
    return found
