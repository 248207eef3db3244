"""Fixtures of the dashboard tests: seeded databases, the app under AppTest, a hostile title."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy.orm import Session

from bench.seed import seed
from models import store
from models.records import ArticleRecord, TagRecord
from models.rollups import rebuild_rollups
from narratives.taxonomy import load_taxonomy

# The nine narrative labels as taxonomy.yaml names them: what every chart must show.
TAXONOMY_LABELS = frozenset(n.label for n in load_taxonomy())

APP = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"
# AppTest runs the script in-process; the first run imports plotly and pandas (seconds
# on a loaded 2-core machine), so the default 3 s timeout is too tight.
APP_TIMEOUT_S = 60
HOSTILE_TITLE = "<img src=x onerror=alert(1)>"
HOSTILE_URL = "https://outlet00.example/news/hostile"
# Small but complete: 4 outlets x 60 days, every narrative present.
SEED_ARTICLES = 600
SEED_SOURCES = 4
SEED_DAYS = 60
SEED_START = date(2025, 1, 1)


@pytest.fixture(autouse=True, scope="session")
def _components_scanned_once() -> Iterator[None]:
    """Streamlit scans every installed distribution's metadata for v2 components whenever
    an app starts; AppTest starts one per test (~0.5 core-s a scan, 1.4 s profiled). The
    installed packages do not change during a session, so the scan's result is kept."""
    from streamlit.components.v2 import manifest_scanner

    scan = manifest_scanner.scan_component_manifests
    manifest_scanner.scan_component_manifests = functools.cache(scan)  # type: ignore[assignment]
    yield
    manifest_scanner.scan_component_manifests = scan  # type: ignore[assignment]


@pytest.fixture(autouse=True)
def _isolated_dashboard(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No read-only override from the developer's shell; no results cached across tests."""
    monkeypatch.delenv("NARRMON_DASHBOARD_DATABASE_URL", raising=False)
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def add_hostile_article(session: Session) -> int:
    """Store an article whose title and evidence are HTML; returns its id."""
    text = f"{HOSTILE_TITLE} NATO promised not one inch eastward <script>alert(2)</script>."
    published = datetime(2025, 1, 20, 12, tzinfo=UTC)
    record = ArticleRecord(
        url=HOSTILE_URL,
        source_id="src-00",
        text=text,
        fetched_at=published,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        story_id="story-hostile",
        extractor_version="test/1",
        title=HOSTILE_TITLE,
        published_at=published,
        language="en",
        word_count=len(text.split()),
    )
    article_id = store.upsert_articles(session, [record])[HOSTILE_URL][0]
    evidence = [{"text": text[:40], "start": 0, "end": 40}]
    store.replace_tags(
        session,
        {article_id: [TagRecord("broken-promise", 0.99, "reports", evidence)]},
        "test-1",
    )
    rebuild_rollups(session, published.date(), published.date())
    session.commit()
    return article_id


@pytest.fixture
def seeded(session: Session, settings: object) -> Session:
    """The test database with synthetic coverage, and the environment pointing at it."""
    seed(session, SEED_ARTICLES, n_sources=SEED_SOURCES, start=SEED_START, days=SEED_DAYS, words=5)
    return session
