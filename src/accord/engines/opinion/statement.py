"""The draft statement of principles: what every group can sign, ranked by Schulze, each line with its support.

The brief asks for "a statement of principles" both sides can endorse (brief#¶41). The method:

1. **Support.** Per statement: its bridging score (the Community Notes intercept,
   :mod:`accord.engines.opinion.bridging`), its group-informed consensus (Pol.is:
   ``GIC = prod_g (agree_g + 1) / (seen_g + 2)`` over the groups, computed here from the votes and the
   groups passed in) and each group's share of agreeing votes among its votes on it.
2. **Admission (honesty).** A statement enters the draft only when a majority of every group's votes on
   it agree (``share > min_group_agree``, default one half). For a scenario the groups are the parties
   themselves, so only propositions *every* party accepts make it in. Statements that miss are listed
   as excluded, with who does not accept them.
3. **Candidates.** Among the admitted, the ``top`` by bridging and the ``top`` by GIC (all with
   ``top=None``).
4. **Order.** The candidates are ranked with the Schulze method (:mod:`accord.engines.opinion.schulze`)
   over the participants' preferences: their votes, or for a scenario the parties' graded stances
   (higher stance = preferred, unknown = no opinion). Ties keep the order GIC, bridging, id.
5. **Draft.** Lines are grouped by topic (sections in the order of their best line); every line cites
   the statement id, its source (``brief#¶n`` for a scenario proposition), its bridging score, GIC,
   Schulze rank and who accepts it.

Public API::

    draft_from_votes(votes, seen, statements, groups, *, preferences=None, top=12,
                     min_group_agree=0.5, seed=0, title=...) -> DraftStatement
    draft_statement(scenario, parties=None, options=DEFAULT_OPTIONS, *, seed=0) -> DraftStatement
    draft_parties(scenario) -> tuple[str, ...]
    group_informed_consensus(votes, seen, groups) -> (gic, agree, seen_counts, group_labels)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp  # type: ignore[import-untyped, unused-ignore]
from numpy.typing import NDArray

from accord.engines.assessment.options import DEFAULT_OPTIONS, AssessmentOptions
from accord.engines.assessment.parties import resolve_parties
from accord.engines.assessment.readings import Readings
from accord.engines.opinion.bridging import bridging_scores
from accord.engines.opinion.schulze import pairwise_from_scores, pairwise_from_votes, schulze, vote_indicators
from accord.model.scenario import Scenario

Float = NDArray[np.float64]

#: The step whose dialogue track names the parties of the draft (brief#¶41, default scenario).
PRINCIPLES_STEP = "statement-of-principles"


@dataclass(frozen=True)
class StatementInfo:
    """What the draft needs to know of a statement besides the votes."""

    id: str
    text: str
    topic: str | None = None
    source: str | None = None
    """Its citation, e.g. ``brief#¶29`` for a scenario proposition."""


@dataclass(frozen=True)
class DraftLine:
    """One principle of the draft and the support it rests on."""

    id: str
    text: str
    topic: str
    source: str | None
    rank: int
    """Schulze rank among the candidates (1 = most preferred; ties share a rank)."""
    gic: float
    bridging: float
    """The bridging score: the statement's Community Notes intercept."""
    bridging_factor: float
    accept: list[str]
    """The groups (parties) a majority of whose votes agree: for a draft line, all of them."""
    agree_share: dict[str, float]
    """Group to its share of agreeing votes among its votes on the statement."""
    votes: int
    stances: dict[str, float | None] = field(default_factory=dict)
    """For a scenario: party to its graded stance."""
    evidence: dict[str, list[str]] = field(default_factory=dict)
    """For a scenario: party to the sources its stance cites."""

    def citation(self) -> str:
        """The line's support in one bracket: id, source, bridging, GIC, Schulze rank, who accepts."""
        parts = [self.id] + ([self.source] if self.source else [])
        parts += [
            f"bridging {self.bridging:+.3f}",
            f"GIC {self.gic:.3f}",
            f"Schulze rank {self.rank}",
            "accepted by " + ", ".join(self.accept),
        ]
        return "[" + "; ".join(parts) + "]"


@dataclass(frozen=True)
class DraftSection:
    """The lines of one topic."""

    topic: str
    lines: list[DraftLine]


@dataclass(frozen=True)
class Excluded:
    """A statement left out of the draft, and why."""

    id: str
    text: str
    source: str | None
    reason: str


