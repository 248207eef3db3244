"""`narrmon dashboard`: start the Streamlit dashboards against the configured database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path

from narrmon.settings import Settings

APP = Path(__file__).resolve().parent.parent / "dashboards" / "app.py"
# Defaults for a server started from a shell: no browser tab, no usage statistics (the
# product must work offline), a viewer's toolbar. A STREAMLIT_* variable already set wins.
STREAMLIT_DEFAULTS: dict[str, str] = {
    "STREAMLIT_SERVER_HEADLESS": "true",
    "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    "STREAMLIT_CLIENT_TOOLBAR_MODE": "viewer",  # analysts need no "Deploy" button
}


def dashboard_command(port: int | None = None) -> list[str]:
    """The `streamlit run` command line; ``--server.port`` only when a port is given, so
    STREAMLIT_SERVER_PORT (and every other STREAMLIT_SERVER_* setting) otherwise applies."""
    cmd = [sys.executable, "-m", "streamlit", "run", str(APP)]
    if port is not None:
        cmd += ["--server.port", str(port)]
    return cmd


def dashboard_environment(
    settings: Settings, base: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The child's environment: the caller's, plus the resolved database URL and data dir."""
    env = dict(os.environ if base is None else base)
    env["NARRMON_DATABASE_URL"] = settings.database_url
    env["NARRMON_DATA_DIR"] = str(settings.data_dir)
    for name, value in STREAMLIT_DEFAULTS.items():
        env.setdefault(name, value)
    root = str(APP.parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env


class _Terminated(Exception):
    """SIGTERM arrived while the dashboards ran."""


def _raise_terminated(_signum: int, _frame: object) -> None:
    raise _Terminated


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop the Streamlit child: SIGTERM, then SIGKILL if it has not exited in time."""
    proc.terminate()
    try:
        proc.wait(timeout=10)  # Streamlit closes its sessions within a second or two
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def start_dashboard(settings: Settings, port: int | None = None) -> int:
    """Run the dashboards in the foreground until stopped; returns Streamlit's exit code.

    The app opens the database read-only (NARRMON_DASHBOARD_DATABASE_URL when set, else
    NARRMON_DATABASE_URL). Ctrl-C stops the server and returns 130; SIGTERM (a service
    manager, ``docker stop``) stops it too and returns 143, so no Streamlit child is left
    serving the port.
    """
    proc = subprocess.Popen(dashboard_command(port), env=dashboard_environment(settings))
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _raise_terminated) if in_main else None
    try:
        return proc.wait()
    except KeyboardInterrupt:
        _stop(proc)
        return 130
    except _Terminated:
        _stop(proc)
        return 128 + signal.SIGTERM
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)
