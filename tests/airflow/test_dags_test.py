"""`airflow dags test narrmon_ingest` end to end over the fixture outlets.

On SQLite (Airflow's metadata and the narrmon database both SQLite files) and on
PostgreSQL (both on the server at 127.0.0.1:5432), with real crawls on loopback.
"""

from __future__ import annotations

import json
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest
import yaml

from narrmon.demo_sites import SiteManifest, SiteServer
from narrmon.settings import Settings
from tests.airflow.helpers import OUTLETS, airflow_env, assert_stored, run_airflow, tail

pytestmark = pytest.mark.slow

BROKEN = "demo-broken"
# The broken source's crawl process is stopped after this many seconds; the good ones
# take ~5 s on loopback (up to ~10 s on two busy cores).
BROKEN_CRAWL_TIMEOUT_S = 25
# Its feed answers only after this long: past the crawl timeout, so the crawl fails.
BROKEN_SLEEP_S = 45


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_dags_test_ingest_stores_the_fixture_outlets(
    fixture_sites: tuple[SiteManifest, SiteServer],
    settings: Settings,
    airflow_pg: tuple[Path, str],
    tmp_path: Path,
) -> None:
    """PostgreSQL as Airflow's metadata database and the narrmon database."""
    manifest, server = fixture_sites
    home, sql_conn = airflow_pg
    sources = server.write_sources(tmp_path / "sources.yaml")
    env = airflow_env(home, sql_conn, NARRMON_SOURCES=str(sources))

    started = time.monotonic()
    proc = run_airflow("dags", "test", "narrmon_ingest", env=env)
    elapsed = time.monotonic() - started
    assert proc.returncode == 0, tail(proc)
    assert "state=success" in proc.stdout + proc.stderr, tail(proc)
    assert_stored(settings, manifest, server)
    print(json.dumps({"backend": "postgresql", "dags_test_seconds": round(elapsed, 1)}))


def with_broken_source(sources: Path, server: SiteServer) -> Path:
    """Add a source whose only feed never answers in time: its crawl process times out."""
    data = yaml.safe_load(sources.read_text(encoding="utf-8"))
    origin = server.origin(OUTLETS[0])
    data["sources"].append(
        {
            "id": BROKEN,
            "name": "Broken Feed",
            "homepage": origin + "/",
            "feeds": [{"type": "rss", "url": f"{origin}/_fault/slow?s={BROKEN_SLEEP_S}"}],
            "language": "en",
            "country": "GB",
            "media_type": "blog",
            "politeness": {"delay": 0, "concurrency": 1},
        }
    )
    sources.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return sources


def task_states(airflow_db: str) -> dict[tuple[str, str], str]:
    """(task id, source id or "-1") -> state, from Airflow's SQLite database.

    A mapped instance is named by its crawl's rendered map index (the source id): an
    instance that never ran has no rendered name of its own.
    """
    path = airflow_db.removeprefix("sqlite:///")
    with closing(sqlite3.connect(path)) as conn:
        rows = conn.execute(
            "SELECT task_id, map_index, rendered_map_index, state "
            "FROM task_instance WHERE dag_id = 'narrmon_ingest'"
        ).fetchall()
    names = {index: name for task, index, name, _ in rows if task == "source.crawl" and name}
    return {(task, names.get(index, str(index))): state for task, index, _, state in rows}


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_dags_test_on_sqlite_stores_the_outlets_and_a_broken_source_fails_alone(
    fixture_sites: tuple[SiteManifest, SiteServer],
    settings: Settings,
    airflow_sqlite: tuple[Path, str],
    tmp_path: Path,
) -> None:
    """SQLite for both databases; one extra source is broken and fails alone.

    Its crawl task fails (no retries here), its load is upstream_failed, every other
    source is crawled and stored, the rollups run, and `failed_sources` fails the run.
    Then the export and retag DAGs run on the database just filled.
    """
    manifest, server = fixture_sites
    home, sql_conn = airflow_sqlite
    sources = with_broken_source(server.write_sources(tmp_path / "sources.yaml"), server)
    env = airflow_env(
        home,
        sql_conn,
        NARRMON_SOURCES=str(sources),
        NARRMON_TASK_RETRIES="0",
        NARRMON_CRAWL_TIMEOUT=str(BROKEN_CRAWL_TIMEOUT_S),
    )

    started = time.monotonic()
    proc = run_airflow("dags", "test", "narrmon_ingest", env=env)
    elapsed = time.monotonic() - started
    assert proc.returncode != 0, tail(proc)  # the run is failed, on purpose
    states = task_states(sql_conn)
    good = [f"demo-{o['id']}" for o in manifest.outlets]
    assert states[("source.crawl", BROKEN)] == "failed", states
    assert states[("source.ingest", BROKEN)] == "upstream_failed", states
    for source_id in good:
        assert states[("source.crawl", source_id)] == "success", states
        assert states[("source.ingest", source_id)] == "success", states
    assert states[("rollups", "-1")] == "success", states
    assert states[("failed_sources", "-1")] == "failed", states
    assert "crawl of demo-broken failed" in proc.stdout + proc.stderr, tail(proc)
    assert_stored(settings, manifest, server, ignore=(BROKEN,))

    timings = {"ingest": round(elapsed, 1)} | run_export_and_retag(env, settings)
    print(json.dumps({"backend": "sqlite", "dags_test_seconds": timings}))


def run_export_and_retag(env: dict[str, str], settings: Settings) -> dict[str, float]:
    """`dags test` the export DAG (a snapshot of the logical date) and the retag DAG."""
    started = time.monotonic()
    proc = run_airflow("dags", "test", "narrmon_export", "2026-03-02", env=env)
    export_s = time.monotonic() - started
    assert proc.returncode == 0, tail(proc)
    folder = settings.exports_dir / "2026-03-02"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    parquet = folder / "narrmon-2026-03-02.parquet"
    assert parquet.exists() and (folder / "narrmon-2026-03-02.csv").exists()
    assert manifest["files"][parquet.name]["rows"] == manifest["rows"]
    header = (folder / "data_dictionary.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "field,type,meaning"

    started = time.monotonic()
    conf = json.dumps({"since": "2025-01-01", "source_ids": []})
    proc = run_airflow("dags", "test", "narrmon_retag", "--conf", conf, env=env)
    retag_s = time.monotonic() - started
    assert proc.returncode == 0, tail(proc)
    assert "'taxonomy_version'" in proc.stdout + proc.stderr, tail(proc)
    return {"export": round(export_s, 1), "retag": round(retag_s, 1)}


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_dags_test_counts_three_wire_copies_as_one_story(
    settings: Settings, airflow_sqlite: tuple[Path, str], tmp_path: Path
) -> None:
    """Issue 14: one wire story on three outlets is one story through the ingest DAG too."""
    from tests.stories.syndication_sites import assert_one_wire_story, serve_outlets

    home, sql_conn = airflow_sqlite
    with serve_outlets(tmp_path / "sites") as sources:
        env = airflow_env(home, sql_conn, NARRMON_SOURCES=str(sources))
        proc = run_airflow("dags", "test", "narrmon_ingest", env=env)
    assert proc.returncode == 0, tail(proc)
    assert_one_wire_story(settings.database_url)
