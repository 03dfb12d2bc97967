"""KTAB's spatial-model inputs: its CSV tables and its XML scenarios (``smpSchema.xsd``).

CSV (KTAB's ``SMPModel::csvRead``): line 1 ``name, description, nActors, nDims``;
line 2 the column headers (``Actor, Description, Power, Position1, Salience1, ...``);
then one row per actor: name, description, capability, and per dimension a
position and a salience, both on KTAB's 0-100 scale, saliences summing to at most
100 per actor.

XML (KTAB's ``SMPModel::xmlRead``): ``Scenario`` with ``name``, ``desc``,
``prngSeed``, optional ``ModelParameters`` (KTAB's nine switches), ``Dimensions``
(``dName``...), ``Actors`` (``Actor``: ``name``, ``description``, ``capability``,
``Position``/``dCoord``..., ``Salience``/``dSal``...) and optional
``IdealAdjustment`` (``iaPair``: ``adjustingIdeal``, ``referencePos``, ``adjust``).

Either gives a :class:`KtabScenario`: a :class:`BargainingProblem` on a 0-100 scale
with saliences as shares (KTAB divides by 100), plus the switches, seed and
ideal-adjustment matrix the file states, as keywords of the ``spatial`` model.
Every problem found is reported with the file, line, field, what was found and
what was expected; nothing is guessed.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.parsers import expat

import numpy as np
from numpy.typing import NDArray

from accord.engines.bargaining.problem import BargainingProblem
from accord.errors import InputError, Problem
from accord.io.yaml_source import read_text

#: KTAB's XML tag for each ``spatial`` model keyword, and the values it takes (KTAB's names).
SWITCHES: dict[str, tuple[str, tuple[str, ...]]] = {
    "victory_prob_model": ("VictoryProbModel", ("Linear", "Square", "Quartic", "Octic", "Binary")),
    "pce_model": ("PCEModel", ("Conditional", "MarkovIncentive", "MarkovUniform")),
    "state_transitions": ("StateTransitions", ("Deterministic", "Stochastic")),
    "voting_rule": ("VotingRule", ("Binary", "PropBin", "Prop", "Proportional", "PropCbc", "Cubic", "ASymProsp")),
    "big_r_adjust": ("BigRAdjust", ("None", "No", "OneThird", "Half", "TwoThirds", "Full")),
    "big_r_range": ("BigRRange", ("Min", "Mid", "Max")),
    "third_party_commit": ("ThirdPartyCommit", ("NoCommit", "SemiCommit", "FullCommit")),
    "inter_vec_brgn": ("InterVecBrgn", ("S1P1", "S2P2", "S2PMax")),
    "bargn_model": ("BargnModel", ("InitOnlyInterp", "InitRcvrInterp", "PWCompInterp")),
}
SCALE = (0.0, 100.0)
_MAX_CAPABILITY = 1e8  # KTAB's sanity limit


@dataclass(frozen=True)
class KtabScenario:
    """A KTAB input read into accord: the problem, and the model settings the file states."""

    problem: BargainingProblem
    name: str
    description: str
    parameters: dict[str, Any] = field(default_factory=dict)
    """Keywords for the ``spatial`` model: the switches, ``seed`` and ``ideal_adjustment`` when the file gives them."""
    descriptions: tuple[str, ...] = ()
    """Each actor's description."""


