"""Re-tag stored articles after a taxonomy change, without re-crawling. Manual only.

Wiring only: the task calls ``narrmon.tasks.retag`` (the core of ``narrmon retag``).
Trigger it from the UI with the params below, or
``airflow dags trigger narrmon_retag --conf '{"since": "2026-01-01"}'``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from airflow.sdk import Param, dag, get_current_context, task

from narrmon.settings import dag_settings

DEFAULT_ARGS: dict[str, Any] = {
    "owner": "narrmon",
    # One retry: retagging rewrites whole batches, so a rerun resumes safely.
    "retries": dag_settings().retries(1),
    "retry_delay": timedelta(minutes=5),
    "retry_exponential_backoff": 2.0,
    # ~500 articles/s on one core: six hours re-tags about ten million articles.
    "execution_timeout": timedelta(hours=6),
}


@dag(
    dag_id="narrmon_retag",
    description="Re-tag stored articles with the current taxonomy; rebuild their rollups.",
    schedule=None,
    start_date=datetime(2026, 1, 1, tzinfo=UTC),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["narrmon", "retag"],
    doc_md=__doc__,
    params={
        "since": Param(
            None,
            type=["null", "string"],
            format="date",
            description="Only articles of this day (YYYY-MM-DD) or later; empty: all.",
        ),
        "source_ids": Param(
            [],
            type="array",
            items={"type": "string"},
            description="Only these source ids; empty: all sources.",
        ),
    },
)
def narrmon_retag() -> None:
    """One retag task."""

    @task
    def retag() -> dict[str, Any]:
        """Re-tag the selected articles with the current taxonomy."""
        from narrmon import tasks

        params = get_current_context()["params"]
        return tasks.retag(
            since=params.get("since") or None, source_ids=list(params.get("source_ids") or [])
        )

    retag()


narrmon_retag()
