"""Screenshots of `make airflow`'s UI after two demo runs, for docs/operations.md.

    .venv/bin/python scripts/airflow_screenshots.py [--out docs/images]

Serves three fixture outlets on loopback (articles dated the last days), starts
``scripts/airflow-standalone.sh`` on a free port with a private data folder, triggers
``narrmon_ingest`` once over the healthy outlets and once with one outlet down (its
port closed), checks the runs ended as designed (green, then red with the dead source's
crawl failed after its retry), and takes headless-Chromium screenshots of the grid and
of the dead source's task log and feed health's. Then stops Airflow with SIGTERM. Needs a
``chromium-headless-shell`` (or ``chromium``) on PATH: ``apt-get install chromium``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from demo_outlets import (  # noqa: E402
    generate_sites,
    serve_sites,
    unreachable_source,
    unused_port,
)

OUTLETS = ("novosti", "rundschau", "nbc")
# Enough articles for real counts in the summaries, few enough for a run of ~1 min.
ARTICLES_PER_OUTLET = 6
DEAD = "demo-dead"
# Airflow's first start (db migrate, five components) on two busy cores.
START_TIMEOUT_S = 300
# One ingest run of three small outlets, retries of the dead one included.
RUN_TIMEOUT_S = 600
# Window of the screenshots: the grid with its task names and the log's summary lines.
WINDOW = "1500,950"
# Milliseconds of page time Chromium gives the UI's scripts before it takes the picture.
RENDER_BUDGET_MS = "20000"


def browser() -> str:
    """The headless Chromium binary on PATH."""
    for name in ("chromium-headless-shell", "chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    raise SystemExit("no chromium-headless-shell or chromium on PATH")


def write_sources(path: Path, base: str, dead: bool) -> None:
    """The fixture outlets' sources file, plus a source whose port is closed if ``dead``."""
    data = yaml.safe_load(base)
    if dead:
        data["sources"].append(unreachable_source(DEAD))
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def airflow(env: dict[str, str], *args: str) -> None:
    """Run one ``airflow`` CLI command against the standalone's home."""
    subprocess.run(
        [str(ROOT / ".venv/bin/airflow"), *args],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,  # a CLI call imports Airflow (~5 s) and touches the metadata database
    )


def run_state(db: Path, run_id: str) -> str | None:
    """The state of a narrmon_ingest run, from the metadata database."""
    with closing(sqlite3.connect(db)) as conn:
        row = conn.execute(
            "SELECT state FROM dag_run WHERE dag_id='narrmon_ingest' AND run_id=?", (run_id,)
        ).fetchone()
    return str(row[0]) if row else None


def wait_run(db: Path, run_id: str) -> str:
    """Wait until the run has finished; return its state."""
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while time.monotonic() < deadline:
        state = run_state(db, run_id)
        if state in ("success", "failed"):
            return state
        time.sleep(3)
    raise SystemExit(f"run {run_id} did not finish in {RUN_TIMEOUT_S} s")


def first_run(db: Path) -> str:
    """The run id of narrmon_ingest's first run."""
    with closing(sqlite3.connect(db)) as conn:
        row = conn.execute(
            "SELECT run_id FROM dag_run WHERE dag_id='narrmon_ingest' ORDER BY id LIMIT 1"
        ).fetchone()
    return str(row[0])


def map_index(db: Path, run_id: str, source_id: str) -> int:
    """The map index of a source's crawl instance in a run (the same for its load)."""
    with closing(sqlite3.connect(db)) as conn:
        row = conn.execute(
            "SELECT map_index FROM task_instance WHERE dag_id='narrmon_ingest' AND run_id=? "
            "AND task_id='source.crawl' AND rendered_map_index=?",
            (run_id, source_id),
        ).fetchone()
    if row is None:
        raise SystemExit(f"no crawl instance of {source_id} in {run_id}")
    return int(row[0])


