"""The dashboards in a real browser (tests/dashboards/browser.py: headless Chromium over
the DevTools protocol, `narrmon dashboard`'s own command line) on a seeded database whose
stance splits differ by outlet (bench.seed.STANCE_MIX). The same analyst tasks on the
demo's own data: tests/ingest/test_demo_config.py.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bench.seed import seed
from models import migrate
from models.db import make_engine, session_factory
from tests.dashboards.browser import (
    ARTIFACTS,
    LEGEND_JS,
    RENDER_S,
    DevTools,
    serve_dashboard,
    tall_viewport,
    text_appears,
    wait_until,
    walk_analyst_tasks,
)
from tests.dashboards.conftest import HOSTILE_TITLE, TAXONOMY_LABELS, add_hostile_article

LABELS = TAXONOMY_LABELS

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def dashboard_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """`narrmon dashboard`'s command on a seeded SQLite file; yields the base URL."""
    url = f"sqlite:///{tmp_path / 'narrmon.sqlite3'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with session_factory(engine)() as session:
        # December 2024, so the hostile article (20 January 2025) is the newest one.
        seed(session, 400, n_sources=4, start=date(2024, 12, 1), days=30, words=5)
        add_hostile_article(session)
    engine.dispose()
    with serve_dashboard(url, tmp_path, monkeypatch) as base:
        yield base


def test_trends_in_a_real_browser(dashboard_server: str, browser: DevTools) -> None:
    tall_viewport(browser)
    browser.call("Page.navigate", url=dashboard_server + "/")
    legend = wait_until(
        "the trend chart's legend",
        RENDER_S,
        lambda: (names := browser.evaluate(LEGEND_JS)) and set(LABELS) <= set(names) and names,
    )
    assert set(LABELS) <= set(legend)
    assert browser.evaluate(
        "document.querySelectorAll('.js-plotly-plot .scatterlayer .trace').length"
    ) >= len(LABELS)
    title = browser.evaluate(
        "document.querySelector('h1') && document.querySelector('h1').textContent"
    )
    assert "Narrative trends" in title
    browser.screenshot(ARTIFACTS / "dashboard-trends.png")


def test_hostile_title_is_text_in_a_real_browser(dashboard_server: str, browser: DevTools) -> None:
    browser.call("Page.navigate", url=dashboard_server + "/narrative?narrative=broken-promise")
    wait_until(
        "the evidence list",
        RENDER_S,
        lambda: browser.evaluate("document.querySelectorAll('mark').length > 0"),
    )
    text = browser.evaluate("document.body.innerText")
    assert HOSTILE_TITLE in text  # shown literally, as text
    assert browser.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0
    assert browser.evaluate("typeof window.__xss") == "undefined"
    assert not [e for e in browser.events if e.get("method") == "Page.javascriptDialogOpening"]
    browser.evaluate("document.querySelector('mark').scrollIntoView({block: 'center'})")
    browser.screenshot(ARTIFACTS / "dashboard-narrative-detail.png")


def test_analyst_tasks_in_a_real_browser(dashboard_server: str, browser: DevTools) -> None:
    """The issue-18 tasks on a database whose stance splits differ by outlet."""
    walk_analyst_tasks(
        browser,
        dashboard_server,
        compare_narrative="broken-promise",
        compare_groups={"state-affiliated", "public-broadcaster"},
        promoting_narrative="broken-promise",
    )


CONTRAST_JS = (Path(__file__).parent / "contrast_audit.js").read_text(encoding="utf-8")
# WCAG 2 AA for normal-size text (issue 18: text contrast >= 4.5:1 on every page).
MIN_CONTRAST = 4.5
# page path -> (heading, Plotly charts the page draws on the seeded data)
PAGES_DRAWN = {
    "/": ("Narrative trends", 5),
    "/narrative?narrative=broken-promise": ("Narrative detail", 2),
    "/outlets": ("Outlets", 1),
    "/export": ("Export", 0),
    "/archive": ("Archived copy", 0),
}


def test_text_contrast_on_every_page(dashboard_server: str, browser: DevTools) -> None:
    """Every visible text on every page, HTML and chart SVG, reaches 4.5:1 on its background."""
    tall_viewport(browser)
    low: dict[str, Any] = {}
    for path, (heading, charts) in PAGES_DRAWN.items():
        browser.call("Page.navigate", url=dashboard_server + path)
        text_appears(browser, heading)
        wait_until(
            f"{charts} charts on {path}",
            RENDER_S,
            lambda n=charts: (
                browser.evaluate(
                    "document.querySelectorAll('[data-testid=\"stPlotlyChart\"] .main-svg').length"
                )
                >= n
            ),
        )
        time.sleep(2)  # the rest of the page streams in after the charts
        found = browser.evaluate(f"({CONTRAST_JS})({MIN_CONTRAST})")
        if found:
            low[path] = found
    summary = {
        page: sorted({(f["tag"], f["fg"], f["ratio"], f["text"]) for f in found})
        for page, found in low.items()
    }
    assert not low, json.dumps(summary, ensure_ascii=False)[:6000]
