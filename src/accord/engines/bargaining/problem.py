"""The arrays every bargaining model reads, and the forecast every model returns.

A :class:`BargainingProblem` is ``n`` actors on ``m`` issues: positions on each
issue's scale, saliences in [0, 1], capabilities (>= 0, per actor and issue)
and optionally each issue's status quo. Models follow scikit-learn's estimator
contract: parameters are keywords of ``__init__``; ``fit(problem)`` stores the
result in attributes ending in ``_`` (``forecast_``) and returns the model.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Self

import numpy as np
from numpy.typing import NDArray

from accord.errors import AccordError

Array = NDArray[np.float64]


class ModelInputError(AccordError):
    """A model was given input it cannot take (shapes, NaNs, out-of-range values, too few actors)."""


@dataclass(frozen=True)
class BargainingProblem:
    """``n`` actors bargaining over ``m`` issues, as arrays."""

    actors: tuple[str, ...]
    issues: tuple[str, ...]
    positions: Array
    """(n, m): each actor's position on each issue's scale."""
    salience: Array
    """(n, m): how much each issue matters to each actor, in [0, 1]."""
    capability: Array
    """(n, m): each actor's capability on each issue, >= 0 (a per-actor vector broadcasts)."""
    low: Array
    """(m,): each issue's scale minimum."""
    high: Array
    """(m,): each issue's scale maximum."""
    status_quo: Array | None = None
    """(m,): each issue's status quo, NaN where unknown; None if no issue has one."""
    source: str = field(default="", compare=False)
    """Where the inputs came from (a file path, a scenario id): for messages and provenance."""

    @classmethod
    def build(
        cls,
        actors: Sequence[str],
        positions: object,
        salience: object,
        capability: object,
        *,
        issues: Sequence[str] | None = None,
        low: object = 0.0,
        high: object = 100.0,
        status_quo: object | None = None,
        source: str = "",
    ) -> BargainingProblem:
        """Coerce array-likes to float arrays of the right shapes and check them."""
        pos = np.atleast_2d(np.asarray(positions, dtype=np.float64))
        if pos.shape[0] != len(actors):
            pos = pos.T if pos.shape[1] == len(actors) else pos
        n, m = pos.shape
        sal = np.broadcast_to(_column(salience, n), (n, m)).astype(np.float64)
        cap = np.broadcast_to(_column(capability, n), (n, m)).astype(np.float64)
        lo = np.broadcast_to(np.asarray(low, dtype=np.float64), (m,)).copy()
        hi = np.broadcast_to(np.asarray(high, dtype=np.float64), (m,)).copy()
        sq = None if status_quo is None else np.broadcast_to(np.asarray(status_quo, dtype=np.float64), (m,)).copy()
        names = tuple(issues) if issues is not None else tuple(f"issue-{j + 1}" for j in range(m))
        return cls(tuple(actors), names, pos, sal, cap, lo, hi, sq, source)

    def __post_init__(self) -> None:
        n, m = len(self.actors), len(self.issues)
        where = f" in {self.source}" if self.source else ""
        if n == 0 or m == 0:
            raise ModelInputError(f"no actors or no issues{where}: a forecast needs at least one of each")
        for name in ("positions", "salience", "capability"):
            array = getattr(self, name)
            if array.shape != (n, m):
                raise ModelInputError(f"{name}{where} has shape {array.shape}; expected ({n}, {m})")
            if not np.all(np.isfinite(array)):
                raise ModelInputError(f"{name}{where} has missing or infinite values; expected finite numbers")
        if not np.all(self.low < self.high):
            raise ModelInputError(f"scale{where}: each issue's low must be below its high")
        outside = (self.positions < self.low) | (self.positions > self.high)
        if outside.any():
            i, j = np.argwhere(outside)[0]
            raise ModelInputError(
                f"position of {self.actors[i]} on {self.issues[j]}{where} is {self.positions[i, j]:g}; "
                f"expected a value from {self.low[j]:g} to {self.high[j]:g}"
            )
        if ((self.salience < 0) | (self.salience > 1)).any():
            raise ModelInputError(f"salience{where} outside [0, 1]")
        if (self.capability < 0).any():
            raise ModelInputError(f"capability{where} is negative; expected >= 0")
        if len(set(self.actors)) != n:
            raise ModelInputError(f"actor names{where} repeat; expected distinct actors")

    @property
    def where(self) -> str:
        """`` in <source>`` for messages, or nothing."""
        return f" in {self.source}" if self.source else ""

    @property
    def n_actors(self) -> int:
        return len(self.actors)

    @property
    def n_issues(self) -> int:
        return len(self.issues)

    def subset(self, issues: Sequence[int]) -> BargainingProblem:
        """The same actors on some of the issues."""
        index = list(issues)
        return BargainingProblem(
            self.actors,
            tuple(self.issues[j] for j in index),
            self.positions[:, index],
            self.salience[:, index],
            self.capability[:, index],
            self.low[index],
            self.high[index],
            None if self.status_quo is None else self.status_quo[index],
            self.source,
        )


def check_weights(problem: BargainingProblem, model: str) -> Array:
    """``capability * salience`` (n, m), after checking that a model can take the problem.

    Every model needs at least two actors and, on each issue, some actor with
    both capability and salience above zero; otherwise :class:`ModelInputError`.
    """
    if problem.n_actors < 2:
        raise ModelInputError(f"the {model} model needs at least 2 actors{problem.where}; got {problem.n_actors}")
    weights = problem.capability * problem.salience
    empty = np.flatnonzero(weights.sum(axis=0) <= 0)
    if empty.size:
        names = ", ".join(problem.issues[j] for j in empty)
        raise ModelInputError(
            f"the {model} model needs, on each issue, an actor with capability and salience above zero"
            f"{problem.where}; none on {names}"
        )
    return weights


def _column(values: object, n: int) -> Array:
    array = np.asarray(values, dtype=np.float64)
    return array.reshape(n, 1) if array.ndim == 1 and array.shape == (n,) else array


@dataclass(frozen=True)
class Forecast:
    """Where a model expects bargaining to land on each issue."""

    model: str
    issues: tuple[str, ...]
    values: Array
    """(m,): the forecast on each issue."""
    rounds: int | None = None
    """For round-based models: how many rounds were run."""
    final_positions: Array | None = None
    """(n, m): each actor's position when the model stopped (round-based models)."""
    trajectory: Array | None = None
    """(rounds + 1, n, m): positions round by round, the inputs first (round-based models)."""


class BargainingModel(ABC):
    """Base of every forecast model: explicit keyword parameters, ``fit`` sets ``forecast_``."""

    name: ClassVar[str]
    """The model's name in the CLI and JSON output (``compromise``, ``expected-utility``...)."""
    reference: ClassVar[str]
    """The paper or implementation the model follows."""

    forecast_: Forecast

    def fit(self, problem: BargainingProblem) -> Self:
        """Run the model on a problem; the result is in ``forecast_``."""
        self.forecast_ = self._solve(problem)
        return self

    def predict(self, problem: BargainingProblem) -> Array:
        """The forecast on each issue."""
        return self.fit(problem).forecast_.values

    @abstractmethod
    def _solve(self, problem: BargainingProblem) -> Forecast:
        """The model itself."""