def read_ktab(path: str | Path) -> KtabScenario:
    """Read a KTAB CSV or XML input, told apart by its extension (or, failing that, by its first character)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xml":
        return read_ktab_xml(path)
    if suffix == ".csv":
        return read_ktab_csv(path)
    text = read_text(path, "a KTAB CSV or XML input")
    return read_ktab_xml(path) if text.lstrip().startswith("<") else read_ktab_csv(path)


# ---------------------------------------------------------------- CSV


def read_ktab_csv(path: str | Path) -> KtabScenario:
    """Read KTAB's CSV input; raise :class:`InputError` naming the file, line and field of any problem."""
    path = Path(path)
    file = str(path)
    text = read_text(path, "a KTAB CSV input")
    lines = [(number, _fields(line)) for number, line in enumerate(text.splitlines(), start=1) if line.strip()]
    table = _CsvTable(file, lines)
    if not text.endswith(("\n", "\r")):
        # A cut inside the last number ("75" -> "7") would otherwise read as a valid, wrong value.
        last = len(text.splitlines())
        table.fail("the last line has no line break: the file may be cut short", last, "no line break at the end",
                   "a line break after the last row, as KTAB writes")  # fmt: skip
        table.stop()
    n_actors, n_dims = table.shape()
    header = table.header(n_dims)
    dims = tuple(header[3 + 2 * d] or f"dimension {d + 1}" for d in range(n_dims))
    names, descs, caps, pos, sal = table.actors(n_actors, n_dims, header)
    problem = _problem(names, pos, sal, caps, dims, file)
    return KtabScenario(problem, lines[0][1][0], lines[0][1][1], {}, tuple(descs))


@dataclass
class _CsvTable:
    """KTAB's CSV, line by line (blank lines skipped, physical line numbers kept)."""

    file: str
    lines: list[tuple[int, list[str]]]
    problems: list[Problem] = field(default_factory=list)

    def fail(self, message: str, line: int, found: str, expected: str, loc: tuple[str | int, ...] = ()) -> None:
        self.problems.append(Problem(message, loc, found=found, expected=expected, file=self.file, line=line))

    def stop(self) -> None:
        if self.problems:
            raise InputError(self.problems)

    def ends_early(self, what: str) -> None:
        last = self.lines[-1][0] if self.lines else 1
        self.fail("the file ends early", last, f"end of file after line {last}", what)

    def shape(self) -> tuple[int, int]:
        """nActors and nDims from line 1."""
        if len(self.lines) < 2:
            self.ends_early("the column-header line (line 2)")
            self.stop()
        top, head = self.lines[0]
        if len(head) < 4:
            self.fail(
                "the first line has too few fields", top, repr(",".join(head)), "name, description, nActors, nDims"
            )
            self.stop()
        n_actors = _count(head[2], "nActors", top, self.fail)
        n_dims = _count(head[3], "nDims", top, self.fail)
        self.stop()
        return n_actors, n_dims

    def header(self, n_dims: int) -> list[str]:
        """The column headers of line 2, checked against nDims."""
        line, header = self.lines[1]
        want = 3 + 2 * n_dims
        if len(header) < want:
            self.fail(
                f"the column headers name {max(0, (len(header) - 3) // 2)} dimension(s)",
                line,
                f"{len(header)} columns",
                f"{want} columns (Actor, Description, Power, then a position and a salience per dimension)",
            )
            self.stop()
        return header

    def actors(
        self, n_actors: int, n_dims: int, header: list[str]
    ) -> tuple[list[str], list[str], list[float], list[list[float]], list[list[float]]]:
        """One row per actor: name, description, capability, then position and salience per dimension."""
        rows = self.lines[2:]
        if len(rows) < n_actors:
            self.ends_early(f"{n_actors} actor rows (line 1 says nActors = {n_actors})")
        for number, row in rows[n_actors:]:
            self.fail(f"more actor rows than nActors = {n_actors}", number, repr(",".join(row)), "no further rows")
            break
        names: list[str] = []
        descs: list[str] = []
        caps: list[float] = []
        pos: list[list[float]] = []
        sal: list[list[float]] = []
        seen: dict[str, int] = {}
        want = 3 + 2 * n_dims
        for number, row in rows[:n_actors]:
            if len(row) < want:
                self.fail(f"actor row has {len(row)} fields", number, repr(",".join(row)), f"{want} fields")
                continue
            name = row[0]
            if not name:
                self.fail("empty actor name", number, "''", "a name", ("Actor",))
            elif name in seen:
                self.fail(f"actor {name!r} appears twice", number, repr(name), f"a name not used on line {seen[name]}")
            seen.setdefault(name, number)
            caps.append(_number(row[2], header[2] or "Power", number, self.fail, 0.0, _MAX_CAPABILITY))
            labels = [(header[c] or f"column {c + 1}") for c in range(3, want)]
            values = [_number(row[c], labels[c - 3], number, self.fail, *SCALE) for c in range(3, want)]
            pos.append(values[0::2])
            sal.append(values[1::2])
            if all(math.isfinite(s) for s in sal[-1]) and sum(sal[-1]) > 100.0 + 1e-9:
                found = f"{sum(sal[-1]):g}"
                self.fail(f"saliences of {name} sum to more than 100", number, found, "a total of at most 100")
            names.append(name)
            descs.append(row[1])
        self.stop()
        return names, descs, caps, pos, sal


