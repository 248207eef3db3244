"""Fixtures for the Airflow tests: fixture outlets, Airflow homes and metadata databases.

Airflow always runs in subprocesses (``python -m airflow ...``): importing it here would
replace the test process's logging configuration and load its warnings into pytest's
``filterwarnings = error``. Each test gets its own AIRFLOW_HOME; metadata databases are
copied or cloned from one migrated template per session, since ``airflow db migrate``
takes ~20 s.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

pytest.register_assert_rewrite("tests.airflow.helpers")

from demo_outlets import SiteManifest, SiteServer, generate_sites, serve_sites  # noqa: E402
from tests.airflow.helpers import (  # noqa: E402
    ARTICLES_PER_OUTLET,
    OUTLETS,
    airflow_env,
    pg_url,
    run_airflow,
    tail,
)


@pytest.fixture(scope="session")
def fixture_sites(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[SiteManifest, SiteServer]]:
    """The fixture outlets, served on loopback for the whole session."""
    manifest = generate_sites(
        tmp_path_factory.mktemp("af-sites"),
        seed=6,
        outlets=OUTLETS,
        articles_per_outlet=ARTICLES_PER_OUTLET,
    )
    server = serve_sites(manifest.root)
    yield manifest, server
    server.stop()


@pytest.fixture(scope="session")
def airflow_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated Airflow metadata database (SQLite) that tests copy."""
    home = tmp_path_factory.mktemp("af-template")
    path = home / "airflow.db"
    proc = run_airflow("db", "migrate", env=airflow_env(home, f"sqlite:///{path}"))
    assert proc.returncode == 0, tail(proc)
    return path


@pytest.fixture
def airflow_sqlite(airflow_sqlite_template: Path, tmp_path: Path) -> tuple[Path, str]:
    """A fresh AIRFLOW_HOME and the URL of its own migrated SQLite metadata database."""
    home = tmp_path / "airflow-home"
    home.mkdir()
    path = home / "airflow.db"
    shutil.copy(airflow_sqlite_template, path)
    return home, f"sqlite:///{path}"


@pytest.fixture(scope="session")
def airflow_pg_template(
    pg_admin: Engine, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated Airflow metadata database on PostgreSQL that tests clone."""
    name = f"airflow_tpl_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with pg_admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    home = tmp_path_factory.mktemp("af-pg-template")
    url = pg_url(pg_admin.url.render_as_string(hide_password=False), name)
    proc = run_airflow("db", "migrate", env=airflow_env(home, url))
    assert proc.returncode == 0, tail(proc)
    yield name
    with pg_admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def airflow_pg(
    pg_admin: Engine, airflow_pg_template: str, tmp_path: Path
) -> Iterator[tuple[Path, str]]:
    """A fresh AIRFLOW_HOME and a throwaway PostgreSQL metadata database (a template clone)."""
    name = f"airflow_t_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with pg_admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{airflow_pg_template}"'))
    home = tmp_path / "airflow-home"
    home.mkdir()
    yield home, pg_url(pg_admin.url.render_as_string(hide_password=False), name)
    with pg_admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
