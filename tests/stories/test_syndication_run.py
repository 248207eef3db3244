"""Issue 14 end to end: one wire story reprinted by three outlets is one story after
`narrmon run`; the outlets' independent reports of the same event stay apart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from narrmon.settings import Settings
from tests.cli import run_cli
from tests.stories.syndication_sites import assert_one_wire_story, serve_outlets

pytestmark = pytest.mark.crawl


def test_three_wire_copies_are_one_story(settings: Settings, tmp_path: Path) -> None:
    with serve_outlets(tmp_path / "sites") as sources:
        run = run_cli("run", "--sources", str(sources), "--json")
    assert run.returncode == 0, run.stderr[-3000:]
    assert json.loads(run.stdout)["totals"]["new"] == 6
    assert_one_wire_story(settings.database_url)
    # Re-clustering what is stored changes nothing: the load path and restory agree.
    again = run_cli("restory")
    assert again.returncode == 0, again.stderr[-3000:]
    assert "0 changed story" in again.stdout
    assert_one_wire_story(settings.database_url)
