"""The written report in a real browser: Debian's headless Chromium driven by Playwright.

Checks what a reader sees: every section heading visible, every chart drawn
with a real size, nothing logged to the console, and nothing fetched from
anywhere but the report file itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from accord.report import SECTIONS, ReportFiles
from tests.report.test_report_html import CHART_IDS

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _check_opinion_section(page: Page) -> None:
    """The opinion section: its heading, the opinion map drawn at a real size, a cited consensus row."""
    heading = page.locator("section#opinion > h2")
    assert heading.inner_text().strip() == "Opinion groups"
    opinion_map = page.locator("figure#chart-opinion svg")
    opinion_map.scroll_into_view_if_needed()
    box = opinion_map.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 150
    # the parties are labelled on the map as real text
    assert "United States" in page.locator("figure#chart-opinion").inner_text()
    consensus = page.locator("section#opinion table.opinion-consensus tbody tr").first
    consensus.scroll_into_view_if_needed()
    assert consensus.is_visible() and "computed: Pol.is pipeline over" in consensus.inner_text()


@pytest.mark.browser
def test_report_renders_in_chromium(written: ReportFiles, chromium: str) -> None:
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    console_errors: list[str] = []
    page_errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("request", lambda request: requests.append(request.url))
            page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error: page_errors.append(str(error)))
            page.goto(written.html.resolve().as_uri(), wait_until="load")

            for section_id, heading in SECTIONS:
                title = page.locator(f"section#{section_id} > h2")
                assert title.is_visible(), section_id
                assert title.inner_text().strip() == heading

            principle = page.locator("section#principles ol.principles li").first
            principle.scroll_into_view_if_needed()
            assert principle.is_visible()
            assert "Schulze rank 1" in principle.inner_text() and "GIC" in principle.inner_text()

            _check_opinion_section(page)

            forecast_heading = page.locator("section#forecast > h2")
            assert forecast_heading.inner_text().strip() == "Settlement forecasts"
            table = page.locator("section#forecast table.forecasts").first
            table.scroll_into_view_if_needed()
            assert table.is_visible()
            assert "model run: compromise, 500 runs, seed 2019" in table.inner_text()
            chart = page.locator("figure#chart-forecast-troops svg")
            chart.scroll_into_view_if_needed()
            box = chart.bounding_box()
            assert box is not None and box["width"] > 300 and box["height"] > 150
            # the chart's text is real text: its labels can be found on the page
            assert "outcome 2020-02-29" in page.locator("figure#chart-forecast-troops").inner_text()

            figures = page.locator("figure.chart")
            assert figures.count() == len(CHART_IDS)
            for index in range(figures.count()):
                figure = figures.nth(index)
                chart_id = figure.get_attribute("id")
                svg = figure.locator("svg").first
                svg.scroll_into_view_if_needed()
                box = svg.bounding_box()
                assert box is not None and box["width"] > 50 and box["height"] > 50, chart_id
                drawn = svg.locator("path, use, rect, text, polygon, circle, image").count()
                assert drawn > 5, chart_id
                assert figure.locator("figcaption").is_visible(), chart_id
        finally:
            browser.close()

    assert console_errors == []
    assert page_errors == []
    outside = [url for url in requests if not url.startswith("file://")]
    assert outside == []
    assert requests and requests[0] == written.html.resolve().as_uri()
