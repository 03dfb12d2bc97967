"""Small hand-made scenarios for engine tests, built in code rather than read from files.

Every estimate gets a rationale of its own (the model's checker rejects
rationales repeated word for word), so built scenarios pass ``check_scenario``
as long as the values given lie on their scales.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence

from accord.model import (
    Actor,
    ActorKind,
    Estimate,
    Issue,
    Measure,
    Perception,
    Position,
    Proposition,
    ProvenanceKind,
    Scale,
    Scenario,
    Source,
    SourceKind,
    Stance,
)

#: A value given to the builder: a number (one estimate, default kind and source) or ready estimates.
Value = float | Estimate | Sequence[Estimate]

DECLARED = ProvenanceKind.DECLARED
ATTRIBUTED = ProvenanceKind.ATTRIBUTED
ESTIMATED = ProvenanceKind.ESTIMATED


class ScenarioBuilder:
    """Collects records through chained calls and builds a :class:`Scenario`."""

    def __init__(self, scenario_id: str = "test-scenario", *, default_parties: Sequence[str] = ()) -> None:
        self.scenario_id = scenario_id
        self.default_parties = list(default_parties)
        self._counter = itertools.count(1)
        self.actors: list[Actor] = []
        self.issues: list[Issue] = []
        self.propositions: list[Proposition] = []
        self.positions: list[Position] = []
        self.stances: list[Stance] = []
        self.perceptions: list[Perception] = []

    def est(self, value: float, kind: ProvenanceKind = ESTIMATED, source: str = "analyst") -> Estimate:
        """One estimate with a rationale no other estimate shares."""
        return Estimate(value=value, kind=kind, source=source, rationale=f"reading number {next(self._counter)}")

    def measure(self, value: Value) -> Measure:
        if isinstance(value, int | float):
            return Measure([self.est(float(value))])
        if isinstance(value, Estimate):
            return Measure([value])
        return Measure(list(value))

    def actor(
        self, actor_id: str, name: str | None = None, aliases: Sequence[str] = (), capability: Value | None = None
    ) -> ScenarioBuilder:
        self.actors.append(
            Actor(
                id=actor_id,
                name=name or actor_id.title(),
                kind=ActorKind.STATE,
                aliases=list(aliases),
                capability=None if capability is None else self.measure(capability),
            )
        )
        return self

    def issue(self, issue_id: str, low: float = 0.0, high: float = 100.0) -> ScenarioBuilder:
        scale = Scale(low=low, high=high, low_label="the low end", high_label="the high end")
        self.issues.append(Issue(id=issue_id, name=issue_id.title(), scale=scale))
        return self

    def proposition(self, proposition_id: str, issue: str | None = None) -> ScenarioBuilder:
        text = f"Statement {proposition_id}"
        self.propositions.append(
            Proposition(id=proposition_id, text=text, topic="general", issue=issue, source="brief#¶5")
        )
        return self

    def position(self, actor: str, issue: str, value: Value, salience: Value) -> ScenarioBuilder:
        self.positions.append(
            Position(actor=actor, issue=issue, value=self.measure(value), salience=self.measure(salience))
        )
        return self

    def stance(self, actor: str, proposition: str, value: Value | None, weight: float = 1.0) -> ScenarioBuilder:
        measure = None if value is None else self.measure(value)
        self.stances.append(Stance(actor=actor, proposition=proposition, value=measure, weight=weight))
        return self

    def perception(
        self, observer: str, observed: str, value: Value, *, issue: str | None = None, proposition: str | None = None
    ) -> ScenarioBuilder:
        self.perceptions.append(
            Perception(
                observer=observer, observed=observed, issue=issue, proposition=proposition, value=self.measure(value)
            )
        )
        return self

    def build(self) -> Scenario:
        return Scenario(
            id=self.scenario_id,
            title="A scenario built for a test",
            as_of=dt.date(2019, 1, 1),
            default_parties=self.default_parties,
            sources=[
                Source(id="brief", kind=SourceKind.DOCUMENT, title="The brief", paragraphs=40),
                Source(id="news", kind=SourceKind.NEWS, title="A news report"),
                Source(id="analyst", kind=SourceKind.ANALYST, title="The analysts"),
            ],
            actors=self.actors,
            issues=self.issues,
            propositions=self.propositions,
            positions=self.positions,
            stances=self.stances,
            perceptions=self.perceptions,
        )
