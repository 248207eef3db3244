"""`make airflow` (scripts/airflow-standalone.sh) stops on one Ctrl-C or SIGTERM.

The script runs for real: Airflow standalone on a free loopback port with a private
data folder, up until its UI answers; then one signal must stop every process it
started within the budget, leaving none behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from demo_outlets import unused_port
from tests.airflow.helpers import ROOT

pytestmark = [pytest.mark.airflow, pytest.mark.slow]

SCRIPT = ROOT / "scripts" / "airflow-standalone.sh"
# The budget for one Ctrl-C: every component gone within 15 s.
STOP_BUDGET_S = 15.0
# First start: `airflow db migrate` (~20 s) and five components on two busy cores.
START_TIMEOUT_S = 300.0


def processes_under(root_pid: int) -> set[int]:
    """Every live process whose ancestry leads to ``root_pid`` (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z":  # a zombie is already gone
            parents[int(entry.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {root_pid}
    while frontier:
        children = {pid for pid, ppid in parents.items() if ppid in frontier} - found
        found |= children
        frontier = children
    return found


def alive(pid: int) -> bool:
    """Whether the process exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def command(pid: int) -> str:
    """A process's command line ("" once it is gone)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def ui_up(url: str) -> bool:
    """Whether the API server answers."""
    try:
        with urllib.request.urlopen(url + "/api/v2/version", timeout=2) as resp:
            return bool(resp.status == 200)
    except OSError:
        return False


def restore_sigint() -> None:
    """A shell started from a non-interactive parent inherits SIGINT ignored; undo that."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_one_signal_stops_every_component_within_budget(
    tmp_path: Path, signum: signal.Signals
) -> None:
    port = unused_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env |= {"NARRMON_DATA_DIR": str(tmp_path / "data"), "AIRFLOW_PORT": str(port)}
    log = (tmp_path / "standalone.log").open("w")
    proc = subprocess.Popen(
        ["bash", str(SCRIPT)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        preexec_fn=restore_sigint,  # the test process starts no threads before this
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not ui_up(url):
            assert proc.poll() is None, (tmp_path / "standalone.log").read_text()[-4000:]
            assert time.monotonic() < deadline, "the UI did not come up"
            time.sleep(2)
        started = processes_under(proc.pid)
        assert len(started) >= 5, started  # standalone and its components

        stop_at = time.monotonic()
        proc.send_signal(signum)
        proc.wait(timeout=STOP_BUDGET_S + 5)
        stopped_s = time.monotonic() - stop_at
        left = {pid: command(pid) for pid in started if alive(pid)}
    finally:
        if proc.poll() is None:
            proc.kill()
        log.close()
    output = (tmp_path / "standalone.log").read_text()
    assert stopped_s < STOP_BUDGET_S, (stopped_s, output[-3000:])
    assert left == {}, (left, output[-3000:])
    assert "Airflow stopped" in output
    print(f"stopped in {stopped_s:.1f} s by {signum.name}")
