"""The `narrmon` CLI: init, export and quarantine on both databases; clear errors."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.engine import make_url

from bench.seed import seed
from models import store
from models.db import make_engine, session_factory
from models.records import QuarantineRecord
from models.schema import Source
from narrmon.cli import main
from narrmon.settings import Settings
from tests.cli import run_cli
from tests.conftest import PG_ADMIN_URL

ROOT = Path(__file__).resolve().parents[2]


def run_process(*args: str) -> subprocess.CompletedProcess[str]:
    """`python -m narrmon.cli ARGS` in a subprocess: the entry point as users meet it."""
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
    res = run_cli("export", "--format", "parquet", "-o", str(out), "--force")
    assert res.returncode == 0 and "exported 30 rows" in res.stderr
    first = pq.read_table(out).to_pylist()
    assert run_cli("export", "--format", "parquet", "-o", str(out), "--force").returncode == 0
    assert pq.read_table(out).to_pylist() == first
    assert not list(tmp_path.glob("*.partial"))


def init_and_seed(settings: Settings, articles: int, days: int) -> None:
    """`narrmon init`, then ``articles`` synthetic articles from five sources."""
    assert run_cli("init").returncode == 0
    engine = make_engine(settings.database_url)
    with session_factory(engine)() as session:
        seed(session, articles, n_sources=5, days=days, words=10)
    engine.dispose()


def test_export_jsonl_to_stdout_with_filters(settings: Settings) -> None:
    init_and_seed(settings, 50, days=10)
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
    safe = run_cli(
        "export", "--format", "csv", "-o", "-", "--formula-safe", "--source", "src-02",
        "--narrative", "encirclement", "--since", "2025-01-01",
    )  # fmt: skip
    assert safe.returncode == 0, safe.stderr
    assert [int(r["article_id"]) for r in csv.DictReader(io.StringIO(safe.stdout))] == [
        r["article_id"] for r in rows
    ]
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


def test_entry_point_version_and_log_level_choice() -> None:
    res = run_process("--version")
    assert res.returncode == 0 and res.stdout.startswith("narrmon, version ")
    res = run_process("--log-level", "LOUD", "health")
    assert res.returncode == 2 and "LOUD" in res.stderr and "Traceback" not in res.stderr
    helped = CliRunner().invoke(main, ["--help"])
    assert "Exit codes:" in helped.output and "no source succeeded" in helped.output


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database narrmon has never touched: no SQLite file, or an empty PostgreSQL one."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh' / 'narrmon.sqlite3'}"
        return
    admin: Engine = request.getfixturevalue("pg_admin")
    name = f"narrmon_empty_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.mark.parametrize(
    "command",
    [
        ["health"],
        ["export", "--format", "csv"],
        ["quarantine", "list"],
        ["quarantine", "replay", "--all"],
        ["retag"],
        ["reextract"],
    ],
)
def test_read_commands_before_init_say_so_and_create_nothing(
    command: list[str], empty_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NARRMON_DATABASE_URL", empty_db_url)
    monkeypatch.setenv("NARRMON_DATA_DIR", str(tmp_path / "data"))
    res = run_cli(*command)
    assert res.returncode == 1, res.stderr
    assert res.stdout == ""
    (line,) = res.stderr.strip().splitlines()
    assert line.startswith("error: ") and line.endswith("run `narrmon init` first")
    assert not (tmp_path / "fresh").exists()
    if empty_db_url.startswith("postgresql"):
        engine = make_engine(empty_db_url)
        assert inspect(engine).get_table_names() == []
        engine.dispose()


def test_concurrent_first_inits_take_turns(
    empty_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NARRMON_DATABASE_URL", empty_db_url)
    monkeypatch.setenv("NARRMON_DATA_DIR", str(tmp_path / "data"))
    cmd = [sys.executable, "-m", "narrmon.cli", "init"]
    procs = [
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err[-1500:] for _, err in outs]
    assert all("database ready" in out for out, _ in outs)


def test_export_checks_filters_and_outputs(settings: Settings, tmp_path: Path) -> None:
    init_and_seed(settings, 20, days=5)
    res = run_cli(
        "export", "--format", "csv", "--narrative", "no-such", "--narrative", "encirclement"
    )
    assert res.returncode == 1 and "unknown narrative id(s) no-such; known: " in res.stderr
    assert "broken-promise" in res.stderr and "encirclement, " in res.stderr
    res = run_cli("export", "--format", "csv", "--source", "nope")
    assert res.returncode == 1 and "unknown source id(s) nope; known: " in res.stderr
    res = run_cli("export", "--format", "csv", "--since", "2025-02-01", "--until", "2025-01-01")
    assert res.returncode == 1 and "--since 2025-02-01 is after --until 2025-01-01" in res.stderr
    res = run_cli("export", "--format", "csv", "--language", "russian")
    assert res.returncode == 1 and "two-letter ISO 639-1" in res.stderr
    lower = run_cli("export", "--format", "jsonl", "--language", "ru")
    upper = run_cli("export", "--format", "jsonl", "--language", "RU")
    assert upper.returncode == 0 and upper.stdout == lower.stdout and lower.stdout
    out = tmp_path / "out.csv"
    out.write_text("keep me", encoding="utf-8")
    res = run_cli("export", "--format", "csv", "-o", str(out))
    assert res.returncode == 1 and "exists; pass --force" in res.stderr
    assert out.read_text(encoding="utf-8") == "keep me"
    assert run_cli("export", "--format", "csv", "-o", str(out), "--force").returncode == 0
    assert out.read_text(encoding="utf-8").startswith("article_id,")
    res = run_cli("export", "--format", "parquet", "-o", str(tmp_path))
    assert res.returncode == 1 and "is a directory" in res.stderr
    assert "Traceback" not in res.stderr
    assert not list(tmp_path.rglob("*.partial"))


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_read_only_commands_leave_the_database_file_alone(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_cli("init").returncode == 0
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(make_url(settings.database_url).database or "", copy / "narrmon.sqlite3")
    before = (copy / "narrmon.sqlite3").read_bytes()
    os.chmod(copy / "narrmon.sqlite3", 0o444)
    monkeypatch.setenv("NARRMON_DATABASE_URL", f"sqlite:///{copy / 'narrmon.sqlite3'}")
    for command in (["export", "--format", "csv"], ["quarantine", "list"], ["health"]):
        res = run_cli(*command)
        assert res.returncode in (0, 1) and "Traceback" not in res.stderr, res.stderr
        assert "readonly" not in res.stderr
    assert run_cli("export", "--format", "csv").returncode == 0
    assert (copy / "narrmon.sqlite3").read_bytes() == before


def test_bad_ids_and_ranges_are_refused(settings: Settings) -> None:
    assert run_cli("init").returncode == 0
    res = run_cli("quarantine", "replay", "--id", "99")
    assert res.returncode == 1 and "no pending quarantine item with id 99" in res.stderr
    res = run_cli("retag", "--batch-size", "-5")
    assert res.returncode == 2 and "-5 is not in the range x>=1" in res.stderr
    res = run_cli("dashboard", "--port", "99999")
    assert res.returncode == 2 and "99999 is not in the range 1<=x<=65535" in res.stderr
