"""Reports: a self-contained HTML page (inline CSS and SVG charts) and, through headless Chromium, a PDF.

>>> files = write_report(scenario, assessment, Path("out"), pdf=True)  # doctest: +SKIP
>>> files.html, files.pdf  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from accord.engines.assessment.results import Assessment
from accord.engines.bargaining.scenario_forecast import ScenarioForecast
from accord.engines.opinion.statement import DraftStatement
from accord.errors import AccordError
from accord.model import Scenario
from accord.report.html import SECTIONS, render_html, render_opinion_html, write_opinion_report
from accord.report.opinion import OpinionSection
from accord.report.pdf import find_chromium, html_to_pdf

__all__ = [
    "SECTIONS",
    "OpinionSection",
    "ReportFiles",
    "find_chromium",
    "render_html",
    "render_opinion_html",
    "write_opinion_report",
    "write_report",
]


@dataclass(frozen=True)
class ReportFiles:
    """The files :func:`write_report` wrote: the HTML page and, if asked for, the PDF."""

    html: Path
    pdf: Path | None = None


def write_report(
    scenario: Scenario,
    assessment: Assessment,
    out_dir: Path,
    pdf: bool = False,
    principles: DraftStatement | None = None,
    forecast: ScenarioForecast | AccordError | None = None,
    opinion: OpinionSection | None = None,
) -> ReportFiles:
    """Write ``report.html`` (and with ``pdf=True`` ``report.pdf``) into ``out_dir``, creating it if needed.

    ``principles`` is the draft statement of principles (None: drafted by :func:`render_html`);
    ``forecast`` the settlement forecast or the error that prevented one (None: made by :func:`render_html`);
    ``opinion`` the opinion section (None: built by :func:`render_html`).
    The HTML is written first, so that it is there even when printing the PDF
    fails (Chromium missing or broken), which raises :class:`accord.errors.AccordError`.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path = out_dir / "report.html"
    html_path.write_text(render_html(scenario, assessment, principles, forecast, opinion), encoding="utf-8")
    pdf_path = html_to_pdf(html_path, out_dir / "report.pdf") if pdf else None
    return ReportFiles(html=html_path, pdf=pdf_path)
