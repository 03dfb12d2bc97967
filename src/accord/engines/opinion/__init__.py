"""Opinion groups, consensus and bridging at Pol.is scale: pure computation on vote matrices.

The pipeline (:func:`run`, :func:`update`) follows Pol.is's math component
(Small et al. 2021, "Polis: Scaling deliberation by mapping high dimensional
opinion spaces"); see :mod:`accord.engines.opinion.pipeline`. Bridging scores,
the Schulze method and the draft statement live in their own modules
(``bridging``, ``schulze``, ``statement``) and are imported from there.
"""

from accord.engines.opinion.clusters import Clustering, GroupClustering, group_clusters, kmeans, silhouette
from accord.engines.opinion.consensus import ConsensusStatement, consensus, group_informed_consensus, priority
from accord.engines.opinion.matrix import (
    VoteMatrix,
    merge_votes,
    vote_matrix_from_scenario,
    vote_matrix_from_triples,
)
from accord.engines.opinion.pca import Projection, fit_projection
from accord.engines.opinion.pipeline import OpinionOptions, OpinionResult, groups_by_id, participant_filter, run, update
from accord.engines.opinion.repness import Representative, RepStats, group_counts, rep_stats, select_representative

__all__ = [
    "Clustering",
    "ConsensusStatement",
    "GroupClustering",
    "OpinionOptions",
    "OpinionResult",
    "Projection",
    "RepStats",
    "Representative",
    "VoteMatrix",
    "consensus",
    "fit_projection",
    "group_clusters",
    "group_counts",
    "group_informed_consensus",
    "groups_by_id",
    "kmeans",
    "merge_votes",
    "participant_filter",
    "priority",
    "rep_stats",
    "run",
    "select_representative",
    "silhouette",
    "update",
    "vote_matrix_from_scenario",
    "vote_matrix_from_triples",
]
