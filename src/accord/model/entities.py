"""The things a scenario is made of: parties, issues, propositions, readings, and the process.

Every class here is plain validated data (pydantic), with ids in lower-case
kebab case so that the same name serves the YAML file, the engines, the
database and the pages. Checks that need the whole scenario (unknown ids,
values outside an issue's scale) live in :mod:`accord.model.checks`.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, field_serializer, model_validator

from accord.model.provenance import Measure

#: An identifier: lower-case letters, digits and single hyphens, e.g. ``afghan-taliban``.
Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$", max_length=80)]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


class Strict(BaseModel):
    """Base for scenario records: unknown fields are errors, not silently dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceKind(StrEnum):
    DOCUMENT = "document"
    NEWS = "news"
    DATASET = "dataset"
    ANALYST = "analyst"
    RECORD = "record"


class Source(Strict):
    """A document, data set, record or analyst team that values cite as ``id`` or ``id#¶n``."""

    id: Id
    kind: SourceKind
    title: Text
    author: str | None = None
    date: dt.date | None = None
    location: str | None = None
    """Where to find it: a path relative to the scenario, or a bibliographic reference."""
    paragraphs: int | None = Field(default=None, ge=1)
    """How many blank-line-separated blocks the document has; citations beyond it are errors."""
    note: str | None = None


class ActorKind(StrEnum):
    STATE = "state"
    GOVERNMENT = "government"
    ARMED_MOVEMENT = "armed-movement"
    ORGANISATION = "organisation"
    BLOC = "bloc"


class Actor(Strict):
    """A party: a state, a government, an armed movement, an organisation or a bloc."""

    id: Id
    name: Text
    kind: ActorKind
    aliases: list[Text] = []
    """Other names the party goes by in documents ("Washington", "Islamabad")."""
    capability: Measure | None = None
    """Overall power to move outcomes, on a relative 0-100 scale."""
    description: str | None = None


class Scale(Strict):
    """The line an issue's positions lie on, with what each end means."""

    low: float
    high: float
    low_label: Text
    high_label: Text
    units: str = "points"

    @model_validator(mode="after")
    def _ordered(self) -> Scale:
        if not self.low < self.high:
            raise ValueError(f"scale low ({self.low}) must be below high ({self.high})")
        return self

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high

    def normalise(self, value: float) -> float:
        """Map a value to [0, 1] along the scale."""
        return (value - self.low) / (self.high - self.low)

    def describe(self) -> str:
        return f"{self.low:g} ({self.low_label}) to {self.high:g} ({self.high_label})"


class Issue(Strict):
    """A question in dispute, as a scale with labelled ends and an optional status quo."""

    id: Id
    name: Text
    scale: Scale
    status_quo: Measure | None = None
    description: str | None = None


class Position(Strict):
    """Where a party stands on an issue, how much the issue matters to it, and its clout there."""

    actor: Id
    issue: Id
    value: Measure
    salience: Measure
    """How much the issue matters to the party, from 0 (not at all) to 1 (above all else)."""
    capability: Measure | None = None
    """Per-issue capability (0-100), overriding the actor's overall capability on this issue."""


class Proposition(Strict):
    """A statement a party can accept or reject ("there is no military solution")."""

    id: Id
    text: Text
    topic: Id
    issue: Id | None = None
    """The issue the proposition bears on: a party's salience there weighs its stance."""
    source: str
    """Where the proposition is drawn from, as a reference (``brief#¶29``)."""


def _unknown_to_none(value: Any) -> Any:
    return None if value == "unknown" else value


class Stance(Strict):
    """A party's graded acceptance of a proposition: -1 reject .. +1 accept, or unknown."""

    actor: Id
    proposition: Id
    value: Annotated[Measure | None, BeforeValidator(_unknown_to_none)]
    """The stance, or ``unknown`` when no source tells."""
    weight: float = Field(default=1.0, gt=0)
    """How firmly the stance is held relative to the party's others (default 1)."""

    @field_serializer("value", mode="wrap")
    def _unknown_as_text(self, value: Measure | None, handler: Any) -> Any:
        return "unknown" if value is None else handler(value)


class Perception(Strict):
    """What an observer believes another party's position on an issue, or stance on a proposition, is."""

    observer: Id
    observed: Id
    issue: Id | None = None
    proposition: Id | None = None
    value: Measure

    @model_validator(mode="after")
    def _one_item(self) -> Perception:
        if (self.issue is None) == (self.proposition is None):
            raise ValueError("a perception is about exactly one item: give either issue or proposition")
        return self

    @property
    def item(self) -> str:
        """The issue or proposition id the perception is about."""
        return self.issue or self.proposition or ""


class Objective(Strict):
    """A shared end-state goal."""

    id: Id
    text: Text
    source: str


class InstrumentKind(StrEnum):
    POLITICAL = "political"
    DIPLOMATIC = "diplomatic"
    MILITARY = "military"
    INTELLIGENCE = "intelligence"
    ECONOMIC = "economic"


class Instrument(Strict):
    """A tool of statecraft arrayed toward shared objectives."""

    id: Id
    kind: InstrumentKind
    text: Text
    serves: list[Id] = []
    """The objectives this instrument serves."""
    source: str


class StepStatus(StrEnum):
    PROPOSED = "proposed"
    AGREED = "agreed"
    IN_PROGRESS = "in-progress"
    DONE = "done"
    STALLED = "stalled"
    DROPPED = "dropped"


class Step(Strict):
    """A pragmatic step that operationalises the framework, with its status."""

    id: Id
    text: Text
    status: StepStatus = StepStatus.PROPOSED
    source: str
    objectives: list[Id] = []
    instruments: list[Id] = []
    tracks: list[Id] = []


class Tier(StrEnum):
    TRACK_1 = "track-1"
    """Official: governments talking to governments."""
    TRACK_1_5 = "track-1.5"
    """Officials in a personal capacity alongside non-officials."""
    TRACK_2 = "track-2"
    """Unofficial: scholars, former officials, civil society."""


class Track(Strict):
    """A dialogue track, at a tier, with the parties taking part."""

    id: Id
    name: Text
    tier: Tier
    parties: list[Id]
    source: str
    description: str | None = None


class Wall(Strict):
    """Two tracks that must never intersect: no person, meeting or document may cross."""

    id: Id
    tracks: tuple[Id, Id]
    source: str
    rationale: str | None = None


class PositionOverride(Strict):
    """A variant's change to one party's position on one issue: only the fields given change."""

    actor: Id
    issue: Id
    value: Measure | None = None
    salience: Measure | None = None
    capability: Measure | None = None


class Variant(Strict):
    """A named alternative ("coercion", "engagement") that overrides some values of the scenario."""

    id: Id
    name: Text
    description: str | None = None
    positions: list[PositionOverride] = []
    stances: list[Stance] = []


class Outcome(Strict):
    """What actually happened later on an issue, dated, kept apart from the inputs."""

    id: Id
    date: dt.date
    issue: Id
    value: Measure
    description: Text
