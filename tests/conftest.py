"""Shared fixtures: a fresh database per test on SQLite and on the real PostgreSQL.

PostgreSQL tests use a throwaway database cloned from a migrated template, dropped
afterwards. With CI=true an unreachable server fails the run; elsewhere those tests
skip with the reason.
"""

from __future__ import annotations

import itertools
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from models import migrate
from models.db import make_engine, session_factory
from narrmon.settings import Settings, load_settings

if TYPE_CHECKING:
    from tests.dashboards.browser import DevTools

# The marks `make test-fast` deselects, checked while the tests run; pytester tests that check.
pytest_plugins = ["tests.marks", "pytester"]

PG_ADMIN_URL = os.environ.get(
    "NARRMON_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
_counter = itertools.count()


# Marks of the files that hold the suite's longest tests (multi-run soaks, Airflow runs, a
# browser, the tagger's evaluations): with `--dist loadfile --no-loadscope-reorder` those
# files are handed out first, so the two workers end together instead of one starting the
# 2-minute soak, or the real-genre evaluation (a 60-90 s module fixture), at the end.
LONG_MARKS = ("slow", "airflow", "browser", "bench")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files with long tests first (stable: the rest keep their collection order)."""
    long_files = {
        item.nodeid.split("::")[0]
        for item in items
        if any(item.get_closest_marker(m) is not None for m in LONG_MARKS)
    }
    items.sort(key=lambda item: item.nodeid.split("::")[0] not in long_files)


def _pg_url(dbname: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + dbname


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[Engine]:
    """An autocommit connection to the PostgreSQL server (fails in CI when unreachable)."""
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        engine.dispose()
        message = f"PostgreSQL unreachable at {PG_ADMIN_URL}: {exc.orig}"
        if IN_CI:
            pytest.fail(message + " (CI=true: PostgreSQL tests must run)")
        pytest.skip(message)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def pg_template(pg_admin: Engine) -> Iterator[str]:
    """A migrated template database that test databases are cloned from."""
    name = f"narrmon_tpl_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with pg_admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    migrate.upgrade(_pg_url(name))
    yield name
    with pg_admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that test databases are copied from."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    migrate.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, migrated, empty database (each backend in turn)."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "narrmon.sqlite3"
        shutil.copy(template, path)
        yield f"sqlite:///{path}"
        return
    admin: Engine = request.getfixturevalue("pg_admin")
    template_name: str = request.getfixturevalue("pg_template")
    name = f"narrmon_t_{os.getpid()}_{next(_counter)}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"'))
    yield _pg_url(name)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on the fresh test database."""
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on the fresh test database; the test commits what it wants kept."""
    with session_factory(engine)() as sess:
        yield sess


# Extraction processes of a test's runs: pages are extracted and tagged in the run's own
# process, as with NARRMON_WORKERS=1. A pool costs every run a fork server and two warm-ups
# (about 1.7 core-seconds on a loopback run of a few pages; 15 % of the ingestion tests'
# CPU, measured machine-wide). Tests marked `pool` run a pool of two, as production does
# on a two-core machine (default: one process per core), so the pool path stays covered.
EXTRACTION_WORKERS = "1"
POOL_WORKERS = "2"


@pytest.fixture(scope="session")
def vector_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One file of sentence vectors for the whole session, both xdist workers included:
    the fixture outlets repeat their sentences from test to test, and each `narrmon`
    process would otherwise encode them again (~35 ms a sentence). The vectors are the
    encoder's own, so what is tagged does not change (tests/narratives/test_vector_cache.py)."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    return shared / "sentence-vectors.sqlite3"


@pytest.fixture
def settings(
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
    vector_cache: Path,
) -> Settings:
    """Settings (and environment) pointing at the fresh database and a temporary data dir;
    one extraction process unless the test is marked ``pool``; the session's sentence
    vectors."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    monkeypatch.setenv("NARRMON_DATABASE_URL", db_url)
    monkeypatch.setenv("NARRMON_DATA_DIR", str(data_dir))
    monkeypatch.setenv("NARRMON_VECTOR_CACHE", str(vector_cache))
    pool = request.node.get_closest_marker("pool") is not None
    monkeypatch.setenv("NARRMON_WORKERS", POOL_WORKERS if pool else EXTRACTION_WORKERS)
    return load_settings()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[DevTools]:
    """Headless Chromium over the DevTools protocol (tests/dashboards/browser.py); fails
    under CI=true when Chromium is missing, skips elsewhere."""
    from tests.dashboards.browser import open_browser

    with open_browser(tmp_path) as tools:
        yield tools
