"""Dashboard page render time, cold and warm (issue 18: a warm page under 1.5 s).

Each page's whole script (the app's sidebar, banner and the page itself) runs through
Streamlit's AppTest in this process, as the server runs it for a browser session: a cold
run (empty Streamlit cache) and then ``--runs`` warm runs (cache filled, as for the second
analyst who opens the page within the cache's 60 s). Browser paint is not included; the
Chromium tests in tests/dashboards/test_browser.py show the pages drawn.

Databases: ``--backend sqlite`` seeds a demo-sized SQLite file (bench.seed, 1,000 articles
over 30 days, like `make demo`'s ~900); ``--backend postgresql`` uses the 1M-article
database of ``bench.dashboard_queries`` (seeded by it when missing).

    python -m bench.dashboard_render --backend sqlite|postgresql [--markdown PATH]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from streamlit.testing.v1 import AppTest

from bench.report import emit
from narrmon.dashboard import APP

# page script -> label; None is the default page (Trends)
PAGES: dict[str | None, str] = {
    None: "Trends",
    "views/narrative.py": "Narrative detail",
    "views/outlets.py": "Outlets and feed health",
    "views/export.py": "Export",
}
TARGET_WARM_S = 1.5  # issue 18
DEMO_ARTICLES = 1_000  # `make demo` stores ~900 articles
APP_TIMEOUT_S = 600  # a cold Trends run at 1M articles on a busy machine stays well below


def _run_page(page: str | None) -> float:
    """Seconds for one session to draw ``page`` (app start, then a switch to the page)."""
    t0 = time.perf_counter()
    at = AppTest.from_file(str(APP), default_timeout=APP_TIMEOUT_S).run()
    if page is not None:
        at.switch_page(page).run()
    elapsed = time.perf_counter() - t0
    if at.exception:
        raise SystemExit(f"{page or 'Trends'} raised: {[e.value for e in at.exception]}")
    return elapsed


def _demo_database(folder: Path) -> str:
    from bench.seed import seed
    from models import migrate
    from models.db import make_engine, session_factory

    url = f"sqlite:///{folder / 'narrmon.sqlite3'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with session_factory(engine)() as session:
        seed(session, DEMO_ARTICLES, n_sources=6, start=date(2025, 1, 1), days=30)
    engine.dispose()
    return url


def time_pages(runs: int) -> dict[str, tuple[float, list[float]]]:
    """Per page: the cold run's seconds and the warm runs' seconds."""
    import streamlit as st

    out = {}
    for page, label in PAGES.items():
        st.cache_data.clear()
        st.cache_resource.clear()
        cold = _run_page(page)
        warm = [_run_page(page) for _ in range(runs)]
        out[label] = (cold, warm)
        print(f"{label}: cold {cold:.2f}s, warm median {statistics.median(warm):.2f}s", flush=True)
    return out


def report(backend: str, results: dict[str, tuple[float, list[float]]], runs: int) -> list[str]:
    """The markdown report's lines: a table of the timings."""
    load = os.getloadavg()[0]
    lines = [
        f"# Dashboard page render ({backend})",
        "",
        f"`python -m bench.dashboard_render --backend {backend}`; {runs} warm runs per page; "
        f"load average {load:.1f} at the end. Target: warm < {TARGET_WARM_S} s.",
        "",
        "| page | cold (s) | warm median (s) | warm max (s) | target |",
        "|---|---:|---:|---:|---|",
    ]
    for label, (cold, warm) in results.items():
        verdict = "met" if max(warm) < TARGET_WARM_S else "missed"
        lines.append(
            f"| {label} | {cold:.2f} | {statistics.median(warm):.2f} | {max(warm):.2f} "
            f"| {verdict} |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    """Seed or reuse the database, time every page cold and warm, print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--markdown", default=None)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        if args.backend == "sqlite":
            url = _demo_database(Path(tmp))
        else:
            from bench.dashboard_queries import ARTICLES, ensure_seeded

            url = ensure_seeded("postgresql", ARTICLES)
        os.environ["NARRMON_DATABASE_URL"] = url
        os.environ.pop("NARRMON_DASHBOARD_DATABASE_URL", None)
        os.environ["NARRMON_DATA_DIR"] = tmp
        lines = report(args.backend, time_pages(args.runs), args.runs)
    emit(lines, args.markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
