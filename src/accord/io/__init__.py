"""Reading and writing scenario files and tables: the only layer that knows file formats.

The scenario names below load on first access (PEP 562): a reader of another
format (a Pol.is export, say) does not pay for the scenario model's import.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accord.io.scenario_file import (
        DEFAULT_SCENARIO,
        default_scenario_path,
        dump_scenario,
        load_default_scenario,
        load_scenario,
        save_scenario,
        scenario_from_text,
        scenario_json_schema,
        scenario_json_schema_text,
        template_path,
    )

__all__ = [
    "DEFAULT_SCENARIO",
    "default_scenario_path",
    "dump_scenario",
    "load_default_scenario",
    "load_scenario",
    "save_scenario",
    "scenario_from_text",
    "scenario_json_schema",
    "scenario_json_schema_text",
    "template_path",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(import_module("accord.io.scenario_file"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
