"""`accord analyze`, the main job: summary, report, JSON keys, parties, variants and errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader
from typer.testing import CliRunner

from accord.cli import app
from accord.io import template_path
from tests.report.conftest import find_chromium_or_skip

runner = CliRunner()


def analyze(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["analyze", *args])
    return result.exit_code, result.stdout, result.stderr


def test_default_run_prints_summary_and_writes_report(tmp_path: Path) -> None:
    code, stdout, _ = analyze("--out", str(tmp_path))
    assert code == 0
    assert "Common ground" in stdout and "Largest misperceptions" in stdout
    assert "Draft statement of principles: Pakistan and United States" in stdout
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Afghanistan" in html and "<svg" in html


def test_json_has_the_documented_keys(tmp_path: Path) -> None:
    code, stdout, _ = analyze("--out", str(tmp_path), "--json")
    assert code == 0
    data = json.loads(stdout)
    convergence = data["convergence"]
    assert convergence["parties"] == ["afghan-government", "pakistan", "taliban", "usa"]
    for key in ("agreed", "rejected", "split"):
        for proposition in convergence[key]:
            assert {"id", "text", "score"} <= set(proposition)
    assert {"no-military-solution", "political-settlement-first", "eliminate-isis"} <= {
        p["id"] for p in convergence["agreed"]
    }
    for misperception in data["misperceptions"]:
        assert {"observer", "observed", "item", "gap"} <= set(misperception)
    assert data["report"]["html"] == str(tmp_path / "report.html")
    principles = data["principles"]
    assert principles["groups"] == ["pakistan", "usa"]
    lines = [line for section in principles["sections"] for line in section["lines"]]
    assert {"no-military-solution", "political-settlement-first", "eliminate-isis"} <= {line["id"] for line in lines}
    for line in lines:
        assert line["source"].startswith("brief#¶") and line["source"] in line["citation"]
        assert line["accept"] == ["pakistan", "usa"]


def test_parties_by_alias(tmp_path: Path) -> None:
    code, stdout, _ = analyze("--out", str(tmp_path), "--json", "--parties", "Washington, Islamabad", "--runs", "0")
    assert code == 0
    assert json.loads(stdout)["convergence"]["parties"] == ["pakistan", "usa"]
    assert json.loads(stdout)["principles"]["groups"] == ["pakistan", "usa"]


def test_variant_changes_the_reading(tmp_path: Path) -> None:
    base = json.loads(analyze("--out", str(tmp_path), "--json", "--parties", "usa,pakistan", "--runs", "0")[1])
    code, stdout, _ = analyze(
        "--out", str(tmp_path), "--json", "--parties", "usa,pakistan", "--variant", "engagement", "--runs", "0"
    )
    assert code == 0
    assert json.loads(stdout)["distances"] != base["distances"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--parties", "usa,atlantis"), "no party"),
        (("--parties", "usa"), "at least 2 parties"),
        (("--variant", "appeasement"), "no variant 'appeasement'"),
    ],
)
def test_bad_arguments_give_a_clear_error(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    code, _, stderr = analyze("--out", str(tmp_path), *args)
    assert code == 1
    assert message in stderr
    assert "Traceback" not in stderr


def test_bad_scenario_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(template_path().read_text(encoding="utf-8").replace("kind: state ", "kind: empire "))
    code, _, stderr = analyze(str(path), "--out", str(tmp_path))
    assert code == 1
    assert f"{path}:" in stderr and "actors[0].kind" in stderr
    assert not (tmp_path / "report.html").exists()


@pytest.mark.browser
def test_pdf_is_produced_and_readable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACCORD_CHROMIUM", find_chromium_or_skip())
    code, _, stderr = analyze("--out", str(tmp_path), "--pdf")
    assert code == 0, stderr
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "report.pdf").pages)
    assert "Common ground" in text and "Misperceptions" in text
    assert "Settlement forecasts" in text


def test_json_has_the_forecast(tmp_path: Path) -> None:
    code, stdout, _ = analyze("--out", str(tmp_path), "--json", "--runs", "300", "--seed", "5")
    assert code == 0
    forecast = json.loads(stdout)["forecast"]
    assert forecast["runs"] == 300 and forecast["seed"] == 5
    assert forecast["models"] == ["compromise", "median", "nash", "expected-utility", "spatial", "exchange"]
    assert forecast["skipped"] == {}
    assert forecast["banded"] == ["compromise", "median", "nash", "expected-utility"]
    assert forecast["variants"] == ["engagement", "coercion"]
    troops = forecast["issues"]["foreign-troops"]
    for name in forecast["models"]:
        entry = troops["forecasts"][name]
        assert 0 <= entry["forecast"] <= 100
        if name in forecast["banded"]:
            band = entry["band"]
            assert band["low"] <= band["median"] <= band["high"]
        else:
            assert entry["band"] is None
        for variant in forecast["variants"]:
            assert set(troops["variants"][variant][name]) == {"forecast", "shift", "band", "shift_band"}
    assert troops["variants"]["coercion"]["compromise"]["band"] is not None
    assert set(troops["trajectories"]) == {"expected-utility", "spatial"}
    eu = troops["trajectories"]["expected-utility"]
    assert eu[-1] == pytest.approx(troops["forecasts"]["expected-utility"]["forecast"])
    assert [o["date"] for o in troops["outcomes"]] == ["2020-02-29", "2021-08-30"]
    assert troops["outcomes"][0]["sources"] == ["us-taliban-agreement-2020"]
    assert set(troops["outcomes"][0]["errors"]) == set(forecast["models"])


def test_runs_zero_gives_point_forecasts_only(tmp_path: Path) -> None:
    code, stdout, _ = analyze("--out", str(tmp_path), "--json", "--runs", "0")
    assert code == 0
    forecast = json.loads(stdout)["forecast"]
    assert forecast["runs"] == 0 and forecast["banded"] == []
    for issue in forecast["issues"].values():
        for entry in issue["forecasts"].values():
            assert entry["band"] is None
        for variant in issue["variants"].values():
            assert all(v["band"] is None and v["shift_band"] is None for v in variant.values())
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Point forecasts only" in html


def test_summary_shows_the_forecast_table(tmp_path: Path) -> None:
    code, stdout, _ = analyze("--out", str(tmp_path), "--runs", "100", "--seed", "3")
    assert code == 0
    assert "Settlement forecasts (100 runs, seed 3)" in stdout
    for text in ("foreign-troops", "compr.", "EU", "spatial", "e = shift under engagement", "2020-02-29"):
        assert text in stdout, text


def test_a_scenario_that_cannot_be_forecast_still_gets_its_analysis(tmp_path: Path) -> None:
    path = tmp_path / "nocap.yaml"
    text = template_path().read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    for actor in data["actors"]:
        actor.pop("capability", None)
    for position in data.get("positions", []):
        position.pop("capability", None)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    code, stdout, stderr = analyze(str(path), "--out", str(tmp_path), "--json")
    assert code == 0, stderr
    assert json.loads(stdout)["forecast"] is None
    assert "no settlement forecast" in stderr and "capability" in stderr
    assert "No settlement forecast for this scenario" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_every_json_key_is_documented(tmp_path: Path) -> None:
    documented = (Path(__file__).resolve().parents[1] / "docs" / "json-output.md").read_text(encoding="utf-8")
    data = json.loads(analyze("--out", str(tmp_path), "--json")[1])
    for key in data:
        assert f"`{key}" in documented, key
    for key in data["misperceptions"][0]:
        assert f"`{key}`" in documented, key
    for key in data["convergence"]["agreed"][0]:
        assert f"`{key}`" in documented, key
    principles = data["principles"]
    for key in [*principles, *principles["sections"][0], *principles["excluded"][0]]:
        assert f"`{key}`" in documented, key
    for key in principles["sections"][0]["lines"][0]:
        assert f"`{key}`" in documented, key
    forecast = data["forecast"]
    issue = forecast["issues"]["foreign-troops"]
    for key in [*forecast, *issue, *issue["scale"], *issue["forecasts"]["expected-utility"], *issue["outcomes"][0]]:
        assert f"`{key}`" in documented, key
    for key in [*issue["variants"]["engagement"]["compromise"], *issue["forecasts"]["compromise"]["band"]]:
        assert f"`{key}`" in documented, key


def test_json_and_report_carry_the_opinion_groups(tmp_path: Path) -> None:
    code, stdout, _ = analyze("--out", str(tmp_path), "--json", "--runs", "0")
    assert code == 0
    data = json.loads(stdout)
    opinion = data["opinion"]
    assert [p["id"] for p in opinion["participants"]] == data["convergence"]["parties"]
    assert [p["group"] for p in opinion["participants"]] == [0, 1, 2, 3]  # a handful: each party its own group
    assert opinion["group_informed_consensus"] and opinion["bridging"]
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    section = html[html.index('<section id="opinion">') :]
    section = section[: section.index("</section>")]
    assert 'id="chart-opinion"' in section
    top = opinion["group_informed_consensus"][0]
    assert f"<code>{top['id']}</code>" in section and "computed: Pol.is pipeline over 4 participants" in section
