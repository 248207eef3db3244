"""`narrmon dashboard`'s command and environment, and the escaping of web text."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from dashboards import safe
from narrmon import dashboard
from narrmon.settings import load_settings


def test_command_runs_the_app_with_streamlit() -> None:
    cmd = dashboard.dashboard_command()
    assert cmd[:4] == [sys.executable, "-m", "streamlit", "run"]
    assert Path(cmd[4]) == dashboard.APP and dashboard.APP.is_file()
    assert "--server.port" not in cmd  # STREAMLIT_SERVER_PORT applies
    assert dashboard.dashboard_command(8600)[-2:] == ["--server.port", "8600"]


def test_environment_carries_the_database_and_keeps_streamlit_settings(tmp_path: Path) -> None:
    settings = load_settings(
        {"NARRMON_DATABASE_URL": "sqlite:///x.sqlite3", "NARRMON_DATA_DIR": str(tmp_path)}
    )
    env = dashboard.dashboard_environment(
        settings, {"STREAMLIT_SERVER_PORT": "9000", "STREAMLIT_SERVER_HEADLESS": "false"}
    )
    assert env["NARRMON_DATABASE_URL"] == "sqlite:///x.sqlite3"
    assert env["NARRMON_DATA_DIR"] == str(tmp_path)
    assert env["STREAMLIT_SERVER_PORT"] == "9000"
    assert env["STREAMLIT_SERVER_HEADLESS"] == "false"  # the operator's setting wins
    assert env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] == "false"


def test_start_dashboard_returns_streamlits_exit_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}

    class FakeProcess:
        def __init__(self, cmd: list[str], env: dict[str, str]) -> None:
            seen.update(cmd=cmd, env=env)

        def wait(self, timeout: float | None = None) -> int:
            return 3

    monkeypatch.setattr(subprocess, "Popen", FakeProcess)
    settings = load_settings({"NARRMON_DATABASE_URL": "sqlite:///y.sqlite3"})
    assert dashboard.start_dashboard(settings, port=8777) == 3
    assert seen["cmd"][-1] == "8777"
    assert seen["env"]["NARRMON_DATABASE_URL"] == "sqlite:///y.sqlite3"


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_stopping_narrmon_dashboard_stops_its_server(tmp_path: Path, stop: int) -> None:
    """SIGTERM or Ctrl-C to `narrmon dashboard` leaves no child serving the port."""
    pid_file = tmp_path / "child.pid"
    child = (
        f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(120)"
    )
    script = (
        "import signal, sys\n"
        # A shell's background job inherits SIGINT ignored; a terminal's Ctrl-C does not.
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "from narrmon import dashboard\n"
        "from narrmon.settings import load_settings\n"
        f"dashboard.dashboard_command = lambda port=None: [sys.executable, '-c', {child!r}]\n"
        "sys.exit(dashboard.start_dashboard(load_settings()))\n"
    )
    env = {**os.environ, "NARRMON_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    parent = subprocess.Popen([sys.executable, "-c", script], env=env)
    try:
        deadline = time.monotonic() + 60  # interpreter start-up on a loaded 2-core machine
        while not pid_file.exists() or not pid_file.read_text():
            assert time.monotonic() < deadline and parent.poll() is None
            time.sleep(0.1)
        child_pid = int(pid_file.read_text())
        parent.send_signal(stop)
        assert parent.wait(timeout=30) == (143 if stop == signal.SIGTERM else 130)
        with pytest.raises(ProcessLookupError):
            os.kill(child_pid, 0)  # stopped and reaped by the parent
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()


HOSTILE = "<img src=x onerror=alert(1)>"


def test_markdown_text_is_literal() -> None:
    assert safe.md_text(HOSTILE) == r"\<img src\=x onerror\=alert\(1\)\>"
    assert safe.md_text("[a](javascript:x) *b* $c$ :red[d]") == (
        r"\[a\]\(javascript\:x\) \*b\* \$c\$ \:red\[d\]"
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.example/x?y=1&z=2", "https://a.example/x?y=1&amp;z=2"),
        ('http://a.example/"onmouseover=x', "http://a.example/&quot;onmouseover=x"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("data:text/html,<script>", None),
        ("", None),
    ],
)
def test_only_http_links(url: str, expected: str | None) -> None:
    assert safe.safe_href(url) == expected


def test_article_card_escapes_every_web_string() -> None:
    card = safe.article_card(
        {
            "title": HOSTILE,
            "url": "javascript:alert(1)",
            "outlet": "<b>Outlet</b>",
            "day": "2025-01-01",
            "language": "en",
            "stance": "reports",
            "score": 0.91,
            "evidence": [{"text": "<script>x()</script>", "before": "<i>", "after": "</div>"}],
        }
    )
    assert "<img" not in card and "<script" not in card and "<b>" not in card
    assert "href" not in card  # a javascript: URL is not linked
    assert "&lt;img src=x onerror=alert(1)&gt;" in card
    assert "<mark>&lt;script&gt;x()&lt;/script&gt;</mark>" in card
    assert "&lt;/div&gt;" in card
