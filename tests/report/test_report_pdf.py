"""The PDF report, printed by headless Chromium, and the error when Chromium is missing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from accord.engines.assessment.results import Assessment
from accord.errors import AccordError
from accord.model import Scenario
from accord.report import SECTIONS, write_report
from accord.report.pdf import MISSING_CHROMIUM, chromium_command


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.browser
def test_write_report_prints_a_pdf(scenario: Scenario, assessment: Assessment, tmp_path: Path, chromium: str) -> None:
    files = write_report(scenario, assessment, tmp_path / "out", pdf=True)
    assert files.html == tmp_path / "out" / "report.html"
    assert files.pdf is not None and files.pdf.name == "report.pdf"
    assert files.pdf.read_bytes().startswith(b"%PDF")

    reader = PdfReader(files.pdf)
    # each section starts a page, after the title page
    assert len(reader.pages) >= len(SECTIONS)
    text = _normalise(" ".join(page.extract_text() or "" for page in reader.pages))
    assert _normalise(scenario.title) in text
    for _, heading in SECTIONS:
        assert heading in text, heading
    # citations survive into the PDF
    assert "brief#¶29" in text
    # the settlement forecasts, with the run behind their bands
    assert "Settlement forecasts" in text
    assert "model run: compromise, 500 runs, seed 2019" in text


def test_missing_chromium_is_a_clear_error(
    scenario: Scenario, assessment: Assessment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACCORD_CHROMIUM", str(tmp_path / "no-such-chromium"))
    monkeypatch.setenv("PATH", "")
    with pytest.raises(AccordError) as caught:
        write_report(scenario, assessment, tmp_path / "out", pdf=True)
    assert MISSING_CHROMIUM in str(caught.value)
    assert "sudo apt-get install chromium" in str(caught.value)
    assert "ACCORD_CHROMIUM" in str(caught.value)
    # the HTML is still written
    assert (tmp_path / "out" / "report.html").is_file()


def test_missing_chromium_without_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from accord.report.pdf import require_chromium

    monkeypatch.delenv("ACCORD_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(AccordError, match=re.escape(MISSING_CHROMIUM)):
        require_chromium()


def test_failing_chromium_reports_its_stderr(
    scenario: Scenario, assessment: Assessment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "fake-chromium"
    fake.write_text("#!/bin/sh\necho 'something broke in the renderer' >&2\nexit 3\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("ACCORD_CHROMIUM", str(fake))
    with pytest.raises(AccordError, match="something broke in the renderer") as caught:
        write_report(scenario, assessment, tmp_path / "out", pdf=True)
    assert "exit 3" in str(caught.value)


def test_chromium_that_writes_no_pdf_is_an_error(
    scenario: Scenario, assessment: Assessment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "fake-chromium"
    fake.write_text("#!/bin/sh\necho 'printed nothing' >&2\nexit 0\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("ACCORD_CHROMIUM", str(fake))
    with pytest.raises(AccordError, match="left no PDF"):
        write_report(scenario, assessment, tmp_path / "out", pdf=True)


def test_chromium_command_is_headless_isolated_and_offline(tmp_path: Path) -> None:
    command = chromium_command("chromium", tmp_path / "report.html", tmp_path / "report.pdf", tmp_path / "profile")
    assert command[0] == "chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-background-networking", "--no-pdf-header-footer"):
        assert flag in command
    assert f"--user-data-dir={tmp_path / 'profile'}" in command
    assert f"--print-to-pdf={tmp_path / 'report.pdf'}" in command
    assert command[-1] == (tmp_path / "report.html").resolve().as_uri()
