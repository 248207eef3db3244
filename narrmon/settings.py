"""The one settings registry: every environment variable narrative-monitor reads.

Each setting is documented here, in `.env.example` and in the README; a test checks
that the three agree. Every reader goes through :func:`load_settings` (the core, the
dashboards) or :func:`dag_settings` (the DAG files at parse time); both validate and
name the variable in the error. Standard library only, so a DAG file stays light.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from narrmon.errors import NarrmonError

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
        "NARRMON_VECTOR_CACHE",
        None,
        "File of sentence vectors the tagger's encoder computed, shared by the runs, tasks and"
        " workers of this machine; default <DATA_DIR>/cache/sentence-vectors.sqlite3, 'off'"
        " for none.",
    ),
    Setting(
        "NARRMON_CRAWL_TIMEOUT",
        "3600",
        "Seconds a crawl process may take before it is stopped and marked failed (all sources"
        " of a `narrmon run` crawl side by side in one process).",
    ),
    # 900 s: a source capped at max_articles_per_run fetches a few hundred pages at the polite
    # 1.5 s delay in well under 15 minutes; beyond that it is stuck, not slow.
    Setting(
        "NARRMON_SOURCE_DEADLINE",
        "900",
        "Seconds one source's crawl may take; the source then stops with what it fetched and"
        " the rest of the run goes on (0: no per-source deadline).",
    ),
    Setting(
        "NARRMON_LOG_LEVEL",
        "INFO",
        "Log level of the CLI (DEBUG, INFO, WARNING, ERROR); third-party libraries log at"
        " WARNING unless it is DEBUG.",
    ),
    Setting(
        "NARRMON_STORY_WINDOW_DAYS",
        "7",
        "Days apart two copies of one story may be published and still share its story id.",
    ),
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
    story_window_days: int = 7
    source_deadline: float = 0.0
    vector_cache: Path | None = None  # None: each process keeps its sentence vectors

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


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class SettingsError(NarrmonError):
    """A setting whose value cannot be used: names the variable, the value and what is expected."""

    def __init__(self, name: str, value: str, expected: str) -> None:
        super().__init__(f"{name}={value!r}: expected {expected}")


def _get(env: Mapping[str, str], name: str) -> str:
    for setting in SETTINGS:
        if setting.name == name:
            value = env.get(name)
            if value not in (None, ""):
                return str(value).strip()
            return setting.default or ""
    raise KeyError(name)


def _number(env: Mapping[str, str], name: str, expected: str, *, minimum: float) -> float:
    raw = _get(env, name)
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(name, raw, expected) from None
    if not value >= minimum or value == float("inf"):
        raise SettingsError(name, raw, expected)
    return value


def _whole(env: Mapping[str, str], name: str, expected: str, *, minimum: int) -> int:
    raw = _get(env, name)
    if not raw.isdigit() or int(raw) < minimum:
        raise SettingsError(name, raw, expected)
    return int(raw)


def _workers(env: Mapping[str, str]) -> int:
    raw = _get(env, "NARRMON_WORKERS")
    expected = "a whole number >= 0 (0: one per CPU core)"
    if not raw.isdigit():
        raise SettingsError("NARRMON_WORKERS", raw, expected)
    return int(raw) or os.cpu_count() or 1


def _redacted(url: str) -> str:
    """``url`` without its user and password."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.rsplit('@', 1)[-1]}" if rest else url


def check_database_url(url: str, name: str = "NARRMON_DATABASE_URL") -> str:
    """``url`` when its scheme names a driver narrmon ships; a SettingsError with the fix if not."""
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme in ("postgres", "postgresql", "postgresql+psycopg2"):
        hint = f"postgresql+psycopg:// in place of {scheme}:// (psycopg 3 is the driver installed)"
        raise SettingsError(name, _redacted(url), hint)
    if not scheme.startswith(("sqlite", "postgresql+psycopg")):
        raise SettingsError(
            name, _redacted(url), "sqlite:///PATH or postgresql+psycopg://USER@HOST/DB"
        )
    return url