def _fields(line: str) -> list[str]:
    """One CSV line's fields, stripped, without the empty fields KTAB files often trail."""
    row = [cell.strip() for cell in next(csv.reader([line]))]
    while row and not row[-1]:
        row.pop()
    return row


def _count(text: str, name: str, line: int, fail: Any) -> int:
    try:
        value = int(text)
    except ValueError:
        fail(f"{name} is not a whole number", line, repr(text), f"{name} as a whole number >= 1", (name,))
        return 0
    if value < 1:
        fail(f"{name} is {value}", line, repr(text), f"{name} >= 1", (name,))
    return value


def _number(text: str, name: str, line: int, fail: Any, low: float, high: float) -> float:
    try:
        value = float(text)
    except ValueError:
        fail(f"{name} is not a number", line, repr(text), f"a number from {low:g} to {high:g}", (name,))
        return math.nan
    if not (math.isfinite(value) and low <= value <= high):
        fail(f"{name} is out of range", line, repr(text), f"a number from {low:g} to {high:g}", (name,))
        return math.nan
    return value


def _problem(
    names: list[str],
    pos: list[list[float]],
    sal: list[list[float]],
    caps: list[float],
    dims: tuple[str, ...],
    file: str,
) -> BargainingProblem:
    positions = np.asarray(pos, dtype=np.float64).reshape(len(names), len(dims))
    salience = np.asarray(sal, dtype=np.float64).reshape(len(names), len(dims)) / 100.0
    capability: NDArray[np.float64] = np.asarray(caps, dtype=np.float64)
    return BargainingProblem.build(
        names, positions, salience, capability, issues=dims, low=SCALE[0], high=SCALE[1], source=file
    )


# ---------------------------------------------------------------- XML


@dataclass
class XmlNode:
    """An XML element with the line it starts on, and its path from the root (for messages)."""

    tag: str
    line: int
    path: tuple[str | int, ...]
    text: str = ""
    children: list[XmlNode] = field(default_factory=list)

    def first(self, tag: str) -> XmlNode | None:
        return next((c for c in self.children if c.tag == tag), None)

    def all(self, tag: str) -> list[XmlNode]:
        return [c for c in self.children if c.tag == tag]


#: Elements that repeat: their index is part of the path shown in messages (``Actors.Actor[2].Position.dCoord[0]``).
_LISTS = frozenset({"Actor", "dCoord", "dSal", "dName", "iaPair"})


class _RefusedError(Exception):
    """An XML construct this reader refuses (entity declarations, external entities)."""


def parse_xml(text: str, file: str) -> XmlNode:
    """Parse XML with expat into :class:`XmlNode` s, refusing DTD entities (no billion laughs, no external files)."""
    parser = expat.ParserCreate(encoding="UTF-8")  # the text is decoded already: ignore the declared encoding
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[XmlNode] = []
    roots: list[XmlNode] = []
    counts: list[dict[str, int]] = [{}]

    def start(tag: str, _attrs: dict[str, str]) -> None:
        index = counts[-1].get(tag, 0)
        counts[-1][tag] = index + 1
        step: tuple[str | int, ...] = (tag, index) if tag in _LISTS else (tag,)
        path = (*stack[-1].path, *step) if stack else ()
        node = XmlNode(tag, parser.CurrentLineNumber, path)
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
        counts.append({})

    def end(_tag: str) -> None:
        stack.pop()
        counts.pop()

    def data(chunk: str) -> None:
        if stack:
            stack[-1].text += chunk

    def refuse(*_args: object) -> int:
        raise _RefusedError

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    try:
        parser.Parse(text.encode("utf-8"), True)
    except _RefusedError:
        line = parser.CurrentLineNumber
        raise InputError(
            [
                Problem(
                    "entity declarations are not accepted",
                    found="<!ENTITY ...>",
                    expected="a KTAB scenario without a DTD",
                    file=file,
                    line=line,
                )
            ]
        ) from None
    except expat.ExpatError as error:
        reason = expat.ErrorString(error.code) if error.code is not None else str(error)
        raise InputError(
            [
                Problem(
                    f"not well-formed XML: {reason}",
                    found=f"column {error.offset + 1}",
                    expected="well-formed XML",
                    file=file,
                    line=error.lineno,
                )
            ]
        ) from None
    if not roots:
        raise InputError([Problem("no XML element", expected="a <Scenario> element", file=file, line=1)])
    return roots[0]


