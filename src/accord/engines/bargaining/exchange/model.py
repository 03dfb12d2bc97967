"""The Stokman-Van Oosten exchange model (equal-gain variant) behind accord's estimator contract."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Context, Decimal, localcontext
from typing import ClassVar, Literal

import numpy as np
from numpy.typing import NDArray

from accord.engines.bargaining.exchange._round import Realised, RoundResult, play_round
from accord.engines.bargaining.problem import (
    Array,
    BargainingModel,
    BargainingProblem,
    Forecast,
    check_weights,
)

TieBreak = Literal["names", "input", "random"]
Outcome = Literal["voting", "final"]
Arithmetic = Literal["float", "decimal"]
#: Slack of knife-edge comparisons and default tie tolerance in float64 (0-100 scale).
FLOAT_SLACK = 1e-9


@dataclass(frozen=True)
class ExchangeSide:
    """One partner of a realised exchange; positions on the issue's own scale."""

    actor: str
    supply_issue: str
    """The issue on which this partner gives way (moves its vote)."""
    round_start_position: float
    x: float
    """Its position on the supply issue when the exchange was realised (after earlier exchanges of the round)."""
    y: float
    """The position it moves its vote to."""
    target: float
    """The partner's position on this supply issue (the move goes towards it)."""
    nbs_0: float
    nbs_1: float
    """The package's estimate of the supply issue's NBS with this partner at ``x`` and at ``y`` (0-100 scale)."""
    adjusted_by_nbs: bool
    """The move was shortened so that the NBS does not pass the partner's position."""


@dataclass(frozen=True)
class Exchange:
    """One realised exchange between two actors on issues ``p`` and ``q``.

    ``i`` supplies ``q`` (demands ``p``), ``j`` supplies ``p``. ``gain`` is each
    partner's equal utility gain (NBS shift times salience, on the 0-100 scale);
    ``dp``/``dq`` are the exchange ratios as the reference package stores them.
    """

    round: int
    seq: int
    issue_p: str
    issue_q: str
    groups: str
    gain: float
    dp: float
    dq: float
    tie: bool
    i: ExchangeSide
    j: ExchangeSide


