"""`narrmon demo`: serve the bundled demo outlets on loopback, ingest them, open the dashboards.

A newcomer sees real charts without internet: 13 months of dated articles, up to
yesterday, from six outlets in four languages, with narrative waves around events,
crawled by the real crawler. The demo always uses its own SQLite database and folder,
``NARRMON_DATA_DIR/demo``, whatever ``NARRMON_DATABASE_URL`` names: it cannot touch
real data. Its files are found beside the package, so it runs from any directory.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from narrmon.errors import NarrmonError
from narrmon.pipeline.run import CycleSummary, run_cycle
from narrmon.settings import Settings, default_vector_cache

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
DEMO_SOURCES = ROOT / "config" / "demo-sources.yaml"
# The committed demo sources file names these ports (outlet i on DEMO_PORT + i).
DEMO_PORT = 8700
DEMO_SEED = 7
# 150 articles per outlet over 13 months: about 900 pages, ingested in well under a minute.
DEMO_ARTICLES_PER_OUTLET = 150
# 13 months: a year of trends plus the month before, for year-on-year views.
DEMO_DAYS = 396


@dataclass(frozen=True)
class DemoResult:
    """Where the demo put its data and what the ingestion stored."""

    settings: Settings
    summary: CycleSummary
    sites_dir: Path


def demo_window(today: date) -> tuple[date, date]:
    """The demo's publication period: 13 months up to yesterday (an article published
    "today" could lie in the future of a morning run)."""
    end = today - timedelta(days=1)
    return end - timedelta(days=DEMO_DAYS), end


def demo_settings(settings: Settings) -> Settings:
    """The demo's own data folder and SQLite file (NARRMON_DATABASE_URL is ignored); the
    data folder's default file of sentence vectors moves into the demo's folder too (one
    NARRMON_VECTOR_CACHE names explicitly is kept: it holds no data, only vectors)."""
    data_dir = (settings.data_dir / "demo").resolve()
    database_url = f"sqlite:///{data_dir}/narrmon.sqlite3"
    vectors = settings.vector_cache
    if vectors == default_vector_cache(settings.data_dir):
        vectors = default_vector_cache(data_dir)
    return replace(
        settings,
        data_dir=data_dir,
        database_url=database_url,
        dashboard_database_url=database_url,
        sources_path=DEMO_SOURCES,
        vector_cache=vectors,
    )


def generate_demo_sites(sites_dir: Path, today: date) -> bool:
    """Generate the demo outlets dated up to yesterday; kept while they are current.

    Returns True when the outlets were (re)generated, i.e. their dates moved.
    """
    from demo_outlets import SiteManifest, generate_sites

    start, end = demo_window(today)
    if (sites_dir / "manifest.json").exists():
        if SiteManifest.load(sites_dir).end_date == end.isoformat():
            return False
        shutil.rmtree(sites_dir)
    log.info("generating demo outlets in %s", sites_dir)
    generate_sites(
        sites_dir,
        seed=DEMO_SEED,
        articles_per_outlet=DEMO_ARTICLES_PER_OUTLET,
        start_date=start,
        end_date=end,
        base_port=DEMO_PORT,
        newest_on_end=True,
    )
    return True


def run_demo(settings: Settings, *, today: date | None = None) -> DemoResult:
    """Serve the demo outlets, run one ingestion cycle over them, stop serving.

    When the outlets are regenerated for a new day, the demo database starts afresh
    (its articles' dates and URLs moved with them).
    """
    from demo_outlets import serve_sites

    demo = demo_settings(settings)
    sites = demo.data_dir / "sites"
    if generate_demo_sites(sites, today or datetime.now(UTC).date()):
        for suffix in ("", "-wal", "-shm"):
            (demo.data_dir / f"narrmon.sqlite3{suffix}").unlink(missing_ok=True)
    try:
        server = serve_sites(sites, port=DEMO_PORT)
    except OSError as exc:
        raise NarrmonError(f"cannot serve the demo outlets on ports {DEMO_PORT}+: {exc}") from exc
    try:
        summary = run_cycle(demo, sources_path=DEMO_SOURCES)
    finally:
        server.stop()
    return DemoResult(settings=demo, summary=summary, sites_dir=sites)