def read_ktab_xml(path: str | Path) -> KtabScenario:
    """Read KTAB's XML scenario; raise :class:`InputError` naming the file, line and element of any problem."""
    path = Path(path)
    file = str(path)
    root = parse_xml(read_text(path, "a KTAB XML scenario"), file)
    problems: list[Problem] = []
    reader = _XmlReader(file, problems)
    if root.tag != "Scenario":
        reader.fail(root, "the root element is not Scenario", f"<{root.tag}>", "<Scenario>")
        raise InputError(problems)
    name = reader.text(root, "name", required=False)
    desc = reader.text(root, "desc", required=False)
    parameters: dict[str, Any] = {}
    seed_node = reader.child(root, "prngSeed")
    if seed_node is not None:
        seed_text = seed_node.text.strip()
        if seed_text.isdigit() and int(seed_text) < 2**64:
            parameters["seed"] = int(seed_text)
        else:
            reader.fail(
                seed_node, "prngSeed is not a 64-bit seed", repr(seed_text), "a whole number from 0 to 2^64 - 1"
            )
    settings = root.first("ModelParameters")
    if settings is not None:
        for keyword, (tag, values) in SWITCHES.items():
            node = reader.child(settings, tag)
            if node is None:
                continue
            value = node.text.strip()
            match = next((v for v in values if v.lower() == value.lower()), None)
            if match is None:
                reader.fail(node, f"unknown {tag}", repr(value), f"one of {', '.join(values)}")
            else:
                parameters[keyword] = match
    dims = reader.dimensions(root)
    actors = reader.actors(root, len(dims))
    if problems:
        raise InputError(problems)
    names = [a.name for a in actors]
    adjustment = reader.ideal_adjustment(root, names)
    if problems:
        raise InputError(problems)
    if adjustment is not None:
        parameters["ideal_adjustment"] = adjustment
    positions, saliences = [a.position for a in actors], [a.salience for a in actors]
    problem = _problem(names, positions, saliences, [a.capability for a in actors], tuple(dims), file)
    return KtabScenario(problem, name, desc, parameters, tuple(a.description for a in actors))


@dataclass
class _Actor:
    name: str
    description: str
    capability: float
    position: list[float]
    salience: list[float]