class ExchangeModel(BargainingModel):
    """Stokman & Van Oosten's exchange model: pairs of actors trade votes on pairs of issues for equal gain.

    Stokman, F. N. and Van Oosten, R. (1994), "The exchange of voting positions:
    an object-oriented model of policy networks", in Bueno de Mesquita and
    Stokman (eds.), *European Community Decision Making*, Yale UP, 105-127; the
    equal-gain rule as implemented in decide-exchange-model 2025.3.1
    (foarsitter/decide-exchange-model, GPL-3), whose runs this model reproduces
    (tests/bargaining/test_exchange.py). This is an independent implementation.

    Each round: the outcome of an issue is its Nash bargaining solution (NBS),
    ``sum c*s*x / sum c*s``. Actors on opposite sides of the NBS on two issues,
    each caring relatively more about the issue the other gives way on, can
    both gain by moving their vote on the issue they care less about towards
    the other. The best exchange (highest equal gain) is realised, the others
    are recomputed, and so on until none is left. Votes then move the actors'
    positions partly: ``x' = x + ((1 - s) * salience_weight + fixed_weight) (y - x)``.

    An actor whose ``capability * salience`` on an issue is zero takes no part
    on that issue (how :mod:`accord.io.exchange_input` encodes a missing ``#D``
    row). Ties between exchanges of equal gain (common with look-alike actors)
    are broken by a fixed order: the candidate list of the reference,
    issue pairs in combination order, a-d before b-c pairs, actors in order,
    stably re-sorted by gain before every pick; ``tie_break`` says whose order.

    Parameters
    ----------
    rounds:
        Rounds of exchange (the package's iterations; its default is 10).
    tie_break:
        ``"names"`` (default): the reference's rule with actors and issues taken
        in name order, so the result does not depend on input order.
        ``"input"``: actors and issues in the problem's order, exactly the
        rule of the reference runs (``EqualGainModel.ALLOW_RANDOM = False``).
        ``"random"``: one of the tied best exchanges at random (``seed``);
        the package's own default flips an unseeded coin between the top two.
    tie_tolerance:
        Gains closer than this (0-100 scale) are tied. ``None``: 1e-9 in float
        arithmetic, 0 (exact) in decimal arithmetic.
    arithmetic:
        ``"float"`` (default): float64, fast. Knife-edge comparisons (an NBS
        exactly on a partner's position, gains exactly equal) get a 1e-9 slack.
        ``"decimal"``: Python ``Decimal`` with 28 digits, every sum and product
        associated as in the package, exact comparisons. The package's
        ordering of "tied" gains that differ by rounding noise (1e-27) then
        comes out the same, so its runs are reproduced exactly; slower.
    seed:
        Seed of the random tie-break (only used with ``tie_break="random"``).
    salience_weight, fixed_weight:
        The package's ``SALIENCE_WEIGHT`` (0.4) and ``FIXED_WEIGHT`` (0.1) in
        the position update above.
    outcome:
        ``"voting"`` (default): the forecast is the NBS of the votes after the
        last round's exchanges, the package's outcome of a round
        (``nbs_voting_last_round`` in the reference files); ``final_positions``
        are those votes. ``"final"``: the NBS after the last round's position
        update (``nbs_final``); ``final_positions`` are those positions.

    Attributes after ``fit``: ``forecast_`` (``trajectory`` holds the start
    positions of each round and the positions after the last update),
    ``exchanges_`` (every realised exchange), ``voting_positions_`` (rounds, n, m),
    ``outcomes_`` (rounds, m: the NBS of each round's votes), ``n_candidates_``
    and ``n_valid_`` (candidate exchanges per round, all and valid).
    """

    name: ClassVar[str] = "exchange"
    reference: ClassVar[str] = (
        "Stokman & Van Oosten (1994), The exchange of voting positions; decide-exchange-model 2025.3.1"
    )

    exchanges_: tuple[Exchange, ...]
    voting_positions_: Array
    outcomes_: Array
    n_candidates_: tuple[int, ...]
    n_valid_: tuple[int, ...]

    def __init__(
        self,
        *,
        rounds: int = 10,
        tie_break: TieBreak = "names",
        tie_tolerance: float | None = None,
        arithmetic: Arithmetic = "float",
        seed: int | None = None,
        salience_weight: float = 0.4,
        fixed_weight: float = 0.1,
        outcome: Outcome = "voting",
    ) -> None:
        self.rounds = rounds
        self.tie_break = tie_break
        self.tie_tolerance = tie_tolerance
        self.arithmetic = arithmetic
        self.seed = seed
        self.salience_weight = salience_weight
        self.fixed_weight = fixed_weight
        self.outcome = outcome

    def _check(self, problem: BargainingProblem) -> Array:
        """``capability * salience`` (n, m), after checking parameters and that the model can take the problem."""
        if not (isinstance(self.rounds, int) and self.rounds >= 0):
            raise ValueError(f"rounds must be a whole number >= 0; got {self.rounds!r}")
        if self.tie_break not in ("names", "input", "random"):
            raise ValueError(f"tie_break must be 'names', 'input' or 'random'; got {self.tie_break!r}")
        if self.outcome not in ("voting", "final"):
            raise ValueError(f"outcome must be 'voting' or 'final'; got {self.outcome!r}")
        if self.arithmetic not in ("float", "decimal"):
            raise ValueError(f"arithmetic must be 'float' or 'decimal'; got {self.arithmetic!r}")
        if self.tie_tolerance is not None and not (0 <= self.tie_tolerance < 1):
            raise ValueError(f"tie_tolerance must be None or in [0, 1); got {self.tie_tolerance!r}")
        return check_weights(problem, self.name)

    def _solve(self, problem: BargainingProblem) -> Forecast:
        weight = self._check(problem)
        actors = _order(problem.actors, by_name=self.tie_break != "input")
        issues = _order(problem.issues, by_name=self.tie_break != "input")
        span = (problem.high - problem.low)[issues]
        cells = np.ix_(actors, issues)
        x = (problem.positions[cells] - problem.low[issues]) * (100.0 / span)
        salience, capability = problem.salience[cells], problem.capability[cells]
        rng = np.random.default_rng(self.seed) if self.tie_break == "random" else None
        if self.arithmetic == "decimal":
            with localcontext(Context(prec=28)):
                exact_x, exact_s, exact_c = _decimals(problem, actors, issues)
                results = self._play(exact_x, exact_s, exact_c, rng)
        else:
            results = self._play(x, salience, capability, rng)

        def scale(work: Array) -> Array:
            back = np.empty_like(work)
            back[..., actors[:, None], issues[None, :]] = work * (span / 100.0) + problem.low[issues]
            return back

        names_a = [problem.actors[a] for a in actors]
        names_i = [problem.issues[i] for i in issues]
        starts = np.stack([r.start for r in results] + [results[-1].end if results else x])
        starts = starts.astype(np.float64)
        votes = np.stack([r.voting for r in results]).astype(np.float64) if results else np.zeros((0, *x.shape))
        trajectory = scale(starts)
        self.voting_positions_ = scale(votes)
        final = self.voting_positions_[-1] if self.outcome == "voting" and results else trajectory[-1]
        self.outcomes_ = _nbs(self.voting_positions_, weight)
        self.exchanges_ = tuple(
            _export(k + 1, rec, r, names_a, names_i, span, problem.low[issues])
            for k, r in enumerate(results)
            for rec in r.realised
        )
        self.n_candidates_ = tuple(len(r.candidates) for r in results)
        self.n_valid_ = tuple(r.n_valid for r in results)
        values = np.clip(_nbs(final, weight), problem.low, problem.high)
        return Forecast(self.name, problem.issues, values, self.rounds, final, trajectory)

    def _play(self, x: Array, salience: Array, capability: Array, rng: np.random.Generator | None) -> list[RoundResult]:
        """Every round; once a round realises nothing, the rest repeat it exactly."""
        exact = x.dtype == object
        tolerance = self.tie_tolerance if self.tie_tolerance is not None else (0.0 if exact else FLOAT_SLACK)
        weights = (
            (Decimal(self.salience_weight), Decimal(self.fixed_weight))
            if exact
            else (self.salience_weight, self.fixed_weight)
        )
        results: list[RoundResult] = []
        for _ in range(self.rounds):
            if results and not results[-1].realised:
                results.append(results[-1])
                continue
            results.append(
                play_round(
                    results[-1].end if results else x,
                    salience,
                    capability,
                    salience_weight=weights[0],
                    fixed_weight=weights[1],
                    tie_tolerance=tolerance,
                    slack=0 if exact else FLOAT_SLACK,
                    rng=rng,
                )
            )
        return results


