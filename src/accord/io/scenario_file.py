"""Scenario files: one human-editable YAML file per scenario, read and written losslessly.

Loading never shows a traceback for a bad file: every problem found (bad YAML,
wrong types, unknown ids, values off their scale...) comes back at once in an
:class:`~accord.errors.InputError`, each naming the file, line, field, what was
found and what was expected.
"""

from __future__ import annotations

import json
import os
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from accord.errors import InputError, Problem
from accord.io.validation import problems_from
from accord.io.yaml_source import Located, parse_yaml, read_text
from accord.model import Scenario, check_scenario

DEFAULT_SCENARIO = "afghanistan-2019"


def load_scenario(path: str | Path) -> Scenario:
    """Read and fully check a scenario file."""
    path = Path(path)
    return scenario_from_text(read_text(path, "a scenario file"), str(path))


def scenario_from_text(text: str, file: str | None = None) -> Scenario:
    """Parse and fully check scenario YAML; raise :class:`InputError` with every problem found."""
    located = parse_yaml(text, file)
    if not isinstance(located.data, dict):
        found = type(located.data).__name__ if located.data is not None else "nothing"
        raise InputError(
            [
                Problem(
                    "a scenario file is a mapping of sections",
                    found=found,
                    expected="id, title, actors...",
                    file=file,
                    line=1,
                )
            ]
        )
    return scenario_from_data(located)


def scenario_from_data(located: Located) -> Scenario:
    """Validate located data as a scenario, placing every problem on its line."""
    try:
        scenario = Scenario.model_validate(located.data)
    except ValidationError as error:
        structural = problems_from(error)
        raise InputError(_in_file_order(located, structural + _checks_without(located.data, structural))) from None
    problems = check_scenario(scenario)
    if problems:
        raise InputError(_in_file_order(located, problems))
    return scenario


def _key(record: dict[str, Any]) -> str:
    """How checks name a record when another refers to it: its id, or 'actor / issue' for a position."""
    if "id" in record:
        return repr(record["id"])
    return f"{record.get('actor')} / {record.get('issue')}"


def _in_file_order(located: Located, problems: list[Problem]) -> list[Problem]:
    placed = [located.place(p) for p in problems]
    return sorted(placed, key=lambda p: p.line or 0)


def _checks_without(data: dict[str, Any], structural: list[Problem]) -> list[Problem]:
    """Cross-record problems of the records that did validate, so that one run reports both kinds.

    The records with structural problems are set aside; references to the ids
    of records set aside are not reported again as unknown.
    """
    broken: dict[str, set[int]] = {}
    for problem in structural:
        if len(problem.loc) >= 2 and isinstance(problem.loc[1], int):
            broken.setdefault(str(problem.loc[0]), set()).add(problem.loc[1])
    if not broken or any(len(p.loc) < 2 or not isinstance(p.loc[1], int) for p in structural):
        return []
    partial = dict(data)
    set_aside: set[str] = set()
    for section, indexes in broken.items():
        items = data.get(section)
        if not isinstance(items, list):
            return []
        partial[section] = [item for i, item in enumerate(items) if i not in indexes]
        set_aside |= {_key(items[i]) for i in indexes if isinstance(items[i], dict)}
    try:
        scenario = Scenario.model_validate(partial)
    except ValidationError:
        return []
    renumber = {section: sorted(set(range(len(data[section]))) - indexes) for section, indexes in broken.items()}
    problems = []
    for problem in check_scenario(scenario):
        if any(problem.found and problem.found.startswith(key) for key in set_aside):
            continue  # a consequence of a record set aside, not a problem of its own
        section, rest = str(problem.loc[0]), problem.loc[1:]
        if section in renumber and rest and isinstance(rest[0], int):
            rest = (renumber[section][rest[0]], *rest[1:])
        problems.append(Problem(problem.message, (section, *rest), problem.found, problem.expected))
    return problems


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    """The plain data of a scenario as written to file: defaults and empty fields left out."""
    data = scenario.model_dump(mode="json", exclude_defaults=True)
    return {"format": scenario.format, **data}


class _ReadableDumper(yaml.SafeDumper):
    """Writes small leaf records (an estimate, a scale) on one line, as people write them by hand."""


def _represent_dict(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    leaf = all(
        not isinstance(v, dict | list)
        or (isinstance(v, list) and len(v) <= 4 and all(not isinstance(x, dict | list) for x in v))
        for v in data.values()
    )
    flow = leaf and len(repr(data)) <= 110
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow)


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = all(not isinstance(x, dict | list) for x in data) and len(repr(data)) <= 80
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_ReadableDumper.add_representer(dict, _represent_dict)
_ReadableDumper.add_representer(list, _represent_list)


def dump_scenario(scenario: Scenario) -> str:
    """The YAML text of a scenario; :func:`scenario_from_text` reads it back to an equal scenario."""
    return yaml.dump(scenario_data(scenario), Dumper=_ReadableDumper, sort_keys=False, allow_unicode=True, width=120)


def save_scenario(scenario: Scenario, path: str | Path) -> Path:
    """Write a scenario file atomically: a failure never leaves a half-written file behind."""
    path = Path(path)
    text = dump_scenario(scenario)
    scenario_from_text(text, str(path))  # never write what we could not read back
    write_atomically(path, text)
    return path


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one step (write a sibling temporary file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def default_scenario_path() -> Path:
    """The path of the scenario shipped in the package (the brief's case)."""
    return packaged_path(f"scenarios/{DEFAULT_SCENARIO}.yaml")


def template_path() -> Path:
    """The annotated template ``accord init`` writes."""
    return packaged_path("template.yaml")


def packaged_path(name: str) -> Path:
    return Path(str(resources.files("accord.data").joinpath(name)))


def load_default_scenario() -> Scenario:
    """The default scenario: the brief's case, early 2019."""
    return load_scenario(default_scenario_path())


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema of scenario files (what ``accord schema`` prints)."""
    schema = Scenario.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://accord.invalid/schema/scenario-v1.json",
        **schema,
    }


def scenario_json_schema_text() -> str:
    return json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False) + "\n"