@dataclass
class _XmlReader:
    file: str
    problems: list[Problem]

    def fail(self, node: XmlNode, message: str, found: str, expected: str) -> None:
        self.problems.append(
            Problem(message, node.path, found=found, expected=expected, file=self.file, line=node.line)
        )

    def child(self, parent: XmlNode, tag: str) -> XmlNode | None:
        node = parent.first(tag)
        if node is None:
            self.fail(parent, f"missing element <{tag}>", f"no <{tag}> in <{parent.tag}>", f"a <{tag}> element")
        return node

    def text(self, parent: XmlNode, tag: str, *, required: bool = True) -> str:
        node = self.child(parent, tag) if required else parent.first(tag)
        if node is None:
            return ""
        if required and not node.text.strip():
            self.fail(node, f"empty <{tag}>", "no text", f"the {tag}")
        return node.text.strip()

    def number(self, node: XmlNode, low: float, high: float, *, open_low: bool = False, what: str = "") -> float:
        text = node.text.strip()
        bound = f"more than {low:g}" if open_low else f"from {low:g}"
        expected = f"a number {bound} to {high:g}"
        if not text:
            self.fail(node, f"empty <{node.tag}>{what}", "no value", expected)
            return math.nan
        try:
            value = float(text)
        except ValueError:
            self.fail(node, f"<{node.tag}>{what} is not a number", repr(text), expected)
            return math.nan
        if not (math.isfinite(value) and low <= value <= high) or (open_low and value <= low):
            self.fail(node, f"<{node.tag}>{what} is out of range", repr(text), expected)
            return math.nan
        return value

    def dimensions(self, root: XmlNode) -> list[str]:
        node = self.child(root, "Dimensions")
        if node is None:
            return []
        names = []
        for d in node.all("dName"):
            if not d.text.strip():
                self.fail(d, "empty <dName>", "no text", "the dimension's name")
            names.append(d.text.strip())
        if not names:
            self.fail(node, "no dimensions", "no <dName> in <Dimensions>", "one <dName> per dimension")
        return names

    def actors(self, root: XmlNode, n_dims: int) -> list[_Actor]:
        node = self.child(root, "Actors")
        if node is None:
            return []
        result: list[_Actor] = []
        seen: dict[str, int] = {}
        for a in node.all("Actor"):
            name = self.text(a, "name")
            if name in seen:
                self.fail(a, f"actor {name!r} appears twice", repr(name), f"a name not used on line {seen[name]}")
            seen.setdefault(name, a.line)
            cap_node = self.child(a, "capability")
            who = f" of {name}" if name else ""
            cap = self.number(cap_node, 0.0, _MAX_CAPABILITY, open_low=True, what=who) if cap_node else math.nan
            position = self.coordinates(a, "Position", "dCoord", n_dims, name)
            salience = self.coordinates(a, "Salience", "dSal", n_dims, name)
            if salience and all(math.isfinite(s) for s in salience) and sum(salience) > 100.0 + 1e-9:
                self.fail(a, f"saliences of {name} sum to more than 100", f"{sum(salience):g}", "at most 100")
            described = a.first("description")
            description = described.text.strip() if described is not None else ""
            result.append(_Actor(name, description, cap, position, salience))
        if not result:
            self.fail(node, "no actors", "no <Actor> in <Actors>", "one <Actor> per actor")
        return result

    def coordinates(self, actor: XmlNode, tag: str, item: str, n_dims: int, name: str) -> list[float]:
        node = self.child(actor, tag)
        if node is None:
            return []
        items = node.all(item)
        if len(items) != n_dims:
            found = f"{len(items)} <{item}>"
            self.fail(node, f"<{tag}> of {name} has the wrong length", found, f"{n_dims}, one per dimension")
        return [
            self.number(x, *SCALE, what=f" ({tag.lower()} of {name}, dimension {d + 1})") for d, x in enumerate(items)
        ]

    def ideal_adjustment(self, root: XmlNode, names: list[str]) -> NDArray[np.float64] | None:
        node = root.first("IdealAdjustment")
        if node is None:
            return None
        index = {name: i for i, name in enumerate(names)}
        matrix = np.eye(len(names))
        for pair in node.all("iaPair"):
            ends = []
            for tag in ("adjustingIdeal", "referencePos"):
                who = self.text(pair, tag)
                if who and who not in index:
                    self.fail(pair.first(tag) or pair, f"unknown actor in <{tag}>", repr(who), "the name of an actor")
                ends.append(index.get(who, -1))
            adjust = self.child(pair, "adjust")
            value = self.number(adjust, 0.0, 1.0) if adjust else math.nan
            if min(ends) >= 0 and math.isfinite(value):
                matrix[ends[0], ends[1]] = value
        for i, total in enumerate(matrix.sum(axis=1)):
            if total > 1.0 + 1e-10:
                self.fail(node, f"the adjustments of {names[i]}'s ideal sum to more than 1", f"{total:g}", "at most 1")
        return matrix
