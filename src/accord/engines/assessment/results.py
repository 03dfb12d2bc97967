"""What the common-assessment engine returns: plain frozen dataclasses with a stable JSON form.

The keys of :meth:`Assessment.to_dict` are part of accord's interface
(``accord analyze --json``); they are documented in ``docs/json-output.md``
and pinned by tests.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class PropositionResult:
    """How the chosen parties stand on one proposition."""

    id: str
    text: str
    topic: str
    source: str
    score: float | None
    """Convergence score: weighted mean of the known stances (-1..1); None if no stance is known."""
    stances: dict[str, float | None]
    """Party id to aggregate stance (None = unknown)."""
    accept: list[str]
    reject: list[str]
    neutral: list[str]
    unknown: list[str]
    separation: float | None = None
    """How strongly the proposition divides the parties (0..2, see :class:`Crux`); None below two known stances."""


@dataclass(frozen=True)
class Convergence:
    """Propositions all the parties accept, all reject, or that split them; and the gaps."""

    parties: list[str]
    agreed: list[PropositionResult]
    rejected: list[PropositionResult]
    split: list[PropositionResult]
    gaps: list[PropositionResult]
    """Propositions on which at least one party's stance is unknown (also listed in split)."""


@dataclass(frozen=True)
class PairMatrix:
    """A symmetric matrix over parties (agreement or distance), with how many items each cell compares."""

    parties: list[str]
    values: list[list[float | None]]
    """values[i][j] for parties[i], parties[j]; None where nothing could be compared."""
    counts: list[list[int]]


@dataclass(frozen=True)
class Crux:
    """A proposition that separates the parties, and how strongly."""

    id: str
    text: str
    separation: float
    """Weighted mean absolute difference of stances over pairs of parties (0..2)."""
    stances: dict[str, float | None]


@dataclass(frozen=True)
class MapPoint:
    """A party's place on the 2-D map of issue distances (classical MDS)."""

    party: str
    x: float
    y: float
    filled: list[str] = field(default_factory=list)
    """Parties whose distance to this one was unknown (no common issue) and filled with the mean distance."""


@dataclass(frozen=True)
class Misperception:
    """The gap between what the observer believes of the observed party and the best-sourced value."""

    observer: str
    observed: str
    item: str
    item_kind: str
    """'issue' or 'proposition'."""
    perceived: float
    actual: float
    actual_kind: str
    """Provenance kind of the value compared against (declared, attributed or estimated)."""
    gap: float
    """perceived - actual, in the item's own units."""
    normalised_gap: float
    """|gap| as a share of the item's scale (0..1): what the ranking uses."""
    perceived_source: str
    actual_source: str


@dataclass(frozen=True)
class ProvenanceShare:
    """Where one party's values come from."""

    party: str
    by_kind: dict[str, int]
    by_source: dict[str, int]
    total: int


@dataclass(frozen=True)
class Assessment:
    """The common assessment of a scenario for a chosen set of parties."""

    scenario: str
    parties: list[str]
    convergence: Convergence
    agreement: PairMatrix
    cruxes: list[Crux]
    distances: PairMatrix
    party_map: list[MapPoint]
    misperceptions: list[Misperception]
    provenance: list[ProvenanceShare]
    options: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    """Caveats a reader should see (e.g. distances filled in for the map)."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON form printed by ``accord analyze --json``."""
        return asdict(self)
