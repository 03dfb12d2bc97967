"""A scenario: every party's reading of a situation, the process around it, variants and outcomes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TypeVar

from pydantic import Field

from accord.model.entities import (
    Actor,
    Id,
    Instrument,
    Issue,
    Objective,
    Outcome,
    Perception,
    Position,
    Proposition,
    Source,
    Stance,
    Step,
    Strict,
    Text,
    Track,
    Variant,
    Wall,
)

#: The version of the scenario file format this code reads and writes.
FORMAT_VERSION = 1


class Scenario(Strict):
    """Everything accord knows of one situation.

    Inputs (actors through walls) are what the engines read; ``variants``
    override some of them; ``outcomes`` record what happened later and are
    never read as inputs.
    """

    format: int = Field(default=FORMAT_VERSION, ge=FORMAT_VERSION, le=FORMAT_VERSION)
    id: Id
    title: Text
    as_of: date
    """The date the readings describe."""
    description: str | None = None
    default_parties: list[Id] = []
    """The parties an analysis covers when none are chosen."""
    sources: list[Source] = []
    actors: list[Actor]
    issues: list[Issue] = []
    propositions: list[Proposition] = []
    positions: list[Position] = []
    stances: list[Stance] = []
    perceptions: list[Perception] = []
    objectives: list[Objective] = []
    instruments: list[Instrument] = []
    steps: list[Step] = []
    tracks: list[Track] = []
    walls: list[Wall] = []
    variants: list[Variant] = []
    outcomes: list[Outcome] = []

    # -- look-ups -------------------------------------------------------------------------

    def actor(self, key: str) -> Actor:
        """The actor with this id, name or alias (case-insensitive)."""
        wanted = key.strip().casefold()
        for actor in self.actors:
            if wanted in {actor.id, actor.name.casefold(), *(a.casefold() for a in actor.aliases)}:
                return actor
        known = ", ".join(a.id for a in self.actors)
        raise KeyError(f"no party called {key!r} in scenario {self.id!r} (known: {known})")

    def issue(self, issue_id: str) -> Issue:
        return _by_id(self.issues, issue_id, "issue")

    def proposition(self, proposition_id: str) -> Proposition:
        return _by_id(self.propositions, proposition_id, "proposition")

    def variant(self, variant_id: str) -> Variant:
        return _by_id(self.variants, variant_id, "variant")

    def position(self, actor_id: str, issue_id: str) -> Position | None:
        return next((p for p in self.positions if p.actor == actor_id and p.issue == issue_id), None)

    def stance(self, actor_id: str, proposition_id: str) -> Stance | None:
        return next((s for s in self.stances if s.actor == actor_id and s.proposition == proposition_id), None)

    # -- variants -------------------------------------------------------------------------

    def with_variant(self, variant_id: str) -> Scenario:
        """A copy of the scenario with the variant's overrides applied (and no variants)."""
        variant = self.variant(variant_id)
        positions = list(self.positions)
        for override in variant.positions:
            index = next(
                (i for i, p in enumerate(positions) if (p.actor, p.issue) == (override.actor, override.issue)), None
            )
            changes = override.model_dump(exclude_none=True, exclude={"actor", "issue"})
            if index is None:
                positions.append(Position.model_validate(override.model_dump(exclude_none=True)))
            else:
                positions[index] = positions[index].model_copy(update={k: getattr(override, k) for k in changes})
        replaced = {(s.actor, s.proposition) for s in variant.stances}
        stances = [s for s in self.stances if (s.actor, s.proposition) not in replaced] + list(variant.stances)
        return self.model_copy(
            update={
                "id": f"{self.id}.{variant.id}",
                "title": f"{self.title} ({variant.name})",
                "positions": positions,
                "stances": stances,
                "variants": [],
            }
        )


_Item = TypeVar("_Item", Issue, Proposition, Variant)


def _by_id(items: Iterable[_Item], item_id: str, what: str) -> _Item:
    for item in items:
        if item.id == item_id:
            return item
    raise KeyError(f"no {what} with id {item_id!r}")
