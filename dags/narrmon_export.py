"""Dataset snapshots for researchers: Parquet, CSV and a data dictionary, dated by day.

Wiring only: the task calls ``narrmon.snapshots.write_snapshot`` (built on the same
``export_dataset`` as ``narrmon export``). Scheduled on the ``narrmon_database`` asset
that ``narrmon_ingest`` updates, or on the cron in ``NARRMON_EXPORT_SCHEDULE``. A run
rewrites ``<NARRMON_DATA_DIR>/exports/<day>/`` whole, so several runs a day leave one
snapshot of that day, the latest.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from airflow.sdk import Asset, dag, get_current_context, task

from narrmon.settings import dag_settings

SETTINGS = dag_settings()

# The asset narrmon_ingest's rollups task updates (same name and URI).
NARRMON_DATABASE = Asset(name="narrmon_database", uri="narrmon://database")

# "asset" (default): after every ingestion run; otherwise a cron expression or preset
# such as "@daily" when an hourly full export is too heavy for the database.
SCHEDULE: Any = (
    [NARRMON_DATABASE] if SETTINGS.export_schedule == "asset" else SETTINGS.export_schedule
)

DEFAULT_ARGS: dict[str, Any] = {
    "owner": "narrmon",
    # Two retries cover a database restart during the export.
    "retries": SETTINGS.retries(2),
    # 5 min, then 10 min: the export reruns whole, so give the database room first.
    "retry_delay": timedelta(minutes=5),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": timedelta(minutes=30),
    # Exports stream at ~10k articles/s; two hours covers tens of millions of rows.
    "execution_timeout": timedelta(hours=2),
}


@dag(
    dag_id="narrmon_export",
    description="Dated Parquet + CSV snapshot with a data dictionary under exports/.",
    schedule=SCHEDULE,
    start_date=datetime(2026, 1, 1, tzinfo=UTC),
    catchup=False,
    max_active_runs=1,
    # Unpaused from the start: asset events reach a paused DAG but queue no run, so a
    # paused export would silently skip the snapshots of every ingest until unpaused.
    # (Each snapshot is the whole database, so the next run after an unpause catches up.)
    is_paused_upon_creation=False,
    default_args=DEFAULT_ARGS,
    tags=["narrmon", "export"],
    doc_md=__doc__,
)
def narrmon_export() -> None:
    """One snapshot task."""

    @task
    def snapshot() -> dict[str, Any]:
        """Write the snapshot of the run's day (its logical date, else when it ran)."""
        from narrmon.settings import load_settings
        from narrmon.snapshots import write_snapshot

        context = get_current_context()
        when = context.get("logical_date") or context["dag_run"].run_after
        return write_snapshot(load_settings(), when.astimezone(UTC).date())

    snapshot()


narrmon_export()
