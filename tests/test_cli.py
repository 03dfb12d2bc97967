"""The command line: exit codes, messages without tracebacks, files written."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from accord.cli import app
from accord.io import load_scenario, scenario_json_schema_text, template_path

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def test_validate_ok() -> None:
    result = runner.invoke(app, ["validate", str(template_path())])
    assert result.exit_code == 0, result.output
    assert "2 actors" in result.output


def test_validate_reports_every_problem_and_exits_1(tmp_path: Path) -> None:
    text = template_path().read_text(encoding="utf-8")
    text = text.replace("observed: upstream", "observed: nobody").replace("paragraphs: 12", "paragraphs: -3")
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert "2 problems found" in result.stderr
    assert f"{path}:" in result.stderr and "perceptions[0].observed: unknown actor 'nobody'" in result.stderr
    assert "sources[0].paragraphs" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_validate_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 1
    assert "no such file" in result.stderr


def test_init_writes_a_valid_template_and_will_not_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    assert runner.invoke(app, ["init", str(path)]).exit_code == 0
    assert load_scenario(path) == load_scenario(template_path())
    path.write_text("precious", encoding="utf-8")
    result = runner.invoke(app, ["init", str(path)])
    assert result.exit_code == 1
    assert "already exists" in result.stderr
    assert path.read_text(encoding="utf-8") == "precious"
    assert runner.invoke(app, ["init", str(path), "--force"]).exit_code == 0
    assert load_scenario(path).id == "river-basin-talks"


def test_schema_matches_the_published_file() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"] == "Scenario"
    published = (ROOT / "docs" / "scenario.schema.json").read_text(encoding="utf-8")
    assert published == scenario_json_schema_text(), "run: accord schema -o docs/scenario.schema.json"


def test_import_table_merges_and_keeps_the_file_on_error(tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    runner.invoke(app, ["init", str(scenario)])
    table = tmp_path / "positions.csv"
    table.write_text(
        "actor,issue,value,salience,kind,source,rationale,salience_rationale\n"
        "upstream,dry-season-flow,50,0.6,estimated,analyst,after the drought talks,drought made storage precious\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["import-table", str(table), "--into", str(scenario)])
    assert result.exit_code == 0, result.stderr
    position = load_scenario(scenario).position("upstream", "dry-season-flow")
    assert position is not None and position.value.mean == 50
    before = scenario.read_bytes()
    table.write_text("actor,issue,value,salience\nupstream,dry-season-flow,500,0.6\n", encoding="utf-8")
    result = runner.invoke(app, ["import-table", str(table), "--into", str(scenario)])
    assert result.exit_code == 1
    assert f"{table}:2" in result.stderr
    assert scenario.read_bytes() == before
    assert runner.invoke(app, ["import-table", str(table), "--into", str(scenario), "--kind", "x"]).exit_code == 2


def test_show_prints_canonical_yaml() -> None:
    result = runner.invoke(app, ["show", str(template_path())])
    assert result.exit_code == 0
    assert result.stdout.startswith("format: 1\nid: river-basin-talks\n")


def test_every_option_is_documented() -> None:
    """Datasette-style: an option missing from the README fails the build."""
    import typer.main

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    assert commands, "the CLI has commands"
    for name, command in commands.items():
        assert f"accord {name}" in readme, f"command {name} is not in the README"
        for parameter in command.params:
            for option in getattr(parameter, "opts", []):
                if option.startswith("--") and option != "--help":
                    assert option in readme, f"option {option} of accord {name} is not in the README"
