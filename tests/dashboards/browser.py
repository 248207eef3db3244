"""A real browser for the dashboard tests: Debian's headless Chromium, driven over the
DevTools protocol, on dashboards served by `narrmon dashboard`'s own command line.

Streamlit renders over a websocket after the page loads, so the helpers poll the DOM until
what a test waits for is drawn (no fixed virtual-time budget). Screenshots go to
test-artifacts/. Chromium missing: a test fails under CI=true (install the `chromium`
package), skips elsewhere. Used by tests/dashboards/test_browser.py (a seeded database) and
tests/ingest/test_demo_config.py (the demo's own data).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect

from narrmon.dashboard import dashboard_command, dashboard_environment
from narrmon.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",  # tests run as root in a container
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-port=0",  # Chromium picks a free port, written to DevToolsActivePort
    "--window-size=1400,1100",
)
# Streamlit's cold start (imports, first script run) and Chromium's on a loaded 2-core
# machine take seconds each; these bound a hang, they are not expected durations.
SERVER_START_S = 90
BROWSER_START_S = 30
RENDER_S = 120
LEGEND_JS = (
    "Array.from(document.querySelectorAll('[data-testid=\"stPlotlyChart\"] .legendtext'))"
    ".map(e => e.textContent)"
)


def stop(proc: subprocess.Popen[Any]) -> None:
    """Terminate a server or browser process; kill it if it lingers past the grace time."""
    proc.terminate()
    try:
        proc.wait(timeout=15)  # Streamlit and Chromium exit within a few seconds
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def chromium() -> str:
    path = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if path is None:
        message = "chromium is not installed: `apt-get install -y chromium` (Debian package)"
        if IN_CI:
            pytest.fail(message + " (CI=true: the browser test must run)")
        pytest.skip(message)
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(what: str, deadline_s: float, probe: Any) -> Any:
    deadline = time.monotonic() + deadline_s
    last: Any = None
    while time.monotonic() < deadline:
        last = probe()
        if last:
            return last
        time.sleep(0.25)  # DOM polls are cheap; 4 a second keeps the test snappy
    raise AssertionError(f"timed out after {deadline_s:.0f}s waiting for {what} (last: {last!r})")


class DevTools:
    """A minimal Chrome DevTools Protocol client over one page target's websocket."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=RENDER_S))
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                return dict(message.get("result", {}))
            self.events.append(message)
            if message.get("method") == "Page.javascriptDialogOpening":
                raise AssertionError(f"a script ran in the page: {message['params']}")

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def screenshot(self, path: Path) -> None:
        import base64

        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))


