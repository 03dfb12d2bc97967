"""``accord forecast``: JSON keys, tables, variants, formats and errors, through Typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from accord.cli import app
from accord.cli.forecast import detect_format

runner = CliRunner()


def run_json(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["forecast", *args, "--json"])
    assert result.exit_code == 0, result.output
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


def test_json_has_each_model_forecast_and_band_per_issue() -> None:
    payload = run_json("--model", "compromise,median", "--model", "nash", "--runs", "300", "--seed", "4")
    assert payload["scenario"] == "afghanistan-2019" and payload["seed"] == 4 and payload["runs"] == 300
    assert payload["models"] == ["compromise", "median", "nash"]
    assert payload["variants"] == ["engagement", "coercion"]
    troops = payload["issues"]["foreign-troops"]
    assert troops["status_quo"] == 75
    for name in payload["models"]:
        entry = troops["forecasts"][name]
        band = entry["band"]
        assert 0 <= entry["forecast"] <= 100
        assert band["low"] <= band["median"] <= band["high"] and band["failed"] == 0
        shift = troops["variants"]["engagement"][name]
        assert set(shift) == {"forecast", "shift", "band", "shift_band"}
    assert [o["id"] for o in troops["outcomes"]] == ["doha-2020-foreign-troops", "kabul-2021-foreign-troops"]
    assert set(troops["outcomes"][0]["errors"]) == set(payload["models"])
    assert troops["levers"]["compromise"][0]["kind"] in {"position", "salience", "capability"}


def test_same_seed_same_json() -> None:
    args = ("--model", "compromise", "--runs", "200", "--seed", "9", "--variant", "none")
    assert run_json(*args) == run_json(*args)


def test_no_runs_gives_no_band_and_round_models_give_rounds() -> None:
    payload = run_json("--runs", "0", "--model", "compromise", "--variant", "coercion")
    entry = payload["issues"]["safe-havens"]["forecasts"]["compromise"]
    assert entry["band"] is None and "rounds" not in entry
    assert payload["variants"] == ["coercion"]


def test_round_based_model_reports_rounds_and_final_positions() -> None:
    pytest.importorskip("accord.engines.bargaining.expected_utility")
    payload = run_json("--runs", "0", "--model", "expected-utility", "--variant", "none")
    entry = payload["issues"]["foreign-troops"]["forecasts"]["expected-utility"]
    assert isinstance(entry["rounds"], int) and entry["rounds"] >= 0
    assert set(entry["final_positions"]) == set(payload["actors"])


def test_terminal_tables_show_models_variants_and_outcomes() -> None:
    result = runner.invoke(app, ["forecast", "--model", "compromise", "--runs", "100", "--seed", "1"])
    assert result.exit_code == 0, result.output
    for text in ("Foreign troop presence", "compromise", "80% band", "engagement", "coercion", "outcome 2020-02-29"):
        assert text in result.stdout


def test_a_bdm_table_is_detected_and_forecast(tmp_path: Path) -> None:
    pytest.importorskip("accord.io.bdm_table")
    table = tmp_path / "actors.csv"
    table.write_text("Actor,Capability,Position,Salience\nA,0.5,10,0.8\nB,0.3,60,0.5\nC,0.2,90,1.0\n")
    assert detect_format(table) == "bdm"
    payload = run_json(str(table), "--model", "compromise", "--runs", "50", "--seed", "0")
    (issue,) = payload["issues"].values()
    entry = issue["forecasts"]["compromise"]
    # Weighted mean with weights capability x salience: (4 + 9 + 18) / (0.4 + 0.15 + 0.2).
    assert entry["forecast"] == pytest.approx(31 / 0.75)
    # A table carries no ranges: the band has zero width.
    assert entry["band"]["low"] == entry["band"]["high"]


def test_formats_are_detected(tmp_path: Path) -> None:
    ktab = tmp_path / "k.csv"
    ktab.write_text("Name,Desc,3,1,\nActor,Description,Influence,P Position,P Salience\n")
    exchange = tmp_path / "e.csv"
    exchange.write_text("'#A'\t'x'\t'x'\t''\n")
    assert detect_format(ktab) == "ktab" and detect_format(exchange) == "exchange"
    assert detect_format(tmp_path / "s.yaml") == "scenario" and detect_format(tmp_path / "k.xml") == "ktab"
    assert detect_format(None) == "scenario"


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (["--model", "oracle"], "no model called 'oracle'", 1),
        (["--variant", "sanctions"], "no variant 'sanctions'", 1),
        (["--executor", "threads"], "expected 'local' or 'dask://HOST:PORT'", 1),
        (["--format", "xls"], "expected one of scenario, bdm, ktab, exchange", 2),
        (["--runs", "-1"], "Invalid value for '--runs'", 2),
    ],
)
def test_errors_are_clear(args: list[str], message: str, code: int) -> None:
    result = runner.invoke(app, ["forecast", *args])
    assert result.exit_code == code
    assert message in result.output
    assert "Traceback" not in result.output


def test_missing_and_malformed_inputs_are_reported(tmp_path: Path) -> None:
    result = runner.invoke(app, ["forecast", str(tmp_path / "absent.yaml")])
    assert result.exit_code == 1 and "absent.yaml" in result.output
    odd = tmp_path / "notes.txt"
    odd.write_text("hello\n")
    result = runner.invoke(app, ["forecast", str(odd)])
    assert result.exit_code == 1 and "--format" in result.output


def test_csv_export_holds_the_json_forecasts(tmp_path: Path) -> None:
    import csv

    path = tmp_path / "forecasts.csv"
    document = run_json("--model", "compromise", "--runs", "40", "--seed", "5", "--csv", str(path))
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    issues = document["issues"]
    assert len(rows) == len(issues) * (1 + len(document["variants"]))
    first = rows[0]
    entry = issues[first["issue"]]["forecasts"]["compromise"]
    assert (first["variant"], first["model"], first["runs"], first["seed"]) == ("base", "compromise", "40", "5")
    assert float(first["forecast"]) == entry["forecast"]
    assert float(first["band_low"]) == entry["band"]["low"]
