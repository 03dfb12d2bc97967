"""The Pol.is pipeline end to end: filter, PCA, base clusters, groups, repness, consensus, priority.

Following Pol.is's conversation update (Small et al. 2021, "Polis: Scaling
deliberation by mapping high dimensional opinion spaces"; the math component's
``conversation.clj``), on a :class:`~accord.engines.opinion.matrix.VoteMatrix`:

1. **Participant filter.** A participant is clustered once they have voted on
   at least ``min(7, n_statements)`` statements (votes on statements later
   moderated out count, as in Pol.is); if fewer than 15 qualify, the most
   active others are added up to 15.
2. **PCA** of the mean-imputed matrix over *all* participants, with the
   sparsity-aware projection (:mod:`accord.engines.opinion.pca`). As in
   Pol.is, statements moderated out stay as columns of zeros: they carry no
   information but count in the projection's ``sqrt(n_statements / n_votes)``.
3. **Groups**: 100 base clusters, k = 2..5 by silhouette over them (averaged
   over several base clusterings), then the groups over the participants
   (:mod:`accord.engines.opinion.clusters`). With fewer than 20 participants
   (a handful of parties) each participant is its own group.
4. **Representative statements** per group, **consensus**, **group-informed
   consensus** and **priority** (:mod:`~accord.engines.opinion.repness`,
   :mod:`~accord.engines.opinion.consensus`).

Determinism: rows and columns are in canonical id order, every start is fixed
and no step keeps state between runs, so the same votes give the same groups
on every run, after a restart, and after :func:`update` (which merges new
votes and recomputes: equal to a run from scratch on the final votes).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from accord.engines.opinion import clusters as cl
from accord.engines.opinion.consensus import ConsensusStatement, consensus, group_informed_consensus, priority
from accord.engines.opinion.matrix import VoteMatrix, merge_votes
from accord.engines.opinion.pca import Projection, fit_projection
from accord.engines.opinion.repness import GroupCounts, Representative, group_counts, rep_stats, select_representative

#: A progress callback: (step done, steps in all, what is being done).
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class OpinionOptions:
    """Pol.is's parameters (defaults as in its math component) and accord's determinism settings."""

    min_votes: int = 7
    """A participant is clustered from this many votes (or all statements, if fewer)."""
    greedy_n: int = 15
    """If fewer participants pass the filter, the most active are added up to this many."""
    small: int = 20
    """Below this many participants, each is its own group."""
    base_k: int = cl.BASE_K
    max_k: int = cl.MAX_K
    max_iter: int = cl.MAX_ITER
    """k-means step limit for base clusters (Pol.is's ``:base-iters``)."""
    group_iter: int = cl.GROUP_ITER
    """k-means step limit for groups (20: the default Pol.is's group clusterings actually run under)."""
    base_runs: tuple[int, int] = cl.BASE_RUNS
    """Fewest and most base clusterings whose silhouettes are averaged to choose k."""
    group_inits: int = cl.GROUP_INITS
    participant_inits: int = cl.PARTICIPANT_INITS
    seed: int = cl.SEED
    count_moderated: bool = True
    """Count statements moderated out as Pol.is does (zeroed columns); False: as if they never existed."""
    force_k: int | None = None

    def __post_init__(self) -> None:
        fewest, most = self.base_runs
        problems = [
            f"{name} must be at least {least} (found {value})"
            for name, value, least in (
                ("min_votes", self.min_votes, 1),
                ("base_k", self.base_k, 2),
                ("max_k", self.max_k, 2),
                ("max_iter", self.max_iter, 0),
                ("group_iter", self.group_iter, 0),
                ("group_inits", self.group_inits, 0),
                ("participant_inits", self.participant_inits, 0),
                ("base_runs[0]", fewest, 1),
                ("force_k", self.force_k if self.force_k is not None else 2, 2),
            )
            if value < least
        ]
        if most < fewest:
            problems.append(f"base_runs must be (fewest, most) with fewest <= most (found {self.base_runs})")
        if problems:
            raise ValueError("OpinionOptions: " + "; ".join(problems))


@dataclass(frozen=True, eq=False)
class OpinionResult:
    """Everything the pipeline found; arrays follow the matrix's participants and statements."""

    matrix: VoteMatrix
    options: OpinionOptions
    projection: Projection
    clustered: np.ndarray
    """Participants who passed the filter (bool)."""
    groups: np.ndarray
    """Group of each participant, -1 when not clustered."""
    n_groups: int
    silhouettes: dict[int, float]
    counts: GroupCounts
    representative: list[list[Representative]]
    consensus: list[ConsensusStatement]
    consensus_agree: np.ndarray
    """Group-informed consensus (agree) of each statement."""
    consensus_disagree: np.ndarray
    priority: np.ndarray
    notes: list[str] = field(default_factory=list)


def participant_filter(matrix: VoteMatrix, options: OpinionOptions) -> np.ndarray:
    """Pol.is's participant filter (see the module docstring); ties broken by canonical order."""
    counts = matrix.votes_per_participant()
    n_columns = int(np.count_nonzero(np.bincount(matrix.votes.indices, minlength=matrix.shape[1])))
    if options.count_moderated:
        counts = counts + matrix.moderated_votes
        n_columns += len(matrix.moderated_out)
    keep = counts >= min(options.min_votes, n_columns)
    missing = options.greedy_n - int(keep.sum())
    if missing > 0:
        order = np.argsort(-counts, kind="stable")
        extra = order[~keep[order] & (counts[order] > 0)][:missing]
        keep[extra] = True
    return np.asarray(keep)


def run(matrix: VoteMatrix, options: OpinionOptions | None = None, progress: Progress | None = None) -> OpinionResult:
    """Run the whole pipeline on a vote matrix (see the module docstring)."""
    options = options or OpinionOptions()
    report: Progress = progress or (lambda done, total, what: None)
    n_p = matrix.shape[0]
    notes: list[str] = []
    report(0, 4, "projecting")
    n_out = len(matrix.moderated_out) if options.count_moderated else 0
    n_voted = int(np.count_nonzero(np.bincount(matrix.votes.indices, minlength=matrix.shape[1])))
    projection = fit_projection(matrix.votes, n_columns=n_voted + n_out, extra_votes=n_out)
    report(1, 4, "clustering")
    silhouettes: dict[int, float] = {}
    if n_p < options.small:
        clustered = np.ones(n_p, dtype=bool)
        groups = np.arange(n_p, dtype=np.int64)
        notes.append(f"{n_p} participants (fewer than {options.small}): each participant is its own group")
    else:
        clustered = participant_filter(matrix, options)
        found = cl.group_clusters(
            projection.participants[clustered],
            base_k=options.base_k,
            max_k=options.max_k,
            max_iter=options.max_iter,
            group_iter=options.group_iter,
            force_k=options.force_k,
            base_runs=options.base_runs,
            group_inits=options.group_inits,
            participant_inits=options.participant_inits,
            seed=options.seed,
        )
        groups = np.full(n_p, -1, dtype=np.int64)
        groups[clustered] = found.participant_groups
        silhouettes = found.silhouettes
        notes.append(k_note(found) if options.force_k is None else f"{found.groups.k} groups: k set by force_k")
    n_groups = int(groups.max()) + 1 if n_p else 0
    report(2, 4, "representative statements")
    counts = group_counts(matrix.votes, groups, n_groups)
    representative = select_representative(rep_stats(counts)) if n_groups else []
    report(3, 4, "consensus")
    agree, disagree = group_informed_consensus(counts)
    result = OpinionResult(
        matrix=matrix,
        options=options,
        projection=projection,
        clustered=clustered,
        groups=groups,
        n_groups=n_groups,
        silhouettes=silhouettes,
        counts=counts,
        representative=representative,
        consensus=consensus(matrix.votes),
        consensus_agree=agree,
        consensus_disagree=disagree,
        priority=priority(counts, projection.extremity),
        notes=notes,
    )
    report(4, 4, "done")
    return result


def k_note(found: cl.GroupClustering) -> str:
    """How the number of groups was chosen, and whether another number came close."""
    k = found.groups.k
    scores = ", ".join(f"{j}: {v:.3f}" for j, v in sorted(found.silhouettes.items()))
    runs = len(found.bases)
    note = (
        f"{k} group{'s' * (k != 1)}: best silhouette over base clusters ({scores}), "
        f"mean of {runs} base clustering{'s' * (runs != 1)}"
    )
    if found.clear is False:
        note += "; another k is within two standard errors, so the number of groups is uncertain"
    return note


def update(state: OpinionResult, new_votes: VoteMatrix, progress: Progress | None = None) -> OpinionResult:
    """The result after ``new_votes`` (re-votes replace earlier votes): equal to a run from scratch.

    Every quantity downstream of the vote matrix depends on all of it (the
    column means move the PCA, which moves every projection and cluster), so
    the only thing reused is the merged matrix itself; when the new votes
    change nothing, the previous result is returned as it is.
    """
    merged = merge_votes(state.matrix, new_votes)
    if _same_matrix(merged, state.matrix):
        return state
    return run(merged, state.options, progress)


def _same_matrix(a: VoteMatrix, b: VoteMatrix) -> bool:
    if a.shape != b.shape or a.n_votes != b.n_votes:
        return False
    same_ids = np.array_equal(a.participants, b.participants) and np.array_equal(a.statements, b.statements)
    votes_a, votes_b = a.votes, b.votes
    return bool(
        same_ids
        and np.array_equal(votes_a.indptr, votes_b.indptr)
        and np.array_equal(votes_a.indices, votes_b.indices)
        and np.array_equal(votes_a.data, votes_b.data)
        and a.moderated_out == b.moderated_out
        and np.array_equal(np.asarray(a.moderated_votes), np.asarray(b.moderated_votes))
        and a.texts == b.texts
    )


def groups_by_id(result: OpinionResult) -> dict[Any, int | None]:
    """Participant id -> group (None when not clustered)."""
    from accord.engines.opinion.matrix import id_to_json

    return {
        id_to_json(pid): (int(g) if g >= 0 else None)
        for pid, g in zip(result.matrix.participants, result.groups, strict=True)
    }
