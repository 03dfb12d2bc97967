"""The knobs of the common assessment, with the defaults every layer shares."""

from __future__ import annotations

from dataclasses import dataclass

from accord.errors import AccordError


@dataclass(frozen=True)
class AssessmentOptions:
    """Thresholds and sizes of the common assessment.

    A party *accepts* a proposition when its aggregate stance is at least
    ``accept_at`` and *rejects* it when the stance is at most ``reject_at``;
    anything between is neutral. ``crux_count`` caps the list of cruxes.
    """

    accept_at: float = 0.5
    reject_at: float = -0.5
    crux_count: int = 5

    def __post_init__(self) -> None:
        if not -1.0 <= self.reject_at < self.accept_at <= 1.0:
            raise AccordError(
                f"thresholds must satisfy -1 <= reject_at < accept_at <= 1 "
                f"(found reject_at={self.reject_at:g}, accept_at={self.accept_at:g})"
            )
        if self.crux_count < 0:
            raise AccordError(f"crux_count must be 0 or more (found {self.crux_count})")


#: The options used when none are given.
DEFAULT_OPTIONS = AssessmentOptions()
