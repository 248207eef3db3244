"""`narrmon demo`: serve the bundled demo outlets on loopback, ingest them, open the dashboards.

A newcomer sees real charts without internet: 13 months of dated articles from six
outlets in four languages, with narrative waves around events, crawled by the real
crawler and stored in a demo SQLite database under ``NARRMON_DATA_DIR/demo``.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from narrmon.cycle import CycleSummary, run_cycle
from narrmon.errors import NarrmonError
from narrmon.settings import Settings

log = logging.getLogger(__name__)

DEMO_SOURCES = Path("config/demo-sources.yaml")
# The committed demo sources file names these ports (outlet i on DEMO_PORT + i).
DEMO_PORT = 8700
DEMO_SEED = 7
# 150 articles per outlet over 13 months: about 900 pages, ingested in well under a minute.
DEMO_ARTICLES_PER_OUTLET = 150
DEMO_START = date(2025, 1, 1)
DEMO_END = date(2026, 1, 31)


@dataclass(frozen=True)
class DemoResult:
    """Where the demo put its data and what the ingestion stored."""

    settings: Settings
    summary: CycleSummary
    sites_dir: Path


def demo_settings(settings: Settings) -> Settings:
    """The demo's own data folder and SQLite file, unless the environment names a database."""
    data_dir = settings.data_dir / "demo"
    database_url = (
        settings.database_url
        if os.environ.get("NARRMON_DATABASE_URL")
        else f"sqlite:///{data_dir}/narrmon.sqlite3"
    )
    return replace(
        settings, data_dir=data_dir, database_url=database_url, sources_path=DEMO_SOURCES
    )


def generate_demo_sites(sites_dir: Path) -> Path:
    """Generate the demo outlets once (deterministic; kept between demo runs)."""
    from narrmon.demo_sites import generate_sites

    if not (sites_dir / "manifest.json").exists():
        log.info("generating demo outlets in %s", sites_dir)
        generate_sites(
            sites_dir,
            seed=DEMO_SEED,
            articles_per_outlet=DEMO_ARTICLES_PER_OUTLET,
            start_date=DEMO_START,
            end_date=DEMO_END,
            base_port=DEMO_PORT,
        )
    return sites_dir


def run_demo(settings: Settings, *, sources_path: Path = DEMO_SOURCES) -> DemoResult:
    """Serve the demo outlets, run one ingestion cycle over them, stop serving."""
    from narrmon.demo_sites import serve_sites

    demo = demo_settings(settings)
    sites = generate_demo_sites(demo.data_dir / "sites")
    try:
        server = serve_sites(sites, port=DEMO_PORT)
    except OSError as exc:
        raise NarrmonError(f"cannot serve the demo outlets on ports {DEMO_PORT}+: {exc}") from exc
    try:
        summary = run_cycle(demo, sources_path=sources_path)
    finally:
        server.stop()
    return DemoResult(settings=demo, summary=summary, sites_dir=sites)
