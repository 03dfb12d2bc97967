"""Checks that need the whole scenario: references between records, scales, citations.

:func:`check_scenario` returns every problem at once (never stops at the first),
each with the path of the offending field, so that a loader can place it on a
line of the file it came from.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence

from pydantic import BaseModel

from accord.errors import Loc, Problem, format_loc
from accord.model.entities import Scale
from accord.model.provenance import SOURCE_REF, Estimate, Measure
from accord.model.scenario import Scenario

#: Stances and perceived stances lie on this scale.
STANCE_SCALE = Scale(low=-1, high=1, low_label="reject", high_label="accept", units="stance")
SALIENCE_BOUNDS = (0.0, 1.0)
CAPABILITY_BOUNDS = (0.0, 100.0)

_COLLECTIONS = (
    "sources",
    "actors",
    "issues",
    "propositions",
    "objectives",
    "instruments",
    "steps",
    "tracks",
    "walls",
    "variants",
    "outcomes",
)


def check_scenario(scenario: Scenario) -> list[Problem]:
    """Every cross-record problem of the scenario, in file order."""
    return list(_Checker(scenario).run())


def measure_locs(measure: Measure, loc: Loc) -> Iterator[tuple[Estimate, Loc]]:
    """Each estimate of a measure with its path (a single estimate is written without an index)."""
    if len(measure) == 1:
        yield measure.root[0], loc
    else:
        for i, estimate in enumerate(measure):
            yield estimate, (*loc, i)


def iter_estimates(node: object, loc: Loc = ()) -> Iterator[tuple[Estimate, Loc]]:
    """Every estimate anywhere in a model, with its path."""
    if isinstance(node, Measure):
        yield from measure_locs(node, loc)
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from iter_estimates(getattr(node, name), (*loc, name))
    elif isinstance(node, list | tuple):
        for i, item in enumerate(node):
            yield from iter_estimates(item, (*loc, i))


class _Checker:
    def __init__(self, scenario: Scenario) -> None:
        self.s = scenario
        self.ids = {name: {item.id for item in getattr(scenario, name)} for name in _COLLECTIONS}
        self.scales = {issue.id: issue.scale for issue in scenario.issues}
        self.paragraphs = {source.id: source.paragraphs for source in scenario.sources}

    def run(self) -> Iterator[Problem]:
        for name in _COLLECTIONS:
            yield from self._unique_ids(name)
        yield from self._unique_names()
        yield from self._refs(self.s.default_parties, "actors", ("default_parties",))
        yield from self._actors_and_issues()
        yield from self._positions()
        yield from self._stances_and_perceptions()
        yield from self._process()
        yield from self._variants_and_outcomes()
        yield from self._citations()
        yield from self._rationales()

    # -- helpers ------------------------------------------------------------------------------

    def _ref(self, value: str | None, collection: str, loc: Loc) -> Iterator[Problem]:
        if value is not None and value not in self.ids[collection]:
            known = ", ".join(sorted(self.ids[collection])) or "none defined"
            singular = collection.removesuffix("s")
            yield Problem(f"unknown {singular} {value!r}", loc, found=repr(value), expected=f"one of: {known}")

    def _refs(self, values: Sequence[str], collection: str, loc: Loc) -> Iterator[Problem]:
        for i, value in enumerate(values):
            yield from self._ref(value, collection, (*loc, i))

    def _within(self, measure: Measure | None, low: float, high: float, what: str, loc: Loc) -> Iterator[Problem]:
        if measure is None:
            return
        for estimate, where in measure_locs(measure, loc):
            if not low <= estimate.value <= high:
                yield Problem(
                    f"{what} outside its scale",
                    (*where, "value"),
                    found=f"{estimate.value:g}",
                    expected=f"a value from {low:g} to {high:g}",
                )
            if estimate.range and not (low <= estimate.range[0] and estimate.range[1] <= high):
                yield Problem(
                    f"{what} range outside its scale",
                    (*where, "range"),
                    found=f"[{estimate.range[0]:g}, {estimate.range[1]:g}]",
                    expected=f"a range within {low:g} to {high:g}",
                )

    def _on_issue(self, measure: Measure | None, issue_id: str | None, what: str, loc: Loc) -> Iterator[Problem]:
        scale = self.scales.get(issue_id or "")
        if scale is not None:
            yield from self._within(measure, scale.low, scale.high, what, loc)

    def _duplicates(self, keys: Sequence[tuple[str, ...]], collection: str, what: str) -> Iterator[Problem]:
        first: dict[tuple[str, ...], int] = {}
        for i, key in enumerate(keys):
            if key in first:
                yield Problem(
                    f"duplicate {what} (already given at {collection}[{first[key]}])",
                    (collection, i),
                    found=" / ".join(key),
                    expected=f"one {what} per {' and '.join(what.split(' of ')[-1:])}",
                )
            else:
                first[key] = i

    # -- checks -------------------------------------------------------------------------------

    def _unique_ids(self, collection: str) -> Iterator[Problem]:
        seen: dict[str, int] = {}
        for i, item in enumerate(getattr(self.s, collection)):
            if item.id in seen:
                yield Problem(
                    f"duplicate id (already used by {collection}[{seen[item.id]}])",
                    (collection, i, "id"),
                    found=repr(item.id),
                    expected="an id not used elsewhere in the same list",
                )
            else:
                seen[item.id] = i

    def _unique_names(self) -> Iterator[Problem]:
        owner: dict[str, str] = {}
        for i, actor in enumerate(self.s.actors):
            for j, name in enumerate([actor.id, actor.name, *actor.aliases]):
                key = name.casefold()
                if owner.setdefault(key, actor.id) != actor.id:
                    yield Problem(
                        f"name {name!r} also refers to actor {owner[key]!r}",
                        ("actors", i, "aliases", j - 2) if j >= 2 else ("actors", i, "name"),
                        found=repr(name),
                        expected="a name or alias that picks out one actor",
                    )

    def _actors_and_issues(self) -> Iterator[Problem]:
        for i, actor in enumerate(self.s.actors):
            yield from self._within(actor.capability, *CAPABILITY_BOUNDS, "capability", ("actors", i, "capability"))
        for i, issue in enumerate(self.s.issues):
            yield from self._on_issue(issue.status_quo, issue.id, "status quo", ("issues", i, "status_quo"))
        for i, proposition in enumerate(self.s.propositions):
            yield from self._ref(proposition.issue, "issues", ("propositions", i, "issue"))

    def _positions(self) -> Iterator[Problem]:
        for i, position in enumerate(self.s.positions):
            loc: Loc = ("positions", i)
            yield from self._ref(position.actor, "actors", (*loc, "actor"))
            yield from self._ref(position.issue, "issues", (*loc, "issue"))
            yield from self._on_issue(position.value, position.issue, "position", (*loc, "value"))
            yield from self._within(position.salience, *SALIENCE_BOUNDS, "salience", (*loc, "salience"))
            yield from self._within(position.capability, *CAPABILITY_BOUNDS, "capability", (*loc, "capability"))
        keys = [(p.actor, p.issue) for p in self.s.positions]
        yield from self._duplicates(keys, "positions", "position of an actor on an issue")

    def _stances_and_perceptions(self) -> Iterator[Problem]:
        for i, stance in enumerate(self.s.stances):
            loc: Loc = ("stances", i)
            yield from self._ref(stance.actor, "actors", (*loc, "actor"))
            yield from self._ref(stance.proposition, "propositions", (*loc, "proposition"))
            yield from self._within(stance.value, STANCE_SCALE.low, STANCE_SCALE.high, "stance", (*loc, "value"))
        keys = [(s.actor, s.proposition) for s in self.s.stances]
        yield from self._duplicates(keys, "stances", "stance of an actor on a proposition")
        for i, perception in enumerate(self.s.perceptions):
            loc = ("perceptions", i)
            yield from self._ref(perception.observer, "actors", (*loc, "observer"))
            yield from self._ref(perception.observed, "actors", (*loc, "observed"))
            if perception.observer == perception.observed:
                yield Problem(
                    "a party cannot misperceive itself",
                    (*loc, "observed"),
                    found=repr(perception.observed),
                    expected="another party than the observer",
                )
            yield from self._ref(perception.issue, "issues", (*loc, "issue"))
            yield from self._ref(perception.proposition, "propositions", (*loc, "proposition"))
            if perception.issue:
                yield from self._on_issue(perception.value, perception.issue, "perceived position", (*loc, "value"))
            else:
                yield from self._within(perception.value, -1, 1, "perceived stance", (*loc, "value"))
        seen = [(p.observer, p.observed, p.item) for p in self.s.perceptions]
        yield from self._duplicates(seen, "perceptions", "perception of an item by an observer")

    def _process(self) -> Iterator[Problem]:
        for i, instrument in enumerate(self.s.instruments):
            yield from self._refs(instrument.serves, "objectives", ("instruments", i, "serves"))
        for i, step in enumerate(self.s.steps):
            yield from self._refs(step.objectives, "objectives", ("steps", i, "objectives"))
            yield from self._refs(step.instruments, "instruments", ("steps", i, "instruments"))
            yield from self._refs(step.tracks, "tracks", ("steps", i, "tracks"))
        for i, track in enumerate(self.s.tracks):
            yield from self._refs(track.parties, "actors", ("tracks", i, "parties"))
        for i, wall in enumerate(self.s.walls):
            yield from self._refs(wall.tracks, "tracks", ("walls", i, "tracks"))
            if wall.tracks[0] == wall.tracks[1]:
                yield Problem(
                    "a wall separates two different tracks",
                    ("walls", i, "tracks"),
                    found=f"{wall.tracks[0]!r} twice",
                    expected="two distinct track ids",
                )

    def _variants_and_outcomes(self) -> Iterator[Problem]:
        existing = {(p.actor, p.issue) for p in self.s.positions}
        for i, variant in enumerate(self.s.variants):
            for j, override in enumerate(variant.positions):
                loc: Loc = ("variants", i, "positions", j)
                yield from self._ref(override.actor, "actors", (*loc, "actor"))
                yield from self._ref(override.issue, "issues", (*loc, "issue"))
                yield from self._on_issue(override.value, override.issue, "position", (*loc, "value"))
                yield from self._within(override.salience, *SALIENCE_BOUNDS, "salience", (*loc, "salience"))
                yield from self._within(override.capability, *CAPABILITY_BOUNDS, "capability", (*loc, "capability"))
                new = (override.actor, override.issue) not in existing
                if new and (override.value is None or override.salience is None):
                    yield Problem(
                        "a variant that adds a position must give its value and salience",
                        loc,
                        found=f"{override.actor} / {override.issue}, a position the scenario does not have",
                        expected="value and salience",
                    )
            for j, stance in enumerate(variant.stances):
                loc = ("variants", i, "stances", j)
                yield from self._ref(stance.actor, "actors", (*loc, "actor"))
                yield from self._ref(stance.proposition, "propositions", (*loc, "proposition"))
                yield from self._within(stance.value, -1, 1, "stance", (*loc, "value"))
        for i, outcome in enumerate(self.s.outcomes):
            yield from self._ref(outcome.issue, "issues", ("outcomes", i, "issue"))
            yield from self._on_issue(outcome.value, outcome.issue, "outcome", ("outcomes", i, "value"))

    def _citation(self, reference: str, loc: Loc) -> Iterator[Problem]:
        match = SOURCE_REF.match(reference)
        if match is None:
            yield Problem(
                "not a source reference",
                loc,
                found=repr(reference),
                expected="'source-id' or 'source-id#¶n'",
            )
            return
        source = match["source"]
        if source not in self.paragraphs:
            yield from self._ref(source, "sources", loc)
            return
        count = self.paragraphs[source]
        if match["paragraph"] and count is not None and int(match["paragraph"]) > count:
            yield Problem(
                f"source {source!r} has {count} paragraphs",
                loc,
                found=f"¶{match['paragraph']}",
                expected=f"a paragraph from ¶1 to ¶{count}",
            )

    def _citations(self) -> Iterator[Problem]:
        for estimate, loc in iter_estimates(self.s):
            yield from self._citation(estimate.source, (*loc, "source"))
        for collection in ("propositions", "objectives", "instruments", "steps", "tracks", "walls"):
            for i, item in enumerate(getattr(self.s, collection)):
                yield from self._citation(item.source, (collection, i, "source"))

    def _rationales(self) -> Iterator[Problem]:
        by_text: defaultdict[str, list[Loc]] = defaultdict(list)
        for estimate, loc in iter_estimates(self.s):
            if estimate.rationale:
                key = " ".join(estimate.rationale.casefold().split())
                by_text[key].append(loc)
        for locs in by_text.values():
            for loc in locs[1:]:
                yield Problem(
                    "rationale repeated word for word from another value",
                    (*loc, "rationale"),
                    found=f"the same text as {format_loc(locs[0])}",
                    expected="a rationale specific to this value",
                )
