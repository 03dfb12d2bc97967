"""Choosing the parties of an assessment: ids, names or aliases, in any order, to sorted unique ids."""

from __future__ import annotations

from collections.abc import Iterable

from accord.errors import AccordError
from accord.model.scenario import Scenario


def _known(scenario: Scenario) -> str:
    return ", ".join(f"{a.id} ({a.name})" for a in sorted(scenario.actors, key=lambda a: a.id)) or "none"


def resolve_parties(scenario: Scenario, parties: Iterable[str] | None = None, *, minimum: int = 0) -> tuple[str, ...]:
    """The canonical party ids for ``parties``: resolved, deduplicated and sorted.

    Sorting is what makes every result independent of the order the parties
    were given in. ``None`` means the scenario's ``default_parties``, or every
    actor when it names none. Names and aliases are matched case-insensitively
    (:meth:`Scenario.actor`). Raises :class:`AccordError` for an unknown party
    (listing the known ones) or when fewer than ``minimum`` parties remain.
    """
    if parties is None:
        keys: list[str] = list(scenario.default_parties) or [a.id for a in scenario.actors]
    elif isinstance(parties, str):
        keys = [parties]
    else:
        keys = list(parties)
    ids: set[str] = set()
    for key in keys:
        try:
            ids.add(scenario.actor(key).id)
        except KeyError:
            raise AccordError(
                f"no party called {key!r} in scenario {scenario.id!r}; known parties: {_known(scenario)}"
            ) from None
    if len(ids) < minimum:
        chosen = ", ".join(sorted(ids)) or "none"
        raise AccordError(
            f"an assessment compares at least {minimum} parties, but {len(ids)} were chosen ({chosen}); "
            f"choose from: {_known(scenario)}"
        )
    return tuple(sorted(ids))
