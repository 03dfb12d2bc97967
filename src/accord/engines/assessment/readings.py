"""The readings the assessment functions share, indexed once per call.

Every look-up here is keyed by id, never by list position, and propositions
are visited in id order, so nothing downstream depends on the order of the
scenario's lists. Sums use :func:`math.fsum` (correctly rounded), so they do
not depend on the order of their terms either.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from accord.engines.assessment.parties import resolve_parties
from accord.model.entities import Issue, Position, Proposition, Stance
from accord.model.scenario import Scenario


def weighted_mean(values: Sequence[float], weights: Sequence[float]) -> float:
    """The weighted mean of ``values``; the plain mean when every weight is 0.

    Falling back to the plain mean keeps a value defined when, say, every
    party gives an issue zero salience: the stances still say something.
    """
    total = math.fsum(weights)
    if total > 0:
        return math.fsum(w * v for w, v in zip(weights, values, strict=True)) / total
    return math.fsum(values) / len(values)


def clamp(value: float, low: float, high: float) -> float:
    """``value`` kept within ``[low, high]``, absorbing rounding at the bounds (and -0.0 made 0.0)."""
    return min(high, max(low, value)) + 0.0


@dataclass(frozen=True)
class Readings:
    """A scenario seen from a canonical (sorted, unique) set of parties."""

    scenario: Scenario
    parties: tuple[str, ...]
    propositions: tuple[Proposition, ...]
    """The scenario's propositions in id order (the first of any duplicated id)."""
    issues: Mapping[str, Issue]
    stances: Mapping[tuple[str, str], Stance]
    positions: Mapping[tuple[str, str], Position]

    @classmethod
    def of(cls, scenario: Scenario, parties: Iterable[str] | None) -> Readings:
        """Index ``scenario`` for ``parties`` (ids, names or aliases; see :func:`resolve_parties`)."""
        propositions: dict[str, Proposition] = {}
        for proposition in scenario.propositions:
            propositions.setdefault(proposition.id, proposition)
        issues: dict[str, Issue] = {}
        for issue in scenario.issues:
            issues.setdefault(issue.id, issue)
        stances: dict[tuple[str, str], Stance] = {}
        for stance in scenario.stances:
            stances.setdefault((stance.actor, stance.proposition), stance)
        positions: dict[tuple[str, str], Position] = {}
        for position in scenario.positions:
            positions.setdefault((position.actor, position.issue), position)
        return cls(
            scenario=scenario,
            parties=resolve_parties(scenario, parties),
            propositions=tuple(propositions[key] for key in sorted(propositions)),
            issues=issues,
            stances=stances,
            positions=positions,
        )

    def stance(self, party: str, proposition: str) -> float | None:
        """The party's aggregate stance (the mean of its estimates), or None when unknown or unrecorded."""
        stance = self.stances.get((party, proposition))
        return None if stance is None or stance.value is None else stance.value.mean

    def salience(self, party: str, issue: str | None) -> float | None:
        """The party's aggregate salience on ``issue``, or None without an issue or a position there."""
        position = self.positions.get((party, issue)) if issue is not None else None
        return None if position is None else position.salience.mean

    def stance_weight(self, party: str, proposition: Proposition) -> float:
        """How much a party's stance counts in a proposition's convergence score.

        ``stance.weight`` times the party's salience on the proposition's issue
        when there is one, else ``stance.weight`` alone.
        """
        stance = self.stances.get((party, proposition.id))
        weight = stance.weight if stance is not None else 1.0
        salience = self.salience(party, proposition.issue)
        return weight if salience is None else weight * salience

    def pair_weight(self, a: str, b: str, proposition: Proposition) -> float:
        """How much a proposition counts when comparing parties ``a`` and ``b``.

        The mean of the two parties' saliences on the proposition's issue (of
        the one salience known, when only one party has a position there);
        1 when the proposition has no issue or neither party has a position on
        it. Salience runs from 0 to 1, so an unweighted proposition counts as
        much as one that matters above all else to both.
        """
        saliences = [
            s for s in (self.salience(a, proposition.issue), self.salience(b, proposition.issue)) if s is not None
        ]
        return math.fsum(saliences) / len(saliences) if saliences else 1.0
