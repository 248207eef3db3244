"""Database outage mid-run (PostgreSQL): a clear error, nothing half-written, recovery."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from demo_outlets import SiteServer, generate_sites, serve_sites
from narrmon.settings import Settings

from .test_crash_safety import assert_consistent, expected_urls, stored_count

pytestmark = pytest.mark.crawl


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    manifest = generate_sites(
        tmp_path_factory.mktemp("sites"),
        seed=23,
        outlets=["novosti", "rundschau", "courrier"],
        articles_per_outlet=40,
    )
    srv = serve_sites(manifest.root)
    yield srv
    srv.stop()


@pytest.mark.slow
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgres_outage_mid_run_then_recovery(
    server: SiteServer, settings: Settings, pg_admin: Engine, tmp_path: Path
) -> None:
    sources = server.write_sources(tmp_path / "sources.yaml")
    expected = expected_urls(server)
    dbname = settings.database_url.rsplit("/", 1)[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "narrmon.cli", "run", "--sources", str(sources), "--json"],
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 300
    while stored_count(settings.database_url) == 0 and time.monotonic() < deadline:
        assert proc.poll() is None, "run finished before the outage"
        time.sleep(0.05)
    with pg_admin.connect() as conn:  # the database becomes unreachable mid-load
        conn.execute(text(f'ALTER DATABASE "{dbname}" ALLOW_CONNECTIONS false'))
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :d AND pid <> pg_backend_pid()"
            ),
            {"d": dbname},
        )
    try:
        _, err = proc.communicate(timeout=300)
    finally:
        with pg_admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{dbname}" ALLOW_CONNECTIONS true'))
    assert proc.returncode == 1, err[-2000:]
    assert "error:" in err and "database" in err and "Traceback" not in err, err[-2000:]
    partial = stored_count(settings.database_url)
    assert partial < len(expected)

    res = subprocess.run(
        [sys.executable, "-m", "narrmon.cli", "run", "--sources", str(sources), "--json"],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=600,
        check=False,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    assert json.loads(res.stdout)["totals"]["new"] == len(expected) - partial
    assert_consistent(settings.database_url, expected)
