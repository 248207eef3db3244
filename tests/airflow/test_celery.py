"""One ingestion run executed by a real Celery worker, with this machine's Redis as broker.

The deployment's shape in miniature: PostgreSQL as Airflow's metadata database, the
Celery result backend and the narrmon database; Redis as broker; an API server for
the task execution API; one `airflow celery worker`. `airflow dags test --use-executor`
plays the scheduler and queues every task to Celery.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from demo_outlets import SiteManifest, SiteServer
from narrmon.settings import Settings
from tests.airflow.helpers import (
    OUTLETS,
    ROOT,
    airflow_env,
    assert_quiet_summaries,
    assert_stored,
    run_airflow,
    tail,
    task_logs,
)

pytestmark = [pytest.mark.airflow, pytest.mark.slow]

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# A Redis database number of its own, flushed first: queued messages of another run
# must not reach this worker.
REDIS_DB = 13
# The fixture outlets' source ids.
SOURCES = tuple(f"demo-{o}" for o in OUTLETS)
# The API server imports the whole UI: ~30 s on two busy cores.
API_START_TIMEOUT_S = 180.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def redis_url() -> str:
    """The broker URL on this machine's Redis (fails in CI when unreachable)."""
    import redis

    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB, socket_timeout=5)
    try:
        client.flushdb()
    except redis.ConnectionError as exc:
        message = f"Redis unreachable at {REDIS_HOST}:{REDIS_PORT}: {exc}"
        if IN_CI:
            pytest.fail(message + " (CI=true: the Celery test must run)")
        pytest.skip(message)
    finally:
        client.close()
    return f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}"


@contextmanager
def airflow_process(
    log: Path, env: dict[str, str], *args: str
) -> Iterator[subprocess.Popen[bytes]]:
    """A long-running `airflow ...` in its own process group, stopped on exit."""
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "airflow", *args],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield proc
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=30)  # a Celery warm shutdown finishes its tasks
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()


def wait_for_http(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{url} exited early:\n{log.read_text(errors='replace')[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(1)
    pytest.fail(f"{url} not up after {timeout:.0f}s:\n{log.read_text(errors='replace')[-4000:]}")


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_ingest_on_a_celery_worker(
    fixture_sites: tuple[SiteManifest, SiteServer],
    settings: Settings,
    airflow_pg: tuple[Path, str],
    redis_url: str,
    tmp_path: Path,
) -> None:
    manifest, server = fixture_sites
    home, sql_conn = airflow_pg
    port = free_port()
    env = airflow_env(
        home,
        sql_conn,
        NARRMON_SOURCES=str(server.write_sources(tmp_path / "sources.yaml")),
        AIRFLOW__CORE__EXECUTOR="CeleryExecutor",
        AIRFLOW__CELERY__BROKER_URL=redis_url,
        AIRFLOW__CELERY__RESULT_BACKEND="db+" + sql_conn,
        # Two task slots: the two cores are shared with the rest of the suite.
        AIRFLOW__CELERY__WORKER_CONCURRENCY="2",
        # Worker, API server and the queuing process must sign and check the same tokens.
        AIRFLOW__API_AUTH__JWT_SECRET=secrets.token_hex(32),
        AIRFLOW__API__SECRET_KEY=secrets.token_hex(32),
        AIRFLOW__API__HOST="127.0.0.1",
        AIRFLOW__API__PORT=str(port),
        AIRFLOW__API__WORKERS="1",
        AIRFLOW__CORE__EXECUTION_API_SERVER_URL=f"http://127.0.0.1:{port}/execution/",
    )
    api_log, worker_log = tmp_path / "api-server.log", tmp_path / "worker.log"
    with (
        airflow_process(api_log, env, "api-server", "--port", str(port)) as api,
        airflow_process(
            worker_log, env, "celery", "worker", "--concurrency", "2", "--skip-serve-logs"
        ),
    ):
        wait_for_http(f"http://127.0.0.1:{port}/api/v2/version", api, api_log, API_START_TIMEOUT_S)
        started = time.monotonic()
        proc = run_airflow("dags", "test", "narrmon_ingest", "--use-executor", env=env)
        elapsed = time.monotonic() - started
    # Read after the worker stopped: a warm shutdown lets the last task's log be written.
    worker_out = worker_log.read_text(errors="replace")
    assert proc.returncode == 0, tail(proc) + "\n--- worker ---\n" + worker_out[-4000:]
    assert "state=success" in proc.stdout + proc.stderr, tail(proc)  # a green run
    # Every task went through Celery: the worker logged each workload it ran.
    assert worker_out.count("execute_workload") >= 1, worker_out[-4000:]
    assert_stored(settings, manifest, server)
    # What the tasks logged is in the worker's log files, not in this command's output.
    logs = task_logs(home)
    # The fixture outlets are dated 2025: stale, which by default is a warning in the
    # feed_health task's report, not a failure.
    for source_id in SOURCES:
        assert f"WARNING {source_id}: stale: " in logs, logs[-6000:]
    assert_quiet_summaries(logs, list(SOURCES))
    print(f"celery dags test: {elapsed:.1f}s")
