"""Helpers of the Airflow tests: run Airflow in a subprocess with a private home."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from demo_outlets import SiteManifest, SiteServer
from models.db import make_engine, session_factory
from models.schema import Article, CrawlRun, DailyRollup
from narrmon.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DAGS = ROOT / "dags"
# Two outlets (two mapped crawls), four articles each: every step runs for real and a
# `dags test` run (tasks one after another) stays near a minute.
OUTLETS = ("novosti", "rundschau")
ARTICLES_PER_OUTLET = 4
# `airflow db migrate` takes ~20 s, a `dags test` run of the fixture outlets ~60 s.
AIRFLOW_TIMEOUT_S = 300.0

RunAirflow = Callable[..., subprocess.CompletedProcess[str]]


def airflow_env(home: Path, sql_conn: str, **extra: str) -> dict[str, str]:
    """The environment of an Airflow subprocess: a private home, our DAGs, few workers."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": sql_conn,
            # Two cores shared with other test runs: the default 32 would spawn 32 workers.
            "AIRFLOW__CORE__PARALLELISM": "2",
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            # No unit-test mode: it would swap the configured database for its own.
            "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
            # One extraction process per ingest: the machine has two cores.
            "NARRMON_WORKERS": "1",
            "PYTHONWARNINGS": "ignore",
        }
    )
    env.update(extra)
    return env


def run_airflow(
    *args: str, env: dict[str, str], timeout: float = AIRFLOW_TIMEOUT_S
) -> subprocess.CompletedProcess[str]:
    """Run one ``airflow`` command in a subprocess, output captured; fail on a timeout."""
    try:
        return subprocess.run(
            [sys.executable, "-m", "airflow", *args],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.output or ""
        text = out.decode(errors="replace") if isinstance(out, bytes) else out
        pytest.fail(f"airflow {' '.join(args)} timed out after {timeout:.0f}s:\n{text[-6000:]}")


def tail(proc: subprocess.CompletedProcess[str], chars: int = 6000) -> str:
    """The end of a command's output, for assertion messages."""
    return (proc.stdout + proc.stderr)[-chars:]


def task_logs(home: Path, dag_id: str = "narrmon_ingest") -> str:
    """What the DAG's tasks logged where an executor ran them, one record a line.

    `dags test` prints its tasks' logs; under an executor each task try writes its own
    file under AIRFLOW_HOME/logs (Airflow 3: one JSON object per line). A record's values
    are joined by spaces, so its message reads as in `dags test` output and no field of it
    escapes a check.
    """
    lines: list[str] = []
    for path in sorted((home / "logs" / f"dag_id={dag_id}").rglob("*.log")):
        for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                record = json.loads(raw)
            except ValueError:
                record = raw
            values = record.values() if isinstance(record, dict) else [raw]
            lines.append(" ".join(str(v) for v in values))
    return "\n".join(lines)


def assert_quiet_summaries(output: str, live: list[str]) -> None:
    """Each live source's crawl and load end with their summary; no library INFO noise."""
    for source_id in live:
        assert f"crawl of {source_id}: " in output, output[-6000:]
        assert f"load of {source_id}: ok" in output, output[-6000:]
    assert "Skipping registering function" not in output
    assert "Running upgrade" not in output  # alembic's INFO per migration step
    assert "crawl_seconds" not in output  # the JSON summary is the XCom, not a log line


def expected_urls(manifest: SiteManifest, server: SiteServer) -> set[str]:
    """Canonical URLs of the fixture articles a crawl may fetch (robots allows them)."""
    from crawlers.urls import canonical_url

    data: dict[str, Any] = json.loads(
        (Path(manifest.root) / "manifest.json").read_text(encoding="utf-8")
    )
    return {
        canonical_url(server.url_for(a["outlet"], a["path"]))
        for a in data["articles"]
        if not a["robots_disallowed"]
    }


def pg_url(admin_url: str, dbname: str) -> str:
    """The URL of another database on the admin URL's server."""
    return admin_url.rsplit("/", 1)[0] + "/" + dbname


def assert_stored(
    settings: Settings,
    manifest: SiteManifest,
    server: SiteServer,
    ignore: tuple[str, ...] = (),
    others: tuple[str, ...] = (),
) -> None:
    """Every fixture article is stored once, every source's crawl run is ok, rollups exist.

    Sources in ``ignore`` (broken on purpose) are left out of the crawl-run checks. Sources
    in ``others`` were served beside the fixture outlets (the test checks their articles):
    their crawl runs must be ok too, and their articles are not fixture articles.
    """
    engine = make_engine(settings.database_url)
    try:
        with session_factory(engine)() as session:
            urls = set(session.scalars(select(Article.url).where(Article.source_id.not_in(others))))
            assert urls == expected_urls(manifest, server)
            runs = [
                r
                for r in session.execute(select(CrawlRun.source_id, CrawlRun.status))
                if r.source_id not in ignore
            ]
            fixture_sources = {f"demo-{o['id']}" for o in manifest.outlets}
            assert {r.source_id for r in runs} == fixture_sources | set(others)
            assert {r.status for r in runs} == {"ok"}, runs
            assert session.scalar(select(func.count()).select_from(DailyRollup))
    finally:
        engine.dispose()
