"""`airflow dags test narrmon_ingest` end to end over the fixture outlets, on SQLite.

Airflow's metadata and the narrmon database are both SQLite files; the crawls are real,
on loopback. The healthy run on PostgreSQL (both databases on the server at
127.0.0.1:5432) is the Celery test's (tests/airflow/test_celery.py): one ingest DAG run
carries its checks, task logs read from the worker's log files.
"""

from __future__ import annotations

import json
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from demo_outlets import SiteManifest, SiteServer, unreachable_source
from models.db import make_engine
from models.schema import CrawlRun
from narrmon.settings import Settings
from tests.airflow.helpers import (
    airflow_env,
    assert_quiet_summaries,
    assert_stored,
    run_airflow,
    tail,
)
from tests.stories.syndication_sites import OUTLETS as WIRE_OUTLETS
from tests.stories.syndication_sites import assert_one_wire_story, serve_outlets

pytestmark = [pytest.mark.airflow, pytest.mark.slow]


DEAD = "demo-dead"
# The dead source's crawl is retried once, a second after it failed: the DAG's real
# backoff (2, 4, 8 min) would keep the test waiting for a quarter of an hour.
DEAD_RETRIES = 1
DEAD_RETRY_DELAY_S = 1


# Issue 14's three outlets reprinting one wire story (tests/stories/syndication_sites.py),
# served in the SQLite run below beside the fixture outlets.
WIRE = tuple(WIRE_OUTLETS)


def with_dead_source(sources: Path, wire_sources: Path) -> Path:
    """Add a source whose outlet is down (its only feed's port refuses connections) and
    the wire outlets' sources."""
    data = yaml.safe_load(sources.read_text(encoding="utf-8"))
    data["sources"].append(unreachable_source(DEAD))
    data["sources"] += yaml.safe_load(wire_sources.read_text(encoding="utf-8"))["sources"]
    sources.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return sources


def task_instances(airflow_db: str) -> dict[tuple[str, str], tuple[str, int]]:
    """(task id, source id or "-1") -> (state, try number), from Airflow's SQLite database.

    A mapped instance is named by its crawl's rendered map index (the source id): an
    instance that never ran has no rendered name of its own.
    """
    path = airflow_db.removeprefix("sqlite:///")
    with closing(sqlite3.connect(path)) as conn:
        rows = conn.execute(
            "SELECT task_id, map_index, rendered_map_index, state, try_number "
            "FROM task_instance WHERE dag_id = 'narrmon_ingest'"
        ).fetchall()
    names = {index: name for task, index, name, _, _ in rows if task == "source.crawl" and name}
    return {(task, names.get(i, str(i))): (state, tries) for task, i, _, state, tries in rows}


def crawl_run_of(settings: Settings, source_id: str) -> tuple[str, str | None]:
    """(status, error message) of the source's crawl run."""
    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                select(CrawlRun.status, CrawlRun.error_message).where(
                    CrawlRun.source_id == source_id
                )
            ).one()
    finally:
        engine.dispose()
    return str(row.status), row.error_message


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_dags_test_on_sqlite_a_dead_outlet_fails_its_crawl_with_the_cause_and_retries(
    fixture_sites: tuple[SiteManifest, SiteServer],
    settings: Settings,
    airflow_sqlite: tuple[Path, str],
    tmp_path: Path,
) -> None:
    """SQLite for both databases; one extra source's outlet is down (port closed).

    Its crawl task fails with the cause (connection refused) after one retry, its load
    is upstream_failed; every task of the live sources succeeds, the rollups run, and
    `a_source_failed` fails the run. Then the export and retag DAGs run on the database
    just filled.

    The live sources include issue 14's three outlets reprinting one wire story: the three
    copies are one story through the ingest DAG too. This SQLite run is the story check's
    only `dags test` (the `narrmon run` path is checked on both backends in
    tests/stories/test_syndication_run.py); it had a `dags test` run of its own (~26 s).
    """
    manifest, server = fixture_sites
    home, sql_conn = airflow_sqlite
    with serve_outlets(tmp_path / "wire") as wire_sources:
        sources = with_dead_source(server.write_sources(tmp_path / "sources.yaml"), wire_sources)
        env = airflow_env(
            home,
            sql_conn,
            NARRMON_SOURCES=str(sources),
            NARRMON_TASK_RETRIES=str(DEAD_RETRIES),
            NARRMON_TASK_RETRY_DELAY=str(DEAD_RETRY_DELAY_S),
        )
        started = time.monotonic()
        proc = run_airflow("dags", "test", "narrmon_ingest", env=env)
        elapsed = time.monotonic() - started
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, tail(proc)  # the run is failed, on purpose
    tis = task_instances(sql_conn)
    fixture_live = [f"demo-{o['id']}" for o in manifest.outlets]
    live = [*fixture_live, *WIRE]
    assert tis[("source.crawl", DEAD)] == ("failed", 1 + DEAD_RETRIES), tis
    assert tis[("source.load", DEAD)][0] == "upstream_failed", tis
    for source_id in live:
        assert tis[("source.crawl", source_id)] == ("success", 1), tis
        assert tis[("source.load", source_id)] == ("success", 1), tis
    assert tis[("prepare", "-1")][0] == "success", tis
    assert tis[("rollups", "-1")][0] == "success", tis
    assert tis[("a_source_failed", "-1")][0] == "failed", tis
    # The cause is the failure message, and the database knows it too.
    assert f"every feed of {DEAD} failed (connection_error):" in output, tail(proc)
    assert "Connection refused" in output, tail(proc)
    status, message = crawl_run_of(settings, DEAD)
    assert status == "failed" and message and f"every feed of {DEAD} failed" in message
    assert_stored(settings, manifest, server, ignore=(DEAD,), others=WIRE)
    assert_one_wire_story(settings.database_url, beside=fixture_live)
    assert_quiet_summaries(output, live)

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
