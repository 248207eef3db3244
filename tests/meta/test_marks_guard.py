"""The guard of tests/marks.py: which started processes call for which mark."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.marks import marks_needed

PY = sys.executable
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([PY, "-m", "crawlers.crawl", "job.json"], {"crawl"}),
        ([PY, "-m", "narrmon.cli", "run", "--json"], {"crawl"}),
        ([PY, "-m", "narrmon.cli", "--log-level", "DEBUG", "demo"], {"crawl"}),
        (["/venv/bin/narrmon", "run"], {"crawl"}),
        ([PY, "-m", "narrmon.cli", "export", "--format", "csv"], set()),
        ([PY, "-m", "narrmon.cli", "quarantine", "replay"], set()),
        ([PY, "-m", "airflow", "dags", "test", "narrmon_ingest"], {"airflow"}),
        (["bash", "/repo/scripts/airflow-standalone.sh"], {"airflow"}),
        (["/usr/bin/chromium", "--headless=new"], {"browser"}),
        ([PY, "-c", "print('run')"], set()),
        (["git", "ls-files"], set()),
    ],
)
def test_marks_needed_by_a_command_line(argv: list[str], expected: set[str]) -> None:
    assert marks_needed(argv) == expected


UNMARKED = """
import subprocess, sys

def test_starts_a_browser():
    # argv[0] says chromium; the interpreter runs it and exits at once.
    subprocess.run(["chromium", "-c", "pass"], executable=sys.executable, check=True)
"""


def test_an_unmarked_test_that_starts_a_browser_fails(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makepyfile(test_unmarked=UNMARKED)
    result = pytester.runpytest_subprocess("-p", "tests.marks")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        ["*starts browser processes: mark its file with pytest.mark.browser*"]
    )


def test_a_marked_test_that_starts_a_browser_passes(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makepyfile(test_marked="import pytest\npytestmark = pytest.mark.browser\n" + UNMARKED)
    pytester.makeini("[pytest]\nmarkers =\n    browser: a browser\n")
    result = pytester.runpytest_subprocess("-p", "tests.marks")
    result.assert_outcomes(passed=1)
