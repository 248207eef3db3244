"""The bundled demo sources file matches what the demo generator serves; the demo keeps
to its own database, from any directory, with fresh feeds."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from crawlers.registry import load_sources
from demo_outlets import generate_sites
from models.db import make_engine, session_factory
from models.schema import Article, NarrativeTag, Source
from narrmon.demo import (
    DEMO_ARTICLES_PER_OUTLET,
    DEMO_PORT,
    DEMO_SEED,
    DEMO_SOURCES,
    demo_settings,
    demo_window,
)
from narrmon.health import check_health
from narrmon.settings import Settings, load_settings
from tests.dashboards.browser import DevTools, serve_dashboard, walk_analyst_tasks

pytestmark = pytest.mark.crawl

ROOT = Path(__file__).resolve().parents[2]


def test_demo_sources_match_the_generated_outlets(tmp_path: Path) -> None:
    start, end = demo_window(date(2026, 3, 1))
    manifest = generate_sites(
        tmp_path,
        seed=DEMO_SEED,
        articles_per_outlet=2,
        start_date=start,
        end_date=end,
        newest_on_end=True,
        base_port=DEMO_PORT,
    )
    generated = yaml.safe_load((tmp_path / "sources.yaml").read_text(encoding="utf-8"))
    bundled = yaml.safe_load((ROOT / DEMO_SOURCES).read_text(encoding="utf-8"))
    assert bundled == generated
    sources = load_sources(ROOT / DEMO_SOURCES)
    assert len(sources) >= 6 and {s.language for s in sources} >= {"en", "ru", "de", "fr"}
    assert all(s.politeness.delay == 0 for s in sources)
    assert manifest.root
    # Dated up to yesterday, every outlet's newest article on that day: fresh feeds.
    assert end == date(2026, 2, 28)
    newest = {
        o["id"]: max(a["published_at"] for a in manifest.articles if a["outlet"] == o["id"])
        for o in manifest.outlets
    }
    assert all(v.startswith("2026-02-28") for v in newest.values()), newest
    assert (end - start).days >= 365 and DEMO_ARTICLES_PER_OUTLET * len(sources) >= 600


# Demo databases built by this process's demo runs: the browser walk below reads one
# instead of ingesting the demo once more (it builds its own when run alone).
DEMO_DATABASES: list[Path] = []


def _run_demo(cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`narrmon demo --no-dashboard` from ``cwd``, with this process's environment."""
    return subprocess.run(
        [sys.executable, "-m", "narrmon.cli", "demo", "--no-dashboard"],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {}), "PYTHONPATH": str(ROOT)},
        timeout=900,
        check=False,
    )


def test_demo_settings_never_name_the_configured_database(settings: Settings) -> None:
    """On either backend the demo's database is its own SQLite file under the data folder,
    for the ingest and the dashboards alike (the full run below checks it is not written)."""
    demo = demo_settings(settings)
    expected = f"sqlite:///{settings.data_dir.resolve()}/demo/narrmon.sqlite3"
    assert demo.database_url == demo.dashboard_database_url == expected
    assert settings.database_url not in (demo.database_url, demo.dashboard_database_url)
    assert demo.sources_path == DEMO_SOURCES


def test_demo_keeps_the_default_sentence_vectors_in_its_own_folder(tmp_path: Path) -> None:
    """Unset, NARRMON_VECTOR_CACHE lies in the data folder: the demo's lies in its own."""
    demo = demo_settings(load_settings({"NARRMON_DATA_DIR": str(tmp_path)}))
    assert demo.vector_cache == demo.data_dir / "cache" / "sentence-vectors.sqlite3"
    assert demo.vector_cache.is_relative_to((tmp_path / "demo").resolve())
    chosen = tmp_path / "shared.sqlite3"
    env = {"NARRMON_DATA_DIR": str(tmp_path), "NARRMON_VECTOR_CACHE": str(chosen)}
    assert demo_settings(load_settings(env)).vector_cache == chosen


# One full demo (~40 core-s), with the PostgreSQL test database configured: the demo's
# choice of database does not depend on the backend configured (checked on both above).
# The demo serves on fixed ports (DEMO_PORT+): the one worker that `--dist loadfile` gives
# this file runs it.
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_demo_uses_its_own_database_from_any_directory(settings: Settings, tmp_path: Path) -> None:
    """NARRMON_DATABASE_URL (here the test database) is never written by the demo."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    res = _run_demo(elsewhere)
    assert res.returncode == 0, res.stderr[-3000:]
    demo_dir = settings.data_dir.resolve() / "demo"
    DEMO_DATABASES.append(demo_dir / "narrmon.sqlite3")
    assert f"into its own database sqlite:///{demo_dir}/narrmon.sqlite3" in res.stdout
    assert "NARRMON_DATABASE_URL is not used by the demo" in res.stdout
    engine = make_engine(settings.database_url)
    with session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 0
    engine.dispose()
    demo = make_engine(f"sqlite:///{demo_dir}/narrmon.sqlite3")
    with session_factory(demo)() as session:
        assert (session.scalar(select(func.count()).select_from(Article)) or 0) >= 600
    demo.dispose()
    # Dated up to yesterday: no outlet's feeds look stale.
    assert "newest_item_freshness" not in res.stderr
    assert "Traceback" not in res.stderr
    # ... and feed health (stale-but-reachable included) finds every demo source healthy,
    # without a warning.
    report = check_health(replace(settings, database_url=f"sqlite:///{demo_dir}/narrmon.sqlite3"))
    assert report.unhealthy == 0 and report.warnings == [], report.text
    assert report.text == f"all {len(load_sources(ROOT / DEMO_SOURCES))} enabled sources healthy"


@pytest.mark.browser
@pytest.mark.slow
def test_analyst_tasks_on_the_demo_data_in_a_real_browser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, browser: DevTools
) -> None:
    """Issue 18's eight tasks on what `make demo` shows, in headless Chromium.

    The narrative whose evidence is cited is the demo's most promoted one (the demo's
    broken-promise articles mostly dispute it): the walk needs ten promoting articles.
    """
    if DEMO_DATABASES:
        database = DEMO_DATABASES[-1]
    else:
        data_dir = tmp_path / "data"
        res = _run_demo(tmp_path, {"NARRMON_DATA_DIR": str(data_dir)})
        assert res.returncode == 0, res.stderr[-3000:]
        database = data_dir.resolve() / "demo" / "narrmon.sqlite3"
    url = f"sqlite:///{database}"
    engine = make_engine(url)
    with session_factory(engine)() as session:
        promoted = session.execute(
            select(NarrativeTag.narrative_id, func.count())
            .where(NarrativeTag.stance == "promotes")
            .group_by(NarrativeTag.narrative_id)
            .order_by(func.count().desc(), NarrativeTag.narrative_id)
        ).first()
        media_types = set(session.scalars(select(Source.media_type).distinct()))
    engine.dispose()
    assert promoted is not None and promoted[1] >= 10, promoted
    assert {"state-affiliated", "public-broadcaster"} <= media_types
    with serve_dashboard(url, tmp_path, monkeypatch) as base:
        walk_analyst_tasks(
            browser,
            base,
            compare_narrative="broken-promise",
            compare_groups={"state-affiliated", "public-broadcaster"},
            promoting_narrative=promoted[0],
            shots="demo",
        )
