"""Turning pydantic's validation errors into accord :class:`Problem` records a user can act on."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from accord.errors import Problem

_EXPECTED = {
    "missing": "this field to be present",
    "extra_forbidden": "only the fields the format defines (see docs/scenario-format.md)",
    "float_parsing": "a number",
    "float_type": "a number",
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "string_type": "text",
    "list_type": "a list",
    "dict_type": "a mapping of fields",
    "model_type": "a mapping of fields",
    "model_attributes_type": "a mapping of fields",
    "date_from_datetime_parsing": "a date as YYYY-MM-DD",
    "date_parsing": "a date as YYYY-MM-DD",
    "date_type": "a date as YYYY-MM-DD",
    "string_pattern_mismatch": "an id of lower-case letters and digits joined by single hyphens",
    "string_too_short": "non-empty text",
    "tuple_type": "a list of two items",
    "too_short": "more items",
    "too_long": "fewer items",
}

_BOUNDS = {
    "greater_than": "a value above {gt}",
    "greater_than_equal": "a value of at least {ge}",
    "less_than": "a value below {lt}",
    "less_than_equal": "a value of at most {le}",
}


def problems_from(error: ValidationError) -> list[Problem]:
    """One problem per pydantic error, deduplicated, with what was found and expected."""
    problems: list[Problem] = []
    seen: set[tuple[Any, ...]] = set()
    for detail in error.errors(include_url=False):
        loc = tuple(detail["loc"])
        kind = detail["type"]
        key = (loc, kind)
        if key in seen:
            continue
        seen.add(key)
        problems.append(
            Problem(
                _message(detail),
                loc,
                found=None if kind == "missing" or _whole_record(detail) else _show(detail.get("input")),
                expected=_expected(kind, detail.get("ctx") or {}),
            )
        )
    return problems


def _whole_record(detail: Any) -> bool:
    """A record-level check (e.g. a range that misses its value) says itself what it found."""
    return detail["type"] == "value_error" and isinstance(detail.get("input"), dict)


def _message(detail: Any) -> str:
    message = str(detail["msg"])
    return message.removeprefix("Value error, ")


def _expected(kind: str, ctx: dict[str, Any]) -> str | None:
    if kind in _BOUNDS:
        return _BOUNDS[kind].format(**ctx)
    if kind in ("enum", "literal_error"):
        return f"one of {ctx.get('expected', '')}"
    return _EXPECTED.get(kind)


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping with " + (", ".join(map(str, list(value)[:6])) or "no fields")
    if isinstance(value, list):
        return f"a list of {len(value)} items"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