@dataclass(frozen=True)
class DraftStatement:
    """A draft joint statement: sections by topic, the Schulze order, and what was left out."""

    title: str
    groups: list[str]
    """Whose agreement every line needs: the parties, or the opinion groups."""
    sections: list[DraftSection]
    order: list[str]
    """The candidate statement ids in Schulze order (ties broken by GIC, bridging, id)."""
    excluded: list[Excluded]
    method: str

    @property
    def lines(self) -> list[DraftLine]:
        """Every line, section by section."""
        return [line for section in self.sections for line in section.lines]

    def text(self) -> str:
        """The draft as plain text, each line followed by its citation."""
        out = [self.title, ""]
        for section in self.sections:
            out.append(section.topic.replace("-", " ").capitalize())
            out += [f"  {i}. {line.text} {line.citation()}" for i, line in enumerate(section.lines, 1)]
        if not self.sections:
            out.append("  (no statement is accepted by every group)")
        return "\n".join(out)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (``principles`` in ``accord analyze --json``)."""
        data = asdict(self)
        for section, raw in zip(self.sections, data["sections"], strict=True):
            for line, entry in zip(section.lines, raw["lines"], strict=True):
                entry["citation"] = line.citation()
        return data


def _group_matrix(groups: Sequence[Any]) -> tuple[sp.csr_matrix, list[Any]]:
    """A groups x participants indicator matrix, groups in first-seen order."""
    labels = list(dict.fromkeys(groups))
    index = {g: i for i, g in enumerate(labels)}
    rows = np.array([index[g] for g in groups], dtype=np.int64)
    data = np.ones(len(groups))
    return sp.csr_matrix((data, (rows, np.arange(len(groups)))), shape=(len(labels), len(groups))), labels


def group_informed_consensus(votes: Any, seen: Any, groups: Sequence[Any]) -> tuple[Float, Float, Float, list[Any]]:
    """Pol.is's group-informed consensus per statement, with per-group agree and seen counts.

    ``GIC_s = prod_g (agree_gs + 1) / (seen_gs + 2)`` (Laplace-smoothed agreement probability of each
    group, multiplied). Returns ``(gic, agree, seen, labels)`` with ``agree``/``seen`` groups x statements.
    """
    agree, _, mask = vote_indicators(votes, seen)
    membership, labels = _group_matrix(groups)
    agree_g = np.asarray((membership @ agree).toarray())
    seen_g = np.asarray((membership @ mask).toarray())
    gic = np.prod((agree_g + 1.0) / (seen_g + 2.0), axis=0)
    return gic, agree_g, seen_g, labels


def _who(labels: list[Any], agree: Float, disagree: Float, seen: Float, j: int, threshold: float) -> str:
    """Why statement ``j`` is out: which groups reject it, are divided, or never voted on it."""
    kinds: dict[str, list[str]] = {"rejected by": [], "not accepted by": [], "no known stance of": []}
    for g, label in enumerate(labels):
        if seen[g, j] == 0:
            kinds["no known stance of"].append(str(label))
        elif disagree[g, j] / seen[g, j] > threshold:
            kinds["rejected by"].append(str(label))
        elif agree[g, j] / seen[g, j] <= threshold:
            kinds["not accepted by"].append(str(label))
    return "; ".join(f"{kind} {', '.join(names)}" for kind, names in kinds.items() if names)


def draft_from_votes(
    votes: Any,
    seen: Any,
    statements: Sequence[StatementInfo],
    groups: Sequence[Any],
    *,
    preferences: Any = None,
    graded: Any = None,
    top: int | None = 12,
    min_group_agree: float = 0.5,
    seed: int = 0,
    title: str = "Draft statement of principles",
    extra: dict[str, dict[str, Any]] | None = None,
) -> DraftStatement:
    """Draft a joint statement from participants x statements votes and each participant's group.

    ``preferences`` (participants x statements, higher preferred, NaN no opinion) feeds Schulze
    instead of the votes when given; ``graded`` (same shape, values in [-1, 1], NaN unseen) feeds the
    bridging model instead of the votes (a scenario's graded stances carry more than accept/reject).
    ``extra`` maps a statement id to extra :class:`DraftLine` fields
    (``stances``, ``evidence``). See the module docstring for the method.
    """
    if len(statements) == 0:
        return DraftStatement(title, [str(g) for g in dict.fromkeys(groups)], [], [], [], _METHOD)
    gic, agree_g, seen_g, labels = group_informed_consensus(votes, seen, groups)
    _, disagree, _ = vote_indicators(votes, seen)
    membership, _ = _group_matrix(groups)
    disagree_g = np.asarray((membership @ disagree).toarray())
    bridging = bridging_scores(votes if graded is None else graded, seen if graded is None else None, seed=seed)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(seen_g > 0, agree_g / np.maximum(seen_g, 1.0), 0.0)
    admitted = np.all((seen_g > 0) & (share > min_group_agree), axis=0)

    n = len(statements)
    by_gic = np.lexsort((np.arange(n), -gic))
    by_bridging = bridging.order(max_factor=None)
    limit = n if top is None else top
    shortlist = sorted(set(by_gic[:limit].tolist()) | set(by_bridging[:limit].tolist()))
    candidates = [j for j in shortlist if admitted[j]]
    excluded = [
        Excluded(
            statements[j].id,
            statements[j].text,
            statements[j].source,
            _who(labels, agree_g, disagree_g, seen_g, j, min_group_agree),
        )
        for j in sorted(set(shortlist) - set(candidates), key=lambda j: (-gic[j], j))
    ]

    if preferences is not None:
        d = pairwise_from_scores(np.asarray(preferences, dtype=np.float64)[:, candidates])
    else:
        d = pairwise_from_votes(_columns(votes, candidates), None if seen is None else _columns(seen, candidates))
    result = schulze(d, candidates)
    order = sorted(candidates, key=lambda j: (result.ranks[j], -gic[j], -bridging.intercept[j], statements[j].id))
    names = [str(label) for label in labels]
    lines = [
        DraftLine(
            id=statements[j].id,
            text=statements[j].text,
            topic=statements[j].topic or "statements",
            source=statements[j].source,
            rank=result.ranks[j],
            gic=float(gic[j]),
            bridging=float(bridging.intercept[j]),
            bridging_factor=float(bridging.factor[j]),
            accept=names,
            agree_share={names[g]: float(share[g, j]) for g in range(len(names))},
            votes=int(bridging.votes[j]),
            **(extra or {}).get(statements[j].id, {}),
        )
        for j in order
    ]
    topics = list(dict.fromkeys(line.topic for line in lines))
    sections = [DraftSection(topic, [line for line in lines if line.topic == topic]) for topic in topics]
    return DraftStatement(title, names, sections, [statements[j].id for j in order], excluded, _METHOD)


def _columns(matrix: Any, columns: list[int]) -> Any:
    """The given columns of a sparse or dense matrix."""
    if sp.issparse(matrix):
        return sp.csc_matrix(matrix)[:, columns]
    return np.asarray(matrix)[:, columns]


_METHOD = (
    "Statements a majority of every group accepts, shortlisted by bridging score (Community Notes' "
    "matrix-factorisation intercept) and group-informed consensus (Pol.is), ranked by the Schulze method "
    "over the participants' preferences and grouped by topic."
)


def draft_parties(scenario: Scenario) -> tuple[str, ...]:
    """Whose statement the draft is: the parties of the tracks that carry the statement-of-principles step.

    For the default scenario that is the U.S.-Pakistan strategic dialogue (brief#¶41-¶42): the
    United States and Pakistan. Without such a step (or with fewer than two parties on its tracks),
    the scenario's default parties.
    """
    step = next((s for s in scenario.steps if s.id == PRINCIPLES_STEP), None)
    tracks = {t.id: t for t in scenario.tracks}
    parties = sorted({p for t in (step.tracks if step else []) if t in tracks for p in tracks[t].parties})
    return resolve_parties(scenario, parties if len(parties) >= 2 else None, minimum=2)


def draft_statement(
    scenario: Scenario,
    parties: Iterable[str] | None = None,
    options: AssessmentOptions = DEFAULT_OPTIONS,
    *,
    seed: int = 0,
) -> DraftStatement:
    """The draft statement of principles for the chosen parties of a scenario.

    The participants are the parties and so are the groups (fewer than 20 participants); a party's vote
    on a proposition is +1 when its stance is at least ``options.accept_at``, -1 at most
    ``options.reject_at``, 0 between, and unseen when unknown. Only propositions every party accepts
    make it in; Schulze orders them over the parties' graded stances. ``parties=None`` means
    :func:`draft_parties`.
    """
    ids = resolve_parties(scenario, parties, minimum=2) if parties is not None else draft_parties(scenario)
    readings = Readings.of(scenario, ids)
    propositions = readings.propositions
    stances = np.array(
        [[_nan(readings.stance(p, prop.id)) for prop in propositions] for p in ids], dtype=np.float64
    ).reshape(len(ids), len(propositions))
    votes = np.where(stances >= options.accept_at, 1.0, np.where(stances <= options.reject_at, -1.0, 0.0))
    votes[np.isnan(stances)] = np.nan
    infos = [StatementInfo(p.id, p.text, p.topic, p.source) for p in propositions]
    extra = {
        prop.id: {
            "stances": {p: readings.stance(p, prop.id) for p in ids},
            "evidence": {p: _sources(readings, p, prop.id) for p in ids},
        }
        for prop in propositions
    }
    names = {a.id: a.name for a in scenario.actors}
    title = "Draft statement of principles: " + " and ".join(names.get(p, p) for p in ids)
    return draft_from_votes(
        votes,
        None,
        infos,
        list(ids),
        preferences=stances,
        graded=stances,
        top=None,
        seed=seed,
        title=title,
        extra=extra,
    )


def _nan(value: float | None) -> float:
    return float("nan") if value is None else value


def _sources(readings: Readings, party: str, proposition: str) -> list[str]:
    """The distinct sources a party's stance on a proposition cites."""
    stance = readings.stances.get((party, proposition))
    if stance is None or stance.value is None:
        return []
    return list(dict.fromkeys(e.source for e in stance.value))
