"""The one settings registry: every environment variable narrative-monitor reads.

Each setting is documented here, in `.env.example` and in the README; a test checks
that the three agree.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_USER_AGENT = (
    "narrative-monitor/0.1 (+https://github.com/narrative-monitor/narrative-monitor; "
    "media monitoring research crawler)"
)


@dataclass(frozen=True)
class Setting:
    """One environment variable: its name, default and meaning."""

    name: str
    default: str | None
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "NARRMON_DATABASE_URL",
        None,
        "SQLAlchemy URL of the narrmon database; default sqlite:///<DATA_DIR>/narrmon.sqlite3. "
        "PostgreSQL: postgresql+psycopg://user:password@host:5432/narrmon",
    ),
    Setting(
        "NARRMON_DASHBOARD_DATABASE_URL",
        None,
        "URL the dashboards read through (a read-only role in production); "
        "default NARRMON_DATABASE_URL, opened read-only.",
    ),
    Setting("NARRMON_SOURCES", "config/sources.yaml", "The sources file (YAML)."),
    Setting(
        "NARRMON_DATA_DIR",
        "data",
        "Where the SQLite file, WARC archive, exports, quality docs and staged batches live.",
    ),
    Setting(
        "NARRMON_USER_AGENT",
        DEFAULT_USER_AGENT,
        "User agent of the crawler: the product name and a contact URL.",
    ),
    Setting(
        "NARRMON_WORKERS", "0", "Extraction worker processes per run; 0 means one per CPU core."
    ),
    Setting(
        "NARRMON_CRAWL_TIMEOUT",
        "3600",
        "Seconds a crawl process may take before it is stopped and marked failed (all sources"
        " of a `narrmon run` crawl side by side in one process).",
    ),
    Setting("NARRMON_LOG_LEVEL", "INFO", "Log level of the CLI and the crawl processes."),
    Setting(
        "NARRMON_INGEST_SCHEDULE",
        "@hourly",
        "Airflow: schedule of the narrmon_ingest DAG (preset or cron expression).",
    ),
    Setting(
        "NARRMON_CRAWL_CONCURRENCY",
        "4",
        "Airflow: how many sources the narrmon_ingest DAG crawls at once.",
    ),
    Setting(
        "NARRMON_EXPORT_SCHEDULE",
        "asset",
        "Airflow: schedule of narrmon_export; 'asset' runs it after each ingest updates the data.",
    ),
    Setting(
        "NARRMON_TASK_RETRIES",
        None,
        "Airflow: retries per task; default 3 for ingest, 2 for export, 1 for retag.",
    ),
    Setting(
        "NARRMON_TASK_RETRY_DELAY",
        "120",
        "Airflow: seconds before narrmon_ingest's first retry (doubling after).",
    ),
)


@dataclass(frozen=True)
class Settings:
    """Resolved settings of one process."""

    database_url: str
    dashboard_database_url: str
    sources_path: Path
    data_dir: Path
    user_agent: str
    workers: int
    crawl_timeout: float
    log_level: str

    @property
    def archive_dir(self) -> Path:
        """Where crawl runs write their WARC files."""
        return self.data_dir / "archive"

    @property
    def exports_dir(self) -> Path:
        """Where dataset snapshots are written."""
        return self.data_dir / "exports"

    @property
    def staging_dir(self) -> Path:
        """Where crawl processes stage their outputs before load."""
        return self.data_dir / "staging"

    @property
    def quality_dir(self) -> Path:
        """Where the quality gate keeps its data context and Data Docs."""
        return self.data_dir / "quality"


def _get(env: Mapping[str, str], name: str) -> str:
    for setting in SETTINGS:
        if setting.name == name:
            value = env.get(name)
            if value not in (None, ""):
                return str(value)
            return setting.default or ""
    raise KeyError(name)


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read the settings from the environment (or ``env``), applying defaults."""
    env = os.environ if env is None else env
    data_dir = Path(_get(env, "NARRMON_DATA_DIR"))
    database_url = _get(env, "NARRMON_DATABASE_URL") or f"sqlite:///{data_dir}/narrmon.sqlite3"
    workers = int(_get(env, "NARRMON_WORKERS"))
    if workers <= 0:
        workers = os.cpu_count() or 1
    return Settings(
        database_url=database_url,
        dashboard_database_url=_get(env, "NARRMON_DASHBOARD_DATABASE_URL") or database_url,
        sources_path=Path(_get(env, "NARRMON_SOURCES")),
        data_dir=data_dir,
        user_agent=_get(env, "NARRMON_USER_AGENT"),
        workers=workers,
        crawl_timeout=float(_get(env, "NARRMON_CRAWL_TIMEOUT")),
        log_level=_get(env, "NARRMON_LOG_LEVEL").upper(),
    )
