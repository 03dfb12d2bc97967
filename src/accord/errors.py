"""Errors that are part of accord's interface: each names where, what was found and what was expected."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

#: A path into a document: mapping keys and list indexes, e.g. ``("positions", 3, "salience")``.
Loc = tuple[str | int, ...]


def format_loc(loc: Loc) -> str:
    """``positions[3].salience`` for ``("positions", 3, "salience")``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is, what was found, what was expected."""

    message: str
    loc: Loc = ()
    found: str | None = None
    expected: str | None = None
    file: str | None = None
    line: int | None = None

    @property
    def field(self) -> str:
        return format_loc(self.loc)

    def at(self, file: str | None = None, line: int | None = None) -> Problem:
        """The same problem, placed in a file and at a line."""
        return replace(self, file=file if file is not None else self.file, line=line if line is not None else self.line)

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.file, self.line) if p is not None)
        text = f"{where}: " if where else ""
        if self.loc:
            text += f"{self.field}: "
        text += self.message
        details = []
        if self.found is not None:
            details.append(f"found {self.found}")
        if self.expected is not None:
            details.append(f"expected {self.expected}")
        if details:
            text += f" ({'; '.join(details)})"
        return text


class AccordError(Exception):
    """Base of accord's errors: the message is meant for the user, without a traceback."""


class InputError(AccordError):
    """An input file (scenario, table) has one or more problems."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
