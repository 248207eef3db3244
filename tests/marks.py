"""The marks that keep `make test-fast` fast, and a guard that they are where they belong.

`make test-fast` deselects the tests marked ``crawl``, ``airflow``, ``browser``, ``bench``
and ``slow``. The first three are checked while the tests run: an audit hook sees every
process a test starts (its own, or a command line it runs that will start one) and a
test that starts a crawl, Airflow or a browser without the matching mark fails in its
teardown, naming the mark to add. ``bench`` and ``slow`` are judged by hand (the
durations table of ``make test`` shows the candidates).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import PurePath
from typing import Any

import pytest

# What a process's command line says about the mark its test needs.
CRAWL_MODULES = ("crawlers.crawl",)
# `narrmon run` and `narrmon demo` crawl in a grandchild the hook cannot see.
CRAWLING_COMMANDS = ("run", "demo")
NARRMON_ENTRY_POINTS = ("narrmon.cli", "narrmon")
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
AIRFLOW_SCRIPTS = ("airflow", "airflow-standalone.sh")

_current: dict[str, Any] = {"item": None, "seen": set()}


def marks_needed(argv: Sequence[str]) -> set[str]:
    """The marks a test needs for starting the process ``argv`` (empty: none)."""
    words = [str(a) for a in argv]
    names = [PurePath(w).name for w in words]
    needed: set[str] = set()
    module = words[words.index("-m") + 1] if "-m" in words[:-1] else None
    if module in CRAWL_MODULES:
        needed.add("crawl")
    if module == "airflow" or any(n in AIRFLOW_SCRIPTS for n in names[:2]):
        needed.add("airflow")
    if names and names[0] in BROWSERS:
        needed.add("browser")
    runs_narrmon = module in NARRMON_ENTRY_POINTS or (bool(names) and names[0] == "narrmon")
    if runs_narrmon and _first_command(words) in CRAWLING_COMMANDS:
        needed.add("crawl")
    return needed


def _first_command(words: Iterable[str]) -> str | None:
    """The first word of a `narrmon` command line that is a subcommand (not an option)."""
    after_entry = False
    skip_value = False
    for word in words:
        if not after_entry:
            after_entry = word in NARRMON_ENTRY_POINTS or PurePath(word).name == "narrmon"
            continue
        if skip_value:
            skip_value = False
        elif word.startswith("--"):
            skip_value = "=" not in word and word in ("--log-level",)
        else:
            return word
    return None


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event != "subprocess.Popen" or _current["item"] is None:
        return
    argv = args[1]
    if isinstance(argv, str | bytes):
        argv = [argv]
    _current["seen"] |= marks_needed([a if isinstance(a, str) else str(a) for a in argv or ()])


def pytest_configure(config: pytest.Config) -> None:
    """Register the audit hook once per (worker) process."""
    sys.addaudithook(_audit)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Start watching ``item`` (session fixtures it sets up count as its own)."""
    _current["item"] = item
    _current["seen"] = set()


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    """Fail ``item`` when it started a process its marks do not declare."""
    seen: set[str] = _current["seen"]
    _current["item"] = None
    missing = sorted(m for m in seen if item.get_closest_marker(m) is None)
    if missing:
        pytest.fail(
            f"{item.nodeid} starts {', '.join(missing)} processes: mark its file with "
            + ", ".join(f"pytest.mark.{m}" for m in missing)
            + " (see tests/marks.py)",
            pytrace=False,
        )
