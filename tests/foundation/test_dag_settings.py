"""The DAG files read their settings through the registry: validated, with clear errors,
and without importing anything beyond the standard library at parse time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from narrmon.settings import SettingsError, dag_settings, load_settings

ROOT = Path(__file__).resolve().parents[2]


def test_defaults_and_overrides() -> None:
    plain = dag_settings({})
    assert (plain.ingest_schedule, plain.export_schedule) == ("@hourly", "asset")
    assert plain.crawl_concurrency == 4 and plain.crawl_timeout == 3600.0
    assert plain.retries(3) == 3 and plain.task_retry_delay == 120.0
    tuned = dag_settings(
        {
            "NARRMON_INGEST_SCHEDULE": "*/10 * * * *",
            "NARRMON_CRAWL_CONCURRENCY": "2",
            "NARRMON_TASK_RETRIES": "0",
            "NARRMON_TASK_RETRY_DELAY": "1.5",
        }
    )
    assert tuned.ingest_schedule == "*/10 * * * *" and tuned.crawl_concurrency == 2
    assert tuned.retries(3) == 0 and tuned.task_retry_delay == 1.5


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("NARRMON_CRAWL_CONCURRENCY", "0"),
        ("NARRMON_CRAWL_CONCURRENCY", "four"),
        ("NARRMON_TASK_RETRIES", "-1"),
        ("NARRMON_TASK_RETRY_DELAY", "soon"),
        ("NARRMON_CRAWL_TIMEOUT", "0"),
    ],
)
def test_a_bad_value_names_the_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        dag_settings({name: value})


def test_the_dashboard_override_is_checked_too() -> None:
    with pytest.raises(SettingsError, match="NARRMON_DASHBOARD_DATABASE_URL"):
        load_settings({"NARRMON_DASHBOARD_DATABASE_URL": "postgres://u@h/db"})
    url = "postgresql+psycopg://reader@db/narrmon"
    assert load_settings({"NARRMON_DASHBOARD_DATABASE_URL": url}).dashboard_database_url == url


def test_the_registry_imports_only_the_standard_library() -> None:
    code = (
        "import sys\n"
        "before = set(sys.modules)\n"
        "import narrmon.settings\n"
        "new = {m.split('.')[0] for m in set(sys.modules) - before}\n"
        "print(','.join(sorted(m for m in new if m not in sys.stdlib_module_names)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "narrmon"