@contextmanager
def serve_dashboard(url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """`narrmon dashboard`'s command on the database at ``url``; yields the base URL."""
    monkeypatch.setenv("NARRMON_DATABASE_URL", url)
    monkeypatch.setenv("NARRMON_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("NARRMON_DASHBOARD_DATABASE_URL", raising=False)
    port = free_port()
    env = dashboard_environment(load_settings())
    env["STREAMLIT_SERVER_ADDRESS"] = "127.0.0.1"  # STREAMLIT_SERVER_* is honoured
    env["STREAMLIT_SERVER_FILE_WATCHER_TYPE"] = "none"
    log_path = tmp_path / "streamlit.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(
        dashboard_command(port), env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path
    )
    base = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        if proc.poll() is not None:
            raise AssertionError(f"streamlit exited: {log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                return bool(response.status == 200)
        except OSError:
            return False

    try:
        wait_until("the Streamlit server", SERVER_START_S, healthy)
        yield base
    finally:
        stop(proc)
        log.close()


@contextmanager
def open_browser(tmp_path: Path) -> Iterator[DevTools]:
    """Headless Chromium with a fresh profile, attached over the DevTools protocol (the
    ``browser`` fixture of tests/conftest.py)."""
    profile = tmp_path / "chromium-profile"
    profile.mkdir()
    proc = subprocess.Popen(
        [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        wait_until("Chromium's DevTools port", BROWSER_START_S, port_file.exists)
        wait_until("the port number", 5, lambda: port_file.read_text().strip())
        port = int(port_file.read_text().splitlines()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as resp:
            targets = json.loads(resp.read())
        page = next(t for t in targets if t.get("type") == "page")
        with connect(page["webSocketDebuggerUrl"], max_size=None, open_timeout=10) as ws:
            tools = DevTools(ws)
            tools.call("Page.enable")
            tools.call("Runtime.enable")
            yield tools
    finally:
        stop(proc)


def tall_viewport(browser: DevTools, height: int = 2600) -> None:
    """A tall viewport, so a page's every chart is drawn (and held by a screenshot)."""
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        width=1400,
        height=height,
        deviceScaleFactor=1,
        mobile=False,
    )


LEGEND_JS = (
    "Array.from(document.querySelectorAll('[data-testid=\"stPlotlyChart\"] .legendtext'))"
    ".map(e => e.textContent)"
)


def text_appears(browser: DevTools, *needles: str) -> str:
    """Wait until the page's text holds every needle; returns the text.

    On a time-out the page's text and a screenshot are left in the artifacts folder, and
    the message names the needles that never appeared.
    """
    try:
        return str(
            wait_until(
                f"the text {needles!r}",
                RENDER_S,
                lambda: (
                    (text := browser.evaluate("document.body.innerText"))
                    and all(n in text for n in needles)
                    and text
                ),
            )
        )
    except AssertionError:
        text = str(browser.evaluate("document.body.innerText") or "")
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "last-page-text.txt").write_text(text, encoding="utf-8")
        browser.screenshot(ARTIFACTS / "last-page.png")
        missing = [n for n in needles if n not in text]
        raise AssertionError(f"never appeared: {missing!r} (page text in {ARTIFACTS})") from None


def walk_analyst_tasks(
    browser: DevTools,
    base: str,
    *,
    compare_narrative: str,
    compare_groups: set[str],
    promoting_narrative: str,
    shots: str = "dashboard",
) -> None:
    """Issue 18's eight analyst tasks, each one link (plus at most two clicks).

    ``compare_narrative`` is compared across media types, whose lines must include
    ``compare_groups``; ``promoting_narrative`` has at least ten promoting articles, whose
    citations the analyst copies. Screenshots: test-artifacts/<shots>-*-tasks.png.
    """
    tall_viewport(browser, height=4000)
    # 1. Rising vs usual, and where: one page load.
    browser.call("Page.navigate", url=base + "/?grain=week")
    # (the table itself is drawn on a canvas: its caption names the drivers rule)
    # 4. Share disputing vs promoting; 7. readable Trends (UTC stated, plain axes). The page
    # renders progressively: wait for its last sections, not only its first.
    text_appears(
        browser,
        "Now vs usual",
        "Drivers: outlets",
        "Latest complete week",
        "Dates are UTC",
        "Stance: promoting, reporting or disputing",
    )
    wait_until(
        "the stance legend",
        RENDER_S,
        lambda: {"Promotes", "Reports", "Disputes"} <= set(browser.evaluate(LEGEND_JS)),
    )
    # 6. The data behind a chart: a download per chart.
    wait_until(
        "a CSV download under every chart",
        RENDER_S,
        lambda: (
            browser.evaluate("document.body.innerText").count("Data behind this chart (CSV)") >= 4
        ),
    )
    browser.screenshot(ARTIFACTS / f"{shots}-trends-tasks.png")

    # 2. State media vs public broadcasters on one chart, one axis: one link.
    browser.call(
        "Page.navigate",
        url=base + f"/?compare=media_type&compare_narrative={compare_narrative}",
    )
    text_appears(browser, "Compare groups on one axis")
    wait_until(
        "the compare lines",
        RENDER_S,
        lambda: compare_groups <= set(browser.evaluate(LEGEND_JS)),
    )

    # 3. Evidence for ten promoting articles, as citations: a link and one click.
    browser.call(
        "Page.navigate",
        url=base + f"/narrative?narrative={promoting_narrative}&cards_stance=promotes",
    )
    text_appears(browser, "Copy citations of these", "First movers", "Co-occurrence matrix")
    browser.evaluate(
        "Array.from(document.querySelectorAll('summary'))"
        ".find(s => s.textContent.includes('Copy citations')).click()"
    )
    citations = wait_until(
        "the citations",
        RENDER_S,
        lambda: browser.evaluate(
            "Array.from(document.querySelectorAll('[data-testid=\"stCode\"] code'))"
            ".map(c => c.textContent).find(t => t.includes('(UTC). http'))"
        ),
    )
    lines = [c for c in str(citations).split("\n\n") if c.strip()]
    assert len(lines) >= 10 and all("(UTC). http" in c for c in lines)
    # the cards stream in after the citations (one script run renders top to bottom)
    wait_until(
        "ten promoting cards",
        RENDER_S,
        lambda: browser.evaluate("document.body.innerText").count("stance: promotes") >= 10,
    )
    assert browser.evaluate("document.body.innerText").count("stance: promotes") >= 10
    assert "stance: disputes" not in browser.evaluate("document.body.innerText")
    browser.screenshot(ARTIFACTS / f"{shots}-evidence-tasks.png")
    # 5. Co-occurrence matrix and first movers on the same page.
    wait_until(
        "the co-occurrence heatmap",
        RENDER_S,
        lambda: browser.evaluate("document.querySelectorAll('.heatmaplayer, .hm').length") >= 1,
    )

    # 8. Keyboard: Tab reaches the sidebar filters without a mouse.
    reached = set()
    for _ in range(40):
        browser.call("Input.dispatchKeyEvent", type="keyDown", key="Tab", code="Tab")
        browser.call("Input.dispatchKeyEvent", type="keyUp", key="Tab", code="Tab")
        label = browser.evaluate(
            "(document.activeElement && (document.activeElement.getAttribute('aria-label')"
            " || document.activeElement.textContent || '')).slice(0, 80)"
        )
        reached.add(str(label))
    assert any("Stance" in r or "Narratives" in r or "Outlets" in r for r in reached), reached