def screenshot(url: str, out: Path) -> None:
    """One headless-Chromium screenshot of ``url``."""
    subprocess.run(
        [
            browser(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--window-size={WINDOW}",
            f"--virtual-time-budget={RENDER_BUDGET_MS}",
            f"--screenshot={out}",
            url,
        ],
        check=True,
        capture_output=True,
        timeout=120,  # rendering the UI takes seconds; a hung browser should not hang this
    )
    print(f"wrote {out} ({out.stat().st_size} bytes) from {url}")


def main() -> int:
    """Serve outlets, start Airflow, run the DAG twice, take the screenshots, stop."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    browser()
    work = Path(tempfile.mkdtemp(prefix="narrmon-shots-"))
    # Dated up to yesterday, like `narrmon demo`: an article "published" later today
    # would lie in the future of the run and be quarantined.
    yesterday = date.today() - timedelta(days=1)
    manifest = generate_sites(
        work / "sites",
        outlets=OUTLETS,
        articles_per_outlet=ARTICLES_PER_OUTLET,
        start_date=yesterday - timedelta(days=ARTICLES_PER_OUTLET),
        end_date=yesterday,
        newest_on_end=True,
    )
    server = serve_sites(manifest.root)
    base = server.sources_yaml()
    sources = work / "sources.yaml"
    write_sources(sources, base, dead=False)
    port = unused_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env |= {
        "NARRMON_DATA_DIR": str(work / "data"),
        "NARRMON_SOURCES": str(sources),
        "AIRFLOW_PORT": str(port),
        # No login page in the screenshots: this throwaway instance listens on loopback.
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
        "NARRMON_TASK_RETRIES": "1",
        # A second between the dead source's attempts instead of two minutes.
        "NARRMON_TASK_RETRY_DELAY": "2",
    }
    home = work / "data" / "airflow"
    cli_env = env | {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home}/airflow.db",
    }
    db = home / "airflow.db"
    log = (work / "standalone.log").open("w")
    proc = subprocess.Popen(
        ["bash", str(ROOT / "scripts/airflow-standalone.sh")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://localhost:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                with urllib.request.urlopen(url + "/api/v2/version", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"Airflow did not start; see {work}/standalone.log") from None
                time.sleep(2)
        airflow(cli_env, "dags", "reserialize")
        airflow(cli_env, "dags", "unpause", "narrmon_ingest")
        airflow(cli_env, "dags", "trigger", "narrmon_ingest", "--run-id", "demo_healthy")
        healthy = wait_run(db, "demo_healthy")
        print(f"demo_healthy: {healthy}")
        write_sources(sources, base, dead=True)
        airflow(cli_env, "dags", "trigger", "narrmon_ingest", "--run-id", "demo_one_outlet_down")
        down = wait_run(db, "demo_one_outlet_down")
        print(f"demo_one_outlet_down: {down}")
        grid = f"{url}/dags/narrmon_ingest/runs"
        screenshot(f"{grid}/demo_healthy", args.out / "airflow-run-healthy.png")
        screenshot(f"{grid}/demo_one_outlet_down", args.out / "airflow-run-outlet-down.png")
        index = map_index(db, "demo_one_outlet_down", DEAD)
        screenshot(
            f"{grid}/demo_one_outlet_down/tasks/source.crawl/mapped/{index}",
            args.out / "airflow-dead-crawl-log.png",
        )
        screenshot(
            f"{grid}/demo_one_outlet_down/tasks/feed_health",
            args.out / "airflow-feed-health-failed.png",
        )
        # The first run (unpausing starts one) fetched every article: a full summary.
        first = first_run(db)
        live = map_index(db, first, "demo-novosti")
        screenshot(
            f"{grid}/{first}/tasks/source.load/mapped/{live}",
            args.out / "airflow-load-summary.png",
        )
        ok = healthy == "success" and down == "failed"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)  # the script's own budget is 10 s
        log.close()
        server.stop()
    print("runs as designed" if ok else "runs NOT as designed", f"(work folder {work})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