def log_level(value: str, name: str = "NARRMON_LOG_LEVEL") -> str:
    """``value`` upper-cased when it is a log level; a SettingsError if not."""
    level = value.strip().upper()
    if level not in LOG_LEVELS:
        raise SettingsError(name, value, "one of " + ", ".join(LOG_LEVELS))
    return level


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read and validate the settings from the environment (or ``env``), applying defaults.

    A value that cannot be used raises :class:`SettingsError` naming it.
    """
    env = os.environ if env is None else env
    data_dir = Path(_get(env, "NARRMON_DATA_DIR"))
    database_url = check_database_url(
        _get(env, "NARRMON_DATABASE_URL") or f"sqlite:///{data_dir}/narrmon.sqlite3"
    )
    dashboard_url = _get(env, "NARRMON_DASHBOARD_DATABASE_URL")
    if dashboard_url:
        check_database_url(dashboard_url, "NARRMON_DASHBOARD_DATABASE_URL")
    return Settings(
        database_url=database_url,
        dashboard_database_url=dashboard_url or database_url,
        sources_path=Path(_get(env, "NARRMON_SOURCES")),
        data_dir=data_dir,
        user_agent=_get(env, "NARRMON_USER_AGENT"),
        workers=_workers(env),
        crawl_timeout=_number(
            env, "NARRMON_CRAWL_TIMEOUT", "a number of seconds > 0, e.g. 3600", minimum=1e-9
        ),
        log_level=log_level(_get(env, "NARRMON_LOG_LEVEL")),
        source_deadline=_number(
            env, "NARRMON_SOURCE_DEADLINE", "a number of seconds >= 0 (0: none)", minimum=0
        ),
        story_window_days=int(
            _number(env, "NARRMON_STORY_WINDOW_DAYS", "a whole number of days >= 1", minimum=1)
        ),
        vector_cache=_vector_cache(env, data_dir),
    )


def default_vector_cache(data_dir: Path) -> Path:
    """The file of shared sentence vectors when NARRMON_VECTOR_CACHE is unset."""
    return data_dir / "cache" / "sentence-vectors.sqlite3"


def _vector_cache(env: Mapping[str, str], data_dir: Path) -> Path | None:
    """NARRMON_VECTOR_CACHE: a file path, 'off', or unset for the data folder's."""
    value = _get(env, "NARRMON_VECTOR_CACHE")
    if value.lower() == "off":
        return None
    return Path(value) if value else default_vector_cache(data_dir)


@dataclass(frozen=True)
class DagSettings:
    """The settings the DAG files read when Airflow parses them."""

    ingest_schedule: str
    export_schedule: str  # "asset": after each ingest run; else a preset or cron
    crawl_concurrency: int
    crawl_timeout: float
    task_retries: int | None  # None: each DAG's own default
    task_retry_delay: float

    def retries(self, default: int) -> int:
        """A DAG's task retries: NARRMON_TASK_RETRIES when set, else the DAG's ``default``."""
        return default if self.task_retries is None else self.task_retries


def dag_settings(env: Mapping[str, str] | None = None) -> DagSettings:
    """Read and validate the DAGs' settings; a bad value raises :class:`SettingsError`
    (Airflow shows it as the DAG file's import error)."""
    env = os.environ if env is None else env
    retries = _get(env, "NARRMON_TASK_RETRIES")
    return DagSettings(
        ingest_schedule=_get(env, "NARRMON_INGEST_SCHEDULE"),
        export_schedule=_get(env, "NARRMON_EXPORT_SCHEDULE"),
        crawl_concurrency=_whole(
            env, "NARRMON_CRAWL_CONCURRENCY", "a whole number of crawls >= 1", minimum=1
        ),
        crawl_timeout=_number(
            env, "NARRMON_CRAWL_TIMEOUT", "a number of seconds > 0, e.g. 3600", minimum=1e-9
        ),
        task_retries=(
            _whole(env, "NARRMON_TASK_RETRIES", "a whole number >= 0", minimum=0)
            if retries
            else None
        ),
        task_retry_delay=_number(
            env, "NARRMON_TASK_RETRY_DELAY", "a number of seconds >= 0", minimum=0
        ),
    )
