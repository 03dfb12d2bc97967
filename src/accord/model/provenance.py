"""Provenance and uncertainty of every value a scenario holds.

A number in accord never stands alone: it is an :class:`Estimate` that says who
holds it (declared by the party itself, attributed to the party by a named
source, or an analyst's estimate), which source it rests on (``brief#¶14``),
why (a rationale, required for estimates) and how sure we are (an 80% range).

Several estimates of the same quantity (from different sources or analysts)
form a :class:`Measure`; engines use its aggregate and report its spread.

The uncertainty range is read as the 10th and 90th percentiles of a
*quantile-matched split normal*: the median is the estimate's value, the part
below it is a normal half with ``sigma_low = (value - low) / z90`` and the part
above it a normal half with ``sigma_high = (high - value) / z90``, where
``z90 = 1.2816`` is the standard normal's 90th percentile. Each half carries
half the probability, so ``low`` and ``high`` are exactly the 10th and 90th
percentiles. Draws are clipped to the issue's scale by the caller.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from enum import StrEnum
from statistics import NormalDist
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, RootModel, field_validator, model_serializer, model_validator

#: The standard normal's 90th percentile: an 80% interval spans +-Z90 sigma.
Z90 = NormalDist().inv_cdf(0.9)

#: ``source-id`` or ``source-id#¶n`` (the n-th block of a document, from 1).
SOURCE_REF = re.compile(r"^(?P<source>[a-z0-9][a-z0-9_.-]*)(?:#¶(?P<paragraph>[1-9][0-9]*))?$")


class ProvenanceKind(StrEnum):
    """Who holds a value, from the most to the least authoritative."""

    DECLARED = "declared"
    """Stated by the party itself (an official statement, a declared position)."""
    ATTRIBUTED = "attributed"
    """Ascribed to the party by a named source (a brief, an interview, a report)."""
    ESTIMATED = "estimated"
    """An analyst's estimate, with a rationale specific to the value."""

    @property
    def rank(self) -> int:
        """0 for the best-sourced kind; lower is better."""
        return list(ProvenanceKind).index(self)


class Estimate(BaseModel):
    """One reading of one value, with where it comes from and how sure it is."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: float
    kind: ProvenanceKind
    source: str
    """``source-id`` or ``source-id#¶n``; the id names an entry of the scenario's ``sources``."""
    by: str | None = None
    """Who made the estimate or holds the attribution (an analyst, an author)."""
    rationale: str | None = None
    """Why this value: required for estimates, one line specific to this value."""
    range: tuple[float, float] | None = None
    """The 80% interval ``[low, high]`` around ``value``."""

    @field_validator("source")
    @classmethod
    def _reference(cls, source: str) -> str:
        if not SOURCE_REF.match(source):
            raise ValueError(
                f"{source!r} is not a source reference: expected 'source-id' or "
                "'source-id#¶n' (lower-case id, then the paragraph number)"
            )
        return source

    @model_validator(mode="after")
    def _check(self) -> Estimate:
        if self.kind is ProvenanceKind.ESTIMATED and not (self.rationale and self.rationale.strip()):
            raise ValueError("an estimate needs a rationale: one line saying why this value")
        if self.range is not None:
            low, high = self.range
            if not low <= self.value <= high:
                raise ValueError(
                    f"range [{low}, {high}] must contain the value {self.value} (expected low <= value <= high)"
                )
        return self

    @property
    def source_id(self) -> str:
        """The id of the cited source, without the paragraph."""
        return self.source.split("#", 1)[0]

    @property
    def paragraph(self) -> int | None:
        """The cited paragraph number, if any."""
        match = SOURCE_REF.match(self.source)
        return int(match["paragraph"]) if match and match["paragraph"] else None

    def quantile(self, q: float) -> float:
        """The ``q``-quantile of the documented split-normal distribution (unclipped)."""
        if self.range is None:
            return self.value
        low, high = self.range
        z = NormalDist().inv_cdf(q)
        sigma = (self.value - low if z < 0 else high - self.value) / Z90
        return self.value + z * sigma

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Draws from the documented distribution (unclipped; clip to the scale)."""
        if self.range is None:
            return np.full(size, self.value)
        low, high = self.range
        z = rng.standard_normal(size)
        sigma = np.where(z < 0, (self.value - low) / Z90, (high - self.value) / Z90)
        return self.value + z * sigma


class Measure(RootModel[list[Estimate]]):
    """All the estimates of one value. A file may give one estimate or a list of them.

    The aggregate is the plain mean of the estimates' values; the spread is the
    interval from the lowest to the highest estimate (widened by their ranges).
    """

    model_config = ConfigDict(frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _one_or_many(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return [data]
        if isinstance(data, list) and not data:
            raise ValueError("expected at least one estimate")
        if not isinstance(data, list):
            raise ValueError(
                f"a value needs its provenance: write {{value: ..., kind: ..., source: ...}} "
                f"or a list of such estimates (for a stance, 'unknown'), not {data!r}"
            )
        return data

    @model_serializer(mode="wrap")
    def _compact(self, handler: Any) -> Any:
        dumped = handler(self)
        return dumped[0] if len(dumped) == 1 else dumped

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        estimate = handler(Estimate.__pydantic_core_schema__)
        return {
            "anyOf": [estimate, {"type": "array", "items": estimate, "minItems": 1}],
            "description": "One estimate, or a list of estimates of the same value from different sources.",
        }

    def __iter__(self) -> Iterator[Estimate]:  # type: ignore[override]
        return iter(self.root)

    def __len__(self) -> int:
        return len(self.root)

    @property
    def mean(self) -> float:
        """The aggregate engines use: the mean of the estimates' values."""
        return float(sum(e.value for e in self.root) / len(self.root))

    @property
    def spread(self) -> tuple[float, float]:
        """Lowest and highest plausible value over all estimates and their ranges."""
        lows = [e.range[0] if e.range else e.value for e in self.root]
        highs = [e.range[1] if e.range else e.value for e in self.root]
        return min(lows), max(highs)

    @property
    def best_kind(self) -> ProvenanceKind:
        """The most authoritative kind among the estimates."""
        return min((e.kind for e in self.root), key=lambda k: k.rank)

    @property
    def best_sourced(self) -> float:
        """Mean of the estimates of the best kind (declared over attributed over estimated)."""
        best = [e.value for e in self.root if e.kind is self.best_kind]
        return float(sum(best) / len(best))


def estimates_of(measures: Sequence[Measure | None]) -> Iterator[Estimate]:
    """Every estimate of the given measures, skipping absent ones."""
    for measure in measures:
        if measure is not None:
            yield from measure
