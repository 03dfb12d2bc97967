"""The common assessment: where chosen parties agree, split, stand apart on the issues and misread each other.

Pure functions on a :class:`~accord.model.Scenario`, each taking
``(scenario, parties, options)`` and returning the frozen dataclasses of
:mod:`accord.engines.assessment.results`; :func:`assess` runs them all.
"""

from accord.engines.assessment.agreement import agreement_matrix, cruxes, separation
from accord.engines.assessment.assess import assess
from accord.engines.assessment.convergence import convergence
from accord.engines.assessment.geometry import issue_distances, map_from_distances, party_map
from accord.engines.assessment.misperception import misperceptions
from accord.engines.assessment.options import DEFAULT_OPTIONS, AssessmentOptions
from accord.engines.assessment.parties import resolve_parties
from accord.engines.assessment.provenance_share import provenance_shares
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

__all__ = [
    "DEFAULT_OPTIONS",
    "Assessment",
    "AssessmentOptions",
    "Convergence",
    "Crux",
    "MapPoint",
    "Misperception",
    "PairMatrix",
    "PropositionResult",
    "ProvenanceShare",
    "agreement_matrix",
    "assess",
    "convergence",
    "cruxes",
    "issue_distances",
    "map_from_distances",
    "misperceptions",
    "party_map",
    "provenance_shares",
    "resolve_parties",
    "separation",
]
