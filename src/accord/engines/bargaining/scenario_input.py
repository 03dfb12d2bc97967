"""From a :class:`Scenario` to the arrays of a :class:`BargainingProblem` (pure, no I/O).

Each value is the aggregate of its :class:`Measure` (the mean of its estimates):

- position and salience: from the party's :class:`Position` on the issue;
- capability: the position's per-issue capability, else the actor's overall capability;
- status quo: the issue's ``status_quo``, NaN where the scenario gives none.

An actor without a position on an issue takes no part in bargaining over it: its
salience there is 0 (so every weight ``capability * salience`` is 0), and its
position is put at the compromise (the weighted mean of the others), so that a
model which still looks at positions sees a neutral value inside the scale.

:class:`ScenarioInputs` keeps, beside the problem, the measure behind every cell,
for the Monte Carlo sweep and the sensitivity analysis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from accord.engines.bargaining.problem import Array, BargainingProblem, ModelInputError
from accord.model import Measure, Position, Scenario

#: The measures behind a problem's (n, m) cells; None where the actor holds no position.
Cells = tuple[tuple[Measure | None, ...], ...]


@dataclass(frozen=True)
class ScenarioInputs:
    """A problem and the measure behind each of its values."""

    problem: BargainingProblem
    positions: Cells
    salience: Cells
    capability: Cells
    status_quo: tuple[Measure | None, ...]

    @property
    def held(self) -> Array:
        """(n, m) booleans: whether the actor holds a position on the issue."""
        return np.array([[cell is not None for cell in row] for row in self.positions], dtype=bool)


def problem_from_scenario(
    scenario: Scenario, issues: Sequence[str] | None = None, parties: Sequence[str] | None = None
) -> BargainingProblem:
    """The bargaining problem of a scenario, over some issues and parties (default: all that hold positions)."""
    return scenario_inputs(scenario, issues, parties).problem


def scenario_inputs(
    scenario: Scenario, issues: Sequence[str] | None = None, parties: Sequence[str] | None = None
) -> ScenarioInputs:
    """The problem of :func:`problem_from_scenario` with the measure behind each value."""
    chosen_issues = _issues(scenario, issues)
    actors = _actors(scenario, chosen_issues, parties)
    positions: list[tuple[Measure | None, ...]] = []
    saliences: list[tuple[Measure | None, ...]] = []
    capabilities: list[tuple[Measure | None, ...]] = []
    for actor_id in actors:
        held = [scenario.position(actor_id, issue) for issue in chosen_issues]
        positions.append(tuple(p.value if p else None for p in held))
        saliences.append(tuple(p.salience if p else None for p in held))
        capabilities.append(tuple(_capability(scenario, actor_id, p) for p in held))
    for j, issue in enumerate(chosen_issues):
        if all(row[j] is None for row in positions):
            raise ModelInputError(f"no chosen party holds a position on issue {issue!r} in scenario {scenario.id!r}")
    status_quo = tuple(scenario.issue(i).status_quo for i in chosen_issues)
    scales = [scenario.issue(i).scale for i in chosen_issues]
    sal = _means(saliences, 0.0)
    cap = _means(capabilities, 0.0)
    pos = _means(positions, np.nan)
    held_mask = ~np.isnan(pos)
    weights = np.where(held_mask, cap * sal, 0.0)
    total = weights.sum(axis=0)
    fallback = np.where(total > 0, (weights * np.nan_to_num(pos)).sum(axis=0) / np.where(total > 0, total, 1.0), 0.0)
    fallback = np.where(total > 0, fallback, np.nanmean(np.where(held_mask, pos, np.nan), axis=0))
    sq = np.array([m.mean if m is not None else np.nan for m in status_quo])
    problem = BargainingProblem(
        actors=tuple(actors),
        issues=tuple(chosen_issues),
        positions=np.where(held_mask, pos, fallback),
        salience=np.where(held_mask, sal, 0.0),
        capability=cap,
        low=np.array([s.low for s in scales], dtype=np.float64),
        high=np.array([s.high for s in scales], dtype=np.float64),
        status_quo=None if np.isnan(sq).all() else sq,
        source=scenario.id,
    )
    return ScenarioInputs(problem, tuple(positions), tuple(saliences), tuple(capabilities), status_quo)


def _issues(scenario: Scenario, wanted: Sequence[str] | None) -> list[str]:
    if wanted is None:
        held = {p.issue for p in scenario.positions}
        chosen = [i.id for i in scenario.issues if i.id in held]
        if not chosen:
            raise ModelInputError(f"scenario {scenario.id!r} has no positions on any issue: nothing to forecast")
        return chosen
    known = [i.id for i in scenario.issues]
    unknown = [i for i in wanted if i not in known]
    if unknown:
        raise ModelInputError(
            f"no issue {', '.join(map(repr, unknown))} in scenario {scenario.id!r} (known: {', '.join(known)})"
        )
    return list(dict.fromkeys(wanted))


def _actors(scenario: Scenario, issues: Sequence[str], wanted: Sequence[str] | None) -> list[str]:
    if wanted is None:
        holding = {p.actor for p in scenario.positions if p.issue in issues}
        return [a.id for a in scenario.actors if a.id in holding]
    chosen = []
    for key in wanted:
        try:
            chosen.append(scenario.actor(key).id)
        except KeyError as error:
            raise ModelInputError(str(error.args[0])) from None
    return list(dict.fromkeys(chosen))


def _capability(scenario: Scenario, actor_id: str, position: Position | None) -> Measure | None:
    if position is not None and position.capability is not None:
        return position.capability
    overall = scenario.actor(actor_id).capability
    if overall is None and position is not None:
        raise ModelInputError(
            f"party {actor_id!r} in scenario {scenario.id!r} has no capability: give the actor a capability "
            "(or each of its positions one) to forecast with it"
        )
    return overall


def _means(cells: Sequence[Sequence[Measure | None]], missing: float) -> Array:
    return np.array([[m.mean if m is not None else missing for m in row] for row in cells], dtype=np.float64)
