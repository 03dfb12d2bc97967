"""The whole common assessment of a scenario for a chosen set of parties, in one call."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict

from accord.engines.assessment.agreement import agreement_matrix, cruxes
from accord.engines.assessment.convergence import convergence
from accord.engines.assessment.geometry import issue_distances, map_from_distances
from accord.engines.assessment.misperception import misperceptions
from accord.engines.assessment.options import DEFAULT_OPTIONS, AssessmentOptions
from accord.engines.assessment.parties import resolve_parties
from accord.engines.assessment.provenance_share import provenance_shares
from accord.engines.assessment.results import Assessment
from accord.model.scenario import Scenario


def assess(
    scenario: Scenario, parties: Iterable[str] | None = None, options: AssessmentOptions = DEFAULT_OPTIONS
) -> Assessment:
    """Lay the chosen parties' readings side by side: convergence, agreement, cruxes, distances, map,
    misperceptions and provenance.

    ``parties`` may be ids, names or aliases, in any order and with repeats;
    None means the scenario's ``default_parties``, or every actor when it
    names none. Raises :class:`accord.errors.AccordError` for an unknown party
    or when fewer than two parties are chosen. The result depends only on the
    scenario's content and the set of parties, never on their order, and is
    JSON-ready through :meth:`Assessment.to_dict`.
    """
    ids = resolve_parties(scenario, parties, minimum=2)
    distances = issue_distances(scenario, ids, options)
    points = map_from_distances(distances)
    notes: list[str] = []
    missing = sorted({tuple(sorted((p.party, q))) for p in points for q in p.filled})
    if missing:
        pairs = ", ".join(f"{a}–{b}" for a, b in missing)
        notes.append(f"No common issue for {pairs}: the map places these pairs at the mean of the known distances.")
    return Assessment(
        scenario=scenario.id,
        parties=list(ids),
        convergence=convergence(scenario, ids, options),
        agreement=agreement_matrix(scenario, ids, options),
        cruxes=cruxes(scenario, ids, options),
        distances=distances,
        party_map=points,
        misperceptions=misperceptions(scenario, ids, options),
        provenance=provenance_shares(scenario, ids, options),
        options=asdict(options),
        notes=notes,
    )
