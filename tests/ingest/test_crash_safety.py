"""Crash safety and concurrency: SIGKILL mid-run loses nothing; two runs never duplicate."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crawlers.urls import canonical_url
from demo_outlets import SiteServer, generate_sites, serve_sites
from models.db import make_engine, session_factory
from models.rollups import rebuild_rollups
from models.schema import Article, NarrativeTag
from narrmon.settings import Settings
from tests.ingest.rollup_check import rollup_rows

pytestmark = pytest.mark.crawl

# Enough pages that the load is still running when the test kills it.
ARTICLES_PER_OUTLET = 40
# Two concurrent runs each extract and tag every page: 15 per outlet keeps both runs'
# crawls and loads overlapping (each takes seconds) at a third of the CPU of 40.
CONCURRENT_ARTICLES_PER_OUTLET = 15
OUTLETS = ["novosti", "rundschau", "courrier"]


def _serve(tmp_path_factory: pytest.TempPathFactory, articles: int) -> Iterator[SiteServer]:
    manifest = generate_sites(
        tmp_path_factory.mktemp("sites"),
        seed=21,
        outlets=OUTLETS,
        articles_per_outlet=articles,
    )
    srv = serve_sites(manifest.root)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    yield from _serve(tmp_path_factory, ARTICLES_PER_OUTLET)


@pytest.fixture(scope="module")
def small_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    yield from _serve(tmp_path_factory, CONCURRENT_ARTICLES_PER_OUTLET)


def expected_urls(server: SiteServer) -> set[str]:
    data = json.loads((Path(server.root) / "manifest.json").read_text(encoding="utf-8"))
    return {
        canonical_url(server.url_for(a["outlet"], a["path"]))
        for a in data["articles"]
        if not a["robots_disallowed"]
    }


def start_run(sources: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "narrmon.cli", "run", "--sources", str(sources), "--json"],
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def stored_count(db_url: str) -> int:
    engine = make_engine(db_url)
    try:
        with session_factory(engine)() as s:
            return int(s.scalar(select(func.count()).select_from(Article)) or 0)
    except Exception:  # the schema may not exist yet in the first instants
        return 0
    finally:
        engine.dispose()


def assert_consistent(db_url: str, expected: set[str]) -> None:
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        urls = list(s.scalars(select(Article.url)))
        assert len(urls) == len(set(urls)) and set(urls) == expected
        per_pair = s.execute(
            select(NarrativeTag.article_id, NarrativeTag.narrative_id, func.count()).group_by(
                NarrativeTag.article_id, NarrativeTag.narrative_id
            )
        ).all()
        assert all(n == 1 for *_, n in per_pair)
        stored = rollup_rows(s)
        lo, hi = s.execute(select(func.min(Article.day), func.max(Article.day))).one()
        rebuild_rollups(s, lo, hi)
        rebuilt = rollup_rows(s)
        s.rollback()
        assert stored == rebuilt
    engine.dispose()


@pytest.mark.slow
@pytest.mark.pool  # killed while the pool's processes hold pages
def test_sigkill_mid_load_then_rerun_loses_and_duplicates_nothing(
    server: SiteServer, settings: Settings, tmp_path: Path
) -> None:
    sources = server.write_sources(tmp_path / "sources.yaml")
    expected = expected_urls(server)
    proc = start_run(sources)
    deadline = time.monotonic() + 300
    while stored_count(settings.database_url) == 0 and time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"run finished before it could be killed: {proc.stderr.read()[-1000:]}")  # type: ignore[union-attr]
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the run and its crawl and worker processes
    proc.communicate()
    partial = stored_count(settings.database_url)
    assert 0 < partial < len(expected), partial

    rerun = start_run(sources)
    out, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err[-2000:]
    assert json.loads(out)["totals"]["new"] == len(expected) - partial
    assert_consistent(settings.database_url, expected)


@pytest.mark.slow
def test_two_concurrent_runs_neither_corrupt_nor_duplicate(
    small_server: SiteServer, settings: Settings, tmp_path: Path
) -> None:
    sources = small_server.write_sources(tmp_path / "sources.yaml")
    expected = expected_urls(small_server)
    first, second = start_run(sources), start_run(sources)
    results = [p.communicate(timeout=600) for p in (first, second)]
    assert first.returncode == 0 and second.returncode == 0, [r[1][-1500:] for r in results]
    news = [json.loads(out)["totals"]["new"] for out, _ in results]
    assert sum(news) == len(expected), news
    assert_consistent(settings.database_url, expected)
