"""``accord backtest``: JSON keys, the terminal table, and clear errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accord.cli import app

runner = CliRunner()
DEV = "data/bargaining/deu3/deu3-dev.csv"


def test_json_reports_every_model(shared: Callable[[str], Path]) -> None:
    result = runner.invoke(app, ["backtest", str(shared(DEV)), "--format", "deu", "--json", "--model", "compromise"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    score = payload["models"]["compromise"]
    assert set(score) >= {"mae", "n_issues", "notes"}
    if score["mae"] is not None:  # classic.py written
        assert score["n_issues"] == 180 and score["mae"] == pytest.approx(21.39, abs=0.01)
    assert payload["baselines"]["compromise-inline"]["mae"] == pytest.approx(21.39, abs=0.01)
    assert payload["n_issues"] == 180 and payload["excluded_no_outcome"] == 8 and payload["issues_in_file"] == 188
    assert payload["capability"] == "none"


def test_all_models_by_default(shared: Callable[[str], Path]) -> None:
    result = runner.invoke(
        app, ["backtest", str(shared(DEV)), "--json", "--capability", "gdp", "--model", "stacked", "--model", "median"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert set(payload["models"]) == {"median", "stacked"}
    assert payload["models"]["stacked"]["kind"] == "experimental"
    assert payload["capability"] == "gdp"


def test_terminal_table(shared: Callable[[str], Path]) -> None:
    result = runner.invoke(app, ["backtest", str(shared(DEV)), "--model", "compromise-sq-pull"], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert "compromise-sq-pull" in result.stdout and "21.39" in result.stdout
    assert "180 issues of 68 proposals" in result.stdout


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--format", "ktab"], "--format must be deu"),
        (["--capability", "power"], "--capability must be none or gdp"),
        (["--model", "oracle"], "no model called 'oracle'"),
    ],
)
def test_usage_errors(tmp_path: Path, options: list[str], message: str) -> None:
    result = runner.invoke(app, ["backtest", str(tmp_path / "x.csv"), *options])
    assert result.exit_code == 2
    assert message in result.stderr


def test_bad_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "deu.csv"
    bad.write_text("prnrnmc\tout\n1\t2\n", encoding="utf-8")
    result = runner.invoke(app, ["backtest", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:1: missing column 'rp'" in result.stderr
    assert "Traceback" not in result.output
    missing = runner.invoke(app, ["backtest", str(tmp_path / "none.csv")])
    assert missing.exit_code == 1 and "no such file" in missing.stderr
