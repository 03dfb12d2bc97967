"""Reading and writing scenario files and tables: the only layer that knows file formats."""

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
