"""``accord opinion``: JSON keys, original participant ids, stance files, errors with file and line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accord.cli import app
from tests.report.test_report_html import _EXTERNAL

runner = CliRunner()


@pytest.mark.parametrize(
    "conversation", ["vtaiwan.uberx", "football-concussions", "london.youth.policing", "scoop-hivemind.ubi"]
)
def test_json_on_a_polis_export(conversation: str, shared: Callable[[str], Path]) -> None:
    result = runner.invoke(app, ["opinion", str(shared(f"data/polis/{conversation}")), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert {"participants", "groups", "consensus", "bridging"} <= payload.keys()
    groups = {p["group"] for p in payload["participants"]}
    assert None in groups or conversation == "scoop-hivemind.ubi"
    assert {g for g in groups if g is not None} == set(range(len(payload["groups"])))
    assert all(isinstance(p["id"], int) for p in payload["participants"])  # Pol.is ids stay integers
    assert isinstance(payload["bridging"], list) and payload["bridging"]
    assert {"id", "intercept", "factor"} <= payload["bridging"][0].keys()


def test_json_ids_are_the_original_ones(tmp_path: Path) -> None:
    path = tmp_path / "stances.csv"
    rows = ["participant,statement,vote"] + [
        f"party-{i},s{j},{1 if (i + j) % 3 else -1}" for i in range(5) for j in range(4)
    ]
    path.write_text("\n".join(rows) + "\n")
    result = runner.invoke(app, ["opinion", str(path), "--json", "--no-bridging"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert [p["id"] for p in payload["participants"]] == [f"party-{i}" for i in range(5)]
    assert [p["group"] for p in payload["participants"]] == [0, 1, 2, 3, 4]  # a handful: each its own group
    assert payload["bridging"] == [] and any("bridging" in n for n in payload["notes"])


def test_summary_is_printed_without_json(shared: Callable[[str], Path]) -> None:
    result = runner.invoke(app, ["opinion", str(shared("data/polis/brexit-consensus"))])
    assert result.exit_code == 0, result.output
    assert "clustered into" in result.stdout and "Group 0" in result.stdout


def test_bad_input_exits_1_naming_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "conv"
    folder.mkdir()
    (folder / "votes.csv").write_text("timestamp,comment-id,voter-id,vote\n1,0,1,1\n2,0,2,5\n")
    result = runner.invoke(app, ["opinion", str(folder)])
    assert result.exit_code == 1
    assert "votes.csv:3: vote must be -1, 0 or 1" in result.output
    missing = runner.invoke(app, ["opinion", str(tmp_path / "nowhere")])
    assert missing.exit_code == 1 and "no such file or folder" in missing.output


@pytest.mark.parametrize("conversation", ["london.youth.policing", "15-per-hour-seattle"])
def test_out_writes_a_self_contained_opinion_report(
    conversation: str, shared: Callable[[str], Path], tmp_path: Path
) -> None:
    folder = shared(f"data/polis/{conversation}")
    result = runner.invoke(app, ["opinion", str(folder), "--json", "--out", str(tmp_path / "report")])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)  # stdout stays pure JSON; the report's path goes to stderr
    page = tmp_path / "report" / "opinion.html"
    assert page.is_file() and str(page) in result.stderr
    html = page.read_text(encoding="utf-8")
    assert "<h2>Opinion groups</h2>" in html and f"Opinion groups: {conversation}" in html
    figure = html[html.index('<figure class="chart" id="chart-opinion">') :]
    figure = figure[: figure.index("</figure>")]
    assert "<svg" in figure and "</svg>" in figure and "principal component 1" in figure
    for group in payload["groups"]:
        assert f'id="opinion-group-{group["id"]}"' in html
    n_p, n_s = payload["shape"]["participants"], payload["shape"]["statements"]
    assert f"computed: Pol.is pipeline over {n_p:,} participants x {n_s:,} statements" in html
    assert '<table class="opinion-consensus">' in html and '<table class="opinion-bridging">' in html
    top = payload["group_informed_consensus"][0]
    assert f"<code>{top['id']}</code>" in html
    assert _EXTERNAL.search(html) is None  # self-contained: nothing fetched from elsewhere, no scripts


def test_out_with_the_summary(tmp_path: Path) -> None:
    path = tmp_path / "stances.csv"
    rows = ["participant,statement,vote"] + [
        f"party-{i},s{j},{1 if (i + j) % 3 else -1}" for i in range(4) for j in range(5)
    ]
    path.write_text("\n".join(rows) + "\n")
    result = runner.invoke(app, ["opinion", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "Report:" in result.stdout
    html = (tmp_path / "out" / "opinion.html").read_text(encoding="utf-8")
    for i in range(4):
        assert f"party-{i}" in html  # a handful of participants: each labelled on the map
