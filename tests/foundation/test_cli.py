"""The `narrmon` CLI: init, export and quarantine on both databases; clear errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from bench.seed import seed
from models import store
from models.db import make_engine, session_factory
from models.records import QuarantineRecord
from models.schema import Source
from narrmon.cli import main
from narrmon.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "narrmon.cli", *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=120,
        check=False,
    )


def test_init_then_export_parquet_on_empty_and_seeded(settings: Settings, tmp_path: Path) -> None:
    res = run_cli("init")
    assert res.returncode == 0, res.stderr
    assert "sources" in res.stdout
    assert run_cli("init").returncode == 0  # idempotent
    engine = make_engine(settings.database_url)
    with session_factory(engine)() as session:
        assert (session.scalar(select(func.count()).select_from(Source)) or 0) >= 25
    out = tmp_path / "out.parquet"
    res = run_cli("export", "--format", "parquet", "-o", str(out))
    assert res.returncode == 0, res.stderr
    assert pq.read_table(out).num_rows == 0
    with session_factory(engine)() as session:
        seed(session, 30, n_sources=3, days=5, words=10)
    engine.dispose()
    res = run_cli("export", "--format", "parquet", "-o", str(out))
    assert res.returncode == 0 and "exported 30 rows" in res.stderr
    first = pq.read_table(out).to_pylist()
    assert run_cli("export", "--format", "parquet", "-o", str(out)).returncode == 0
    assert pq.read_table(out).to_pylist() == first
    assert not list(tmp_path.glob("*.partial"))


def test_export_jsonl_to_stdout_with_filters(settings: Settings) -> None:
    assert run_cli("init").returncode == 0
    engine = make_engine(settings.database_url)
    with session_factory(engine)() as session:
        seed(session, 50, n_sources=5, days=10, words=10)
    engine.dispose()
    res = run_cli(
        "export",
        "--format",
        "jsonl",
        "-o",
        "-",
        "--source",
        "src-02",
        "--narrative",
        "encirclement",
        "--since",
        "2025-01-01",
    )
    assert res.returncode == 0, res.stderr
    rows = [json.loads(x) for x in res.stdout.splitlines()]
    assert rows and {r["source_id"] for r in rows} == {"src-02"}
    assert run_cli("export", "--format", "parquet", "-o", "-").returncode == 1
    # Outlet filters: media type and country (case-insensitive), as on the dashboards.
    res = run_cli(
        "export", "--format", "jsonl", "--media-type", "state-affiliated", "--country", "ru"
    )
    assert res.returncode == 0, res.stderr
    rows = [json.loads(x) for x in res.stdout.splitlines()]
    assert rows and {(r["media_type"], r["country"]) for r in rows} == {("state-affiliated", "RU")}
    res = run_cli("export", "--format", "jsonl", "--media-type", "tabloid")
    assert res.returncode == 2 and "tabloid" in res.stderr


def test_quarantine_list_table_and_jsonl(settings: Settings) -> None:
    assert run_cli("init").returncode == 0
    engine = make_engine(settings.database_url)
    with session_factory(engine)() as session:
        store.quarantine_item(
            session,
            QuarantineRecord(
                "https://tass.com/x", "tass-en", ["text_too_short"], None, payload={"text": "x"}
            ),
        )
        session.commit()
    engine.dispose()
    res = run_cli("quarantine", "list")
    assert res.returncode == 0 and "text_too_short" in res.stdout and "tass-en" in res.stdout
    res = run_cli("quarantine", "list", "--format", "jsonl")
    (row,) = [json.loads(x) for x in res.stdout.splitlines()]
    assert row["reasons"] == ["text_too_short"] and row["url"] == "https://tass.com/x"


def test_malformed_sources_file_is_named(settings: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "sources.yaml"
    bad.write_text(
        "sources:\n  - id: herald\n    name: H\n    homepage: https://h.example/\n"
        "    feeds: [{type: rss, url: https://h.example/rss}]\n    language: en\n"
        "    country: GB\n    media_type: tabloid\n",
        encoding="utf-8",
    )
    res = run_cli("init", "--sources", str(bad))
    assert res.returncode == 1
    assert "source #1 (id 'herald'): field 'media_type'" in res.stderr


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_unreachable_database_is_a_clear_error(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "NARRMON_DATABASE_URL", "postgresql+psycopg://nobody:secret@127.0.0.1:1/none"
    )
    res = run_cli("init")
    assert res.returncode == 1
    assert "database unreachable" in res.stderr and "secret" not in res.stderr


def test_help_everywhere() -> None:
    runner = CliRunner()
    for args in (
        [],
        ["init"],
        ["export"],
        ["quarantine"],
        ["quarantine", "list"],
        ["run"],
        ["retag"],
        ["reextract"],
        ["dashboard"],
        ["demo"],
        ["health"],
    ):
        res = runner.invoke(main, [*args, "--help"])
        assert res.exit_code == 0 and "Usage:" in res.output, args


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"NARRMON_WORKERS": "four"}, "NARRMON_WORKERS='four': expected a whole number"),
        ({"NARRMON_CRAWL_TIMEOUT": "1h"}, "NARRMON_CRAWL_TIMEOUT='1h': expected a number"),
        ({"NARRMON_SOURCE_DEADLINE": "-5"}, "NARRMON_SOURCE_DEADLINE='-5'"),
        ({"NARRMON_LOG_LEVEL": "LOUD"}, "NARRMON_LOG_LEVEL='LOUD': expected one of DEBUG"),
        (
            {"NARRMON_DATABASE_URL": "postgres://u:secret@db/nm"},
            "expected postgresql+psycopg:// in place of postgres://",
        ),
    ],
)
def test_bad_settings_get_one_line(
    env: dict[str, str], expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    res = run_cli("health")
    assert res.returncode == 1
    assert res.stderr.strip().splitlines() == [f"error: {res.stderr.strip()[7:]}"]
    assert expected in res.stderr and "secret" not in res.stderr


def test_version_and_log_level_choice() -> None:
    res = run_cli("--version")
    assert res.returncode == 0 and res.stdout.startswith("narrmon, version ")
    res = run_cli("--log-level", "LOUD", "health")
    assert res.returncode == 2 and "LOUD" in res.stderr and "Traceback" not in res.stderr
    helped = CliRunner().invoke(main, ["--help"])
    assert "Exit codes:" in helped.output and "no source succeeded" in helped.output