def _decimals(
    problem: BargainingProblem, actors: NDArray[np.intp], issues: NDArray[np.intp]
) -> tuple[Array, Array, Array]:
    """Positions (0-100 working scale), saliences and capabilities as ``Decimal`` objects, as the package reads them.

    The package parses the file's numbers as decimals; ``Decimal(repr(v))`` gives
    back the same numbers for a value read from a short decimal string.
    Positions are normalised as the package does: ``(x - low) * Decimal(100 / (high - low))``.
    """
    cells = np.ix_(actors, issues)

    def exact(values: Array) -> Array:
        result: Array = np.vectorize(lambda v: Decimal(repr(float(v))), otypes=[object])(values)
        return result

    low = exact(problem.low[issues])
    step = np.array(
        [Decimal(100 / float(h - lo)) for lo, h in zip(problem.low[issues], problem.high[issues], strict=True)],
        dtype=object,
    )
    positions = (exact(problem.positions[cells]) - low) * step
    return positions, exact(problem.salience[cells]), exact(problem.capability[cells])


def _order(names: tuple[str, ...], *, by_name: bool) -> NDArray[np.intp]:
    """Indices in name order (or as given): the order in which candidates are listed, which decides ties."""
    if by_name:
        return np.array(sorted(range(len(names)), key=names.__getitem__), dtype=np.intp)
    return np.arange(len(names), dtype=np.intp)


def _nbs(positions: Array, weight: Array) -> Array:
    """The ``c*s``-weighted mean over the actor axis (-2)."""
    result: Array = (positions * weight).sum(axis=-2) / weight.sum(axis=0)
    return result


def _export(
    round_: int, rec: Realised, result: RoundResult, actors: list[str], issues: list[str], span: Array, low: Array
) -> Exchange:
    """A realised exchange with names and positions on the issues' own scales."""
    c = result.candidates

    def side(k: int) -> ExchangeSide:
        issue = int(c.supply[rec.row, k])

        def to_scale(value: float) -> float:
            return float(low[issue] + value * span[issue] / 100.0)

        return ExchangeSide(
            actor=actors[int(c.actor[rec.row, k])],
            supply_issue=issues[issue],
            round_start_position=to_scale(float(c.start[rec.row, k])),
            x=to_scale(rec.x[k]),
            y=to_scale(rec.y[k]),
            target=to_scale(float(c.target[rec.row, k])),
            nbs_0=rec.nbs0[k],
            nbs_1=rec.nbs1[k],
            adjusted_by_nbs=rec.adjusted[k],
        )

    return Exchange(
        round=round_,
        seq=rec.seq,
        issue_p=issues[int(c.p[rec.row])],
        issue_q=issues[int(c.q[rec.row])],
        groups="a-d" if c.ad[rec.row] else "b-c",
        gain=rec.gain,
        dp=rec.dp,
        dq=rec.dq,
        tie=rec.tie,
        i=side(0),
        j=side(1),
    )
