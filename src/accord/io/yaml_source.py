"""Reading YAML (and other text inputs) so that every problem can be placed on a line.

PyYAML gives us two views of a document: the composed node tree (which knows
line numbers) and the constructed Python data. :func:`read_yaml` returns both
joined up as a :class:`Located` document: the data, plus a map from each path
(``("positions", 3, "salience")``) to the line it starts on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from accord.errors import InputError, Loc, Problem

if TYPE_CHECKING:
    import yaml  # imported where it is used: reading a vote or stance table needs no YAML parser


@dataclass
class Located:
    """Parsed data and the line (1-based) of each path in it."""

    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)
    file: str | None = None

    def place(self, problem: Problem) -> Problem:
        """Put a problem on the line of the deepest part of its path found in the document.

        Paths produced by validators may hold steps the document does not have
        (a list index added when one estimate was written without a list, the
        name of a union branch): those steps are dropped from the shown path.
        """
        node, line = self.data, self.lines.get((), 1)
        kept: Loc = ()
        parts = list(problem.loc)
        for i, part in enumerate(parts):
            if _has(node, part):
                node, kept = node[part], (*kept, part)
            elif i == len(parts) - 1 and isinstance(part, str) and isinstance(node, dict):
                kept = (*kept, part)  # a missing field: name it, on its parent's line
                break
            else:
                continue
            line = self.lines.get(kept, line)
        return Problem(
            problem.message,
            kept,
            found=problem.found,
            expected=problem.expected,
            file=self.file,
            line=line,
        )


def _has(node: Any, part: str | int) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def read_text(path: Path, what: str) -> str:
    """The UTF-8 text of a file, or an :class:`InputError` saying why it cannot be read as text."""
    file = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem("no such file", found=file, expected=f"the path of {what}", file=file)]) from None
    except IsADirectoryError:
        raise InputError([Problem("is a directory", found=file, expected=f"the path of {what}", file=file)]) from None
    except OSError as error:
        raise InputError([Problem(f"cannot read the file: {error.strerror}", file=file)]) from None
    if not raw.strip():
        raise InputError([Problem("the file is empty", found="no content", expected=what, file=file, line=1)])
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise InputError(
            [
                Problem(
                    "binary data, not text", found="a NUL byte", expected=f"{what} as UTF-8 text", file=file, line=line
                )
            ]
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InputError(
            [
                Problem(
                    "not UTF-8 text",
                    found=f"byte 0x{raw[error.start]:02x}",
                    expected=f"{what} as UTF-8 text",
                    file=file,
                    line=line,
                )
            ]
        ) from None


def parse_yaml(text: str, file: str | None = None) -> Located:
    """Parse YAML text into a :class:`Located` document, or raise an :class:`InputError`.

    Repeated keys in a mapping are errors (PyYAML would silently keep the last).
    """
    import yaml

    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.load(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = " ".join(str(part) for part in (error.context, error.problem) if part)
        raise InputError(
            [
                Problem(
                    f"not valid YAML: {message}",
                    found=f"column {mark.column + 1}" if mark else None,
                    expected="well-formed YAML (check indentation, colons and quotes)",
                    file=file,
                    line=mark.line + 1 if mark else None,
                )
            ]
        ) from None
    except yaml.YAMLError as error:
        raise InputError([Problem(f"not valid YAML: {error}", file=file)]) from None
    located = Located(data, file=file)
    problems: list[Problem] = []
    if node is not None:
        _index(node, (), located.lines, problems, file)
    if problems:
        raise InputError(problems)
    return located


def _index(node: yaml.Node, loc: Loc, lines: dict[Loc, int], problems: list[Problem], file: str | None) -> None:
    import yaml

    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in seen:
                problems.append(
                    Problem(
                        f"key {key!r} given twice in the same mapping (first on line {seen[key]})",
                        (*loc, key),
                        found="a repeated key",
                        expected="each key once",
                        file=file,
                        line=line,
                    )
                )
                continue
            seen[key] = line
            lines[(*loc, key)] = line
            _index(value_node, (*loc, key), lines, problems, file)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index(item, (*loc, i), lines, problems, file)
