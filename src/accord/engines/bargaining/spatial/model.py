"""The estimator: KTAB's spatial model of politics behind accord's bargaining-model contract."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from accord.engines.bargaining.problem import Array, BargainingModel, BargainingProblem, Forecast, ModelInputError
from accord.engines.bargaining.spatial.engine import Run, run
from accord.engines.bargaining.spatial.options import DEFAULTS, SmpOptions
from accord.engines.bargaining.spatial.pce import PCEConvergenceError

#: KTAB's ``Model::minNumActor``: with fewer there is no third party to form coalitions.
MIN_ACTORS = 3


class SpatialModel(BargainingModel):
    """KTAB's spatial model of politics (SMP): bargaining by probabilistic Condorcet elections.

    Follows the SMP of the KAPSARC Toolkit for Behavioral Analysis (KTAB, MIT
    licence; its C++ ``smp.cpp``, ``smpbcn.cpp`` and ``kmodel.cpp`` at the last
    public commit) and its papers: B. Wise, L. Lumley et al., "KTAB: the KAPSARC
    Toolkit for Behavioral Analysis" and "The spatial model of politics in KTAB"
    (KAPSARC discussion papers, 2015-2017).

    Each turn, every actor (1) infers risk attitudes from the PCE over the current
    positions, (2) picks the challenge with the largest expected gain in its own
    eyes, (3) proposes a bargain interpolated between its position and its
    target's, and (4) adopts the status quo or one of the bargains involving it,
    whichever wins a PCE among all actors. Turns repeat until the last turn moves
    the actors less than ``min_delta_ratio`` of the first (KTAB's stopping rule).
    Several issues are one multi-dimensional space, as in KTAB.

    Parameters are KTAB's switches, with KTAB's value names (case-insensitive):
    ``victory_prob_model`` (Linear, Square, Quartic, Octic, Binary), ``pce_model``
    (Conditional, MarkovIncentive, MarkovUniform), ``state_transitions``
    (Deterministic, Stochastic: draw each actor's bargain with ``seed``),
    ``voting_rule`` (Binary, PropBin, Prop, PropCbc, Cubic, ASymProsp),
    ``big_r_adjust`` (None, OneThird, Half, TwoThirds, Full), ``big_r_range`` (Min,
    Mid, Max), ``third_party_commit`` (NoCommit, SemiCommit, FullCommit),
    ``inter_vec_brgn`` (S1P1, S2P2, S2PMax) and ``bargn_model`` (InitOnlyInterp,
    InitRcvrInterp, PWCompInterp); defaults are KTAB's. ``ideal_adjustment`` is
    KTAB's (n, n) ideal-accommodation matrix (None: ideals follow positions).

    Inputs: positions are read on each issue's scale (KTAB's unit scale is
    ``(x - low) / (high - low)``); saliences are shares of an actor's attention, as in
    KTAB, so when some actor's saliences sum to more than 1 all saliences are divided
    by the largest such sum; each actor needs a positive capability and some
    salience; and, as in KTAB, there must be at least three actors. KTAB takes one
    capability per actor: where an actor's capability differs between issues, each
    issue is fitted as its own one-dimensional space (``run_`` and
    ``probabilities_`` then describe the last issue's run).

    Results: ``forecast_.values`` is the expected outcome of the final state's PCE,
    sum over distinct final positions of P(position wins) times the position (KTAB
    reports those probabilities with the positions; it gives no single number).
    ``probabilities_`` holds each actor's final winning probability, ``most_likely_``
    the most probable final position, ``run_`` the unit-scale run turn by turn.

    ``seed`` drives the stochastic transitions; ``keep_turns=False`` keeps only the
    positions of each turn (less memory); ``backend`` picks the numba kernels (the
    default when numba is installed) or plain numpy.
    """

    name: ClassVar[str] = "spatial"
    reference: ClassVar[str] = (
        "KTAB spatial model of politics (KAPSARC Toolkit for Behavioral Analysis, smp.cpp); "
        "Wise, Lumley et al., KAPSARC 2015-2017"
    )

    probabilities_: Array
    most_likely_: Array
    run_: Run

    def __init__(
        self,
        *,
        victory_prob_model: str = DEFAULTS["victory_prob_model"],
        pce_model: str = DEFAULTS["pce_model"],
        state_transitions: str = DEFAULTS["state_transitions"],
        voting_rule: str = DEFAULTS["voting_rule"],
        big_r_adjust: str = DEFAULTS["big_r_adjust"],
        big_r_range: str = DEFAULTS["big_r_range"],
        third_party_commit: str = DEFAULTS["third_party_commit"],
        inter_vec_brgn: str = DEFAULTS["inter_vec_brgn"],
        bargn_model: str = DEFAULTS["bargn_model"],
        ideal_adjustment: ArrayLike | None = None,
        min_turns: int = 2,
        max_turns: int = 100,
        min_delta_ratio: float = 0.02,
        receiver_estimate: str = "ktab",
        seed: int | None = None,
        keep_turns: bool = True,
        backend: str = "auto",
    ) -> None:
        self.victory_prob_model = victory_prob_model
        self.pce_model = pce_model
        self.state_transitions = state_transitions
        self.voting_rule = voting_rule
        self.big_r_adjust = big_r_adjust
        self.big_r_range = big_r_range
        self.third_party_commit = third_party_commit
        self.inter_vec_brgn = inter_vec_brgn
        self.bargn_model = bargn_model
        self.ideal_adjustment = ideal_adjustment
        self.min_turns = min_turns
        self.max_turns = max_turns
        self.min_delta_ratio = min_delta_ratio
        self.receiver_estimate = receiver_estimate
        self.seed = seed
        self.keep_turns = keep_turns
        self.backend = backend

    def options(self) -> SmpOptions:
        """The switches as a checked :class:`SmpOptions` (KTAB spellings)."""
        return SmpOptions(
            victory_prob_model=self.victory_prob_model,
            pce_model=self.pce_model,
            state_transitions=self.state_transitions,
            voting_rule=self.voting_rule,
            big_r_adjust=self.big_r_adjust,
            big_r_range=self.big_r_range,
            third_party_commit=self.third_party_commit,
            inter_vec_brgn=self.inter_vec_brgn,
            bargn_model=self.bargn_model,
            min_turns=self.min_turns,
            max_turns=self.max_turns,
            min_delta_ratio=self.min_delta_ratio,
            receiver_estimate=self.receiver_estimate,
            backend=self.backend,
        )

    def _solve(self, problem: BargainingProblem) -> Forecast:
        if problem.n_issues > 1 and _capability_varies(problem):
            return _issue_by_issue(problem, [self._solve_space(problem.subset([j])) for j in range(problem.n_issues)])
        return self._solve_space(problem)

    def _solve_space(self, problem: BargainingProblem) -> Forecast:
        """One KTAB run over all the problem's issues as one space."""
        options = self.options()
        positions, salience, capability = unit_inputs(problem)
        accommodation = _accommodation(self.ideal_adjustment, problem)
        try:
            result = run(
                positions,
                salience,
                capability,
                options,
                accommodation=accommodation,
                seed=self.seed,
                keep_turns=self.keep_turns,
            )
        except PCEConvergenceError as error:
            raise ModelInputError(f"spatial model{_where(problem)}: {error}") from None
        assert result.final_probabilities is not None and result.final_groups is not None
        span = problem.high - problem.low
        final = result.states[-1]
        expected, likely = _outcome(final, result.final_probabilities, result.final_groups)
        self.run_ = result
        self.probabilities_ = result.final_probabilities
        self.most_likely_ = problem.low + likely * span
        return Forecast(
            model=self.name,
            issues=problem.issues,
            values=problem.low + expected * span,
            rounds=result.rounds,
            final_positions=problem.low + final * span,
            trajectory=problem.low + np.stack(result.states) * span,
        )


def unit_inputs(problem: BargainingProblem) -> tuple[Array, Array, Array]:
    """KTAB's inputs from a problem: unit-scale positions, attention shares, one capability per actor."""
    where = _where(problem)
    if problem.n_actors < MIN_ACTORS:
        raise ModelInputError(
            f"the spatial model{where} needs at least {MIN_ACTORS} actors (as KTAB does); found {problem.n_actors}"
        )
    positions = (problem.positions - problem.low) / (problem.high - problem.low)
    salience = problem.salience.astype(np.float64, copy=True)
    totals = salience.sum(axis=1)
    if not (totals > 0).any():
        raise ModelInputError(f"no actor{where} has any salience; the spatial model needs someone who cares")
    if totals.max() > 1.0:
        salience = salience / totals.max()
    capability = problem.capability[:, 0].astype(np.float64, copy=True)
    if _capability_varies(problem):
        actor = problem.actors[int(np.argmax(np.ptp(problem.capability, axis=1)))]
        raise ModelInputError(
            f"actor {actor}{where} has different capabilities on different issues; KTAB's spatial model takes "
            "one capability per actor (fit each issue on its own with problem.subset)"
        )
    if (capability <= 0).any():
        actor = problem.actors[int(np.argmax(capability <= 0))]
        raise ModelInputError(f"capability of {actor}{where} is 0; the spatial model needs positive capabilities")
    return positions, salience, capability


def _capability_varies(problem: BargainingProblem) -> bool:
    """Whether some actor's capability differs between issues (KTAB takes one per actor)."""
    spread = np.ptp(problem.capability, axis=1)
    return bool((spread > 1e-12 * np.maximum(1.0, problem.capability[:, 0])).any())


def _issue_by_issue(problem: BargainingProblem, parts: list[Forecast]) -> Forecast:
    """Join one-issue runs: used when capabilities differ by issue, which one KTAB space cannot hold.

    Each issue is then its own one-dimensional space; ``rounds`` is the longest
    run, and shorter runs' trajectories hold their final state until it ends.
    """
    rounds = max(part.rounds or 0 for part in parts)
    trajectory = np.concatenate(
        [
            np.concatenate([part.trajectory, np.repeat(part.trajectory[-1:], rounds + 1 - len(part.trajectory), 0)])
            for part in parts
            if part.trajectory is not None
        ],
        axis=2,
    )
    return Forecast(
        model=SpatialModel.name,
        issues=problem.issues,
        values=np.concatenate([part.values for part in parts]),
        rounds=rounds,
        final_positions=trajectory[-1],
        trajectory=trajectory,
    )


def _accommodation(matrix: ArrayLike | None, problem: BargainingProblem) -> Array | None:
    if matrix is None:
        return None
    a = np.asarray(matrix, dtype=np.float64)
    n = problem.n_actors
    where = _where(problem)
    if a.shape != (n, n):
        raise ModelInputError(f"ideal_adjustment{where} has shape {a.shape}; expected ({n}, {n})")
    if not np.all(np.isfinite(a)) or (a < 0).any() or (a > 1).any():
        raise ModelInputError(f"ideal_adjustment{where} has values outside [0, 1]")
    if (a.sum(axis=1) > 1.0 + 1e-10).any():
        raise ModelInputError(f"ideal_adjustment{where}: a row sums to more than 1; expected at most 1")
    if np.array_equal(a, np.eye(n)):
        return None
    return a


def _outcome(final: Array, probabilities: Array, groups: NDArray[np.intp]) -> tuple[Array, Array]:
    """Expected and most likely final position: each distinct position counted once, at its members' mean."""
    counts = np.bincount(groups)
    share = probabilities / counts[groups]
    expected: Array = share @ final / share.sum()
    best = groups[int(np.argmax(probabilities))]
    likely: Array = final[groups == best].mean(axis=0)
    return expected, likely


def _where(problem: BargainingProblem) -> str:
    return f" in {problem.source}" if problem.source else ""
