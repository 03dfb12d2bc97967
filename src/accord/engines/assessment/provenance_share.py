"""Where each party's values come from: counts of estimates by provenance kind and by source."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from accord.engines.assessment.options import DEFAULT_OPTIONS, AssessmentOptions
from accord.engines.assessment.readings import Readings
from accord.engines.assessment.results import ProvenanceShare
from accord.model.provenance import ProvenanceKind, estimates_of
from accord.model.scenario import Scenario


def provenance_shares(
    scenario: Scenario, parties: Iterable[str] | None, options: AssessmentOptions = DEFAULT_OPTIONS
) -> list[ProvenanceShare]:
    """For each party (in id order), how many estimates of its records are declared, attributed or estimated.

    A party's records are its actor record (capability), its positions (value,
    salience, capability), its stances (known values) and the perceptions it
    holds as observer. Every estimate counts once, so a value with three
    readings counts three. ``by_kind`` lists every kind (0 when absent), most
    authoritative first; ``by_source`` counts by source id (``brief`` for
    ``brief#¶14``), in id order. The share tells a reader how much of a
    party's picture rests on its own word and how much on others' reading.
    """
    readings = Readings.of(scenario, parties)
    shares: list[ProvenanceShare] = []
    for party in readings.parties:
        actor = scenario.actor(party)
        measures = [actor.capability]
        for position in scenario.positions:
            if position.actor == party:
                measures += [position.value, position.salience, position.capability]
        measures += [stance.value for stance in scenario.stances if stance.actor == party]
        measures += [perception.value for perception in scenario.perceptions if perception.observer == party]
        estimates = list(estimates_of(measures))
        kinds = Counter(e.kind for e in estimates)
        sources = Counter(e.source_id for e in estimates)
        shares.append(
            ProvenanceShare(
                party=party,
                by_kind={kind.value: kinds[kind] for kind in ProvenanceKind},
                by_source={source: sources[source] for source in sorted(sources)},
                total=len(estimates),
            )
        )
    return shares
