"""Scheduled ingestion: per enabled source a crawl and a load, then rollups and feed health.

Wiring only. Every task imports the core inside its body and calls the same
``narrmon.tasks`` functions ``narrmon run`` is built from, so parsing this file
touches neither the database nor the network and imports nothing heavy.

    prepare ─► source.crawl[id] ─► source.load[id] ─► rollups ─► feed_health
                                                      └─► (asset narrmon_database)
    any source.crawl or source.load failed ─► a_source_failed (fails the run;
    skipped when every source went through)

A dead source (crawl process failed, or every feed failed) fails its own
``source.crawl`` with the cause and retries (2, 4, 8 min); the others go on. Each
task's log ends with a few summary lines; its full JSON summary is its return value
(XCom tab).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from airflow.sdk import Asset, TriggerRule, dag, get_current_context, task, task_group

from narrmon.settings import dag_settings

SETTINGS = dag_settings()

# The narrmon database as an Airflow asset: the export DAG is scheduled on its updates.
NARRMON_DATABASE = Asset(name="narrmon_database", uri="narrmon://database")

# Cron expression or preset; hourly by default: news feeds list their last 20–100
# items, so an hour never lets a busy outlet's items scroll off a feed.
SCHEDULE = SETTINGS.ingest_schedule
# Crawl tasks of one run at once: crawls mostly wait on the network, so four overlap
# well on two cores; per-host politeness is enforced inside each crawl (delay,
# AutoThrottle, robots.txt).
CRAWL_CONCURRENCY = SETTINGS.crawl_concurrency
# A crawl process is stopped after NARRMON_CRAWL_TIMEOUT; the task gets ten more
# minutes for job set-up and staging before Airflow kills it.
CRAWL_TASK_TIMEOUT = timedelta(seconds=SETTINGS.crawl_timeout + 600)

DEFAULT_ARGS: dict[str, Any] = {
    "owner": "narrmon",
    # Three retries cover a database restart or a flaky feed host; more only delays alarms.
    # NARRMON_TASK_RETRIES (every narrmon DAG) overrides; 0 makes a failure final at once.
    "retries": SETTINGS.retries(3),
    # 2 min, 4 min, 8 min: doubling backs off a struggling host or database.
    # NARRMON_TASK_RETRY_DELAY (seconds) overrides, e.g. for tests of the retries.
    "retry_delay": timedelta(seconds=SETTINGS.task_retry_delay),
    "retry_exponential_backoff": 2.0,
    # Never wait longer than a schedule interval between two attempts.
    "max_retry_delay": timedelta(minutes=30),
    # Extraction, gate and load of one source's crawl take seconds to minutes;
    # 30 minutes means something is stuck.
    "execution_timeout": timedelta(minutes=30),
}

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
# crawl_runs.run_id is VARCHAR(64).
_RUN_ID_MAX = 64


def crawl_run_id(airflow_run_id: str) -> str:
    """The narrmon run id of an Airflow run: file-name safe, at most 64 characters.

    Deterministic, so a retried or cleared task reuses its run's staging folder and
    crawl-run rows instead of starting a new run.
    """
    safe = _UNSAFE.sub("-", airflow_run_id).strip("-")
    return safe[-_RUN_ID_MAX:]


def quiet_task_log() -> None:
    """Keep third-party INFO out of the task's log; called before the core is imported."""
    from narrmon.task_logging import quiet_libraries

    quiet_libraries()


@dag(
    dag_id="narrmon_ingest",
    description="Crawl and load every enabled source, rebuild rollups, check feed health.",
    schedule=SCHEDULE,
    start_date=datetime(2026, 1, 1, tzinfo=UTC),
    catchup=False,
    max_active_runs=1,
    # A run takes minutes; at three hours it is stuck, and failing it lets the next
    # scheduled run start (one active run at a time).
    dagrun_timeout=timedelta(hours=3),
    default_args=DEFAULT_ARGS,
    tags=["narrmon", "ingest"],
    doc_md=__doc__,
)
def narrmon_ingest() -> None:
    """The ingestion cycle as Airflow tasks (see the module docstring)."""

    @task(show_return_value_in_logs=False)  # the XCom tab shows the list
    def prepare() -> list[str]:
        """Upgrade the schema, sync sources and taxonomy; list the enabled sources."""
        quiet_task_log()
        from narrmon import tasks

        return tasks.prepare()

    @task(
        # The log ends with a short summary; the full JSON is the XCom, not a log line.
        show_return_value_in_logs=False,
        max_active_tis_per_dagrun=CRAWL_CONCURRENCY,
        execution_timeout=CRAWL_TASK_TIMEOUT,
        map_index_template="{{ source_id }}",
    )
    def crawl(source_id: str) -> dict[str, Any]:
        """Crawl one source in its own process; fails alone, with the cause, when it is dead."""
        quiet_task_log()
        from narrmon import tasks

        context: Any = get_current_context()
        context["source_id"] = source_id  # names the mapped instance in the UI
        return tasks.crawl(source_id, crawl_run_id(context["run_id"]))

    @task(map_index_template="{{ source_id }}", show_return_value_in_logs=False)
    def load(crawled: dict[str, Any]) -> dict[str, Any]:
        """Extract, quality-gate, load and tag one source's crawl, one transaction per batch."""
        quiet_task_log()
        from narrmon import tasks

        context: Any = get_current_context()
        context["source_id"] = crawled["source_id"]  # names the mapped instance in the UI
        return tasks.ingest(crawled)

    @task(
        trigger_rule=TriggerRule.ALL_DONE,
        outlets=[NARRMON_DATABASE],
    )
    def rollups(summaries: list[dict[str, Any] | None]) -> int:
        """Rebuild the rollups of the days the sources that did load touched."""
        quiet_task_log()
        from narrmon import tasks

        return tasks.rollups([s for s in summaries if s])

    @task(trigger_rule=TriggerRule.ALL_DONE)
    def feed_health() -> dict[str, Any]:
        """Build the quality Data Docs and judge feed health; fail (no retry) when unhealthy."""
        from airflow.sdk.exceptions import AirflowFailException

        quiet_task_log()

        from narrmon import tasks
        from narrmon.errors import NarrmonError

        try:
            return tasks.health()
        except NarrmonError as exc:  # an unhealthy source: retrying changes nothing
            # from None: the report once, not twice (with the NarrmonError's traceback).
            raise AirflowFailException(str(exc)) from None

    @task(trigger_rule=TriggerRule.ONE_FAILED, retries=0)
    def a_source_failed() -> None:
        """Runs only when a source's crawl or load failed (after its retries): fails the run.

        Skipped on a run where every source went through.
        """
        from airflow.sdk.exceptions import AirflowFailException

        raise AirflowFailException(
            "a source failed: its red source.crawl (or source.load) instance says why"
        )

    @task_group(group_id="source")
    def per_source(source_id: str) -> Any:
        """One source's crawl and load; a mapped group, so each source fails alone.

        (``ingest.expand(crawled=crawl.expand(...))`` would not do: one failed crawl
        marks the whole unexpanded ``ingest`` upstream_failed, for every source.)
        """
        crawled: Any = crawl(source_id)  # an XComArg at parse time
        return load(crawled)

    # An XComArg stands in for the summaries at run time (Any: its static type differs).
    summaries: Any = per_source.expand(source_id=prepare())
    rollups(summaries) >> feed_health()
    summaries >> a_source_failed()


narrmon_ingest()
