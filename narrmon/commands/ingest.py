"""`narrmon init` and `narrmon run`: set up the database, run an ingestion cycle."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from narrmon import exit_codes
from narrmon.commands.common import fatal_errors, settings_of

if TYPE_CHECKING:
    from narrmon.pipeline.run import CycleSummary

# The sources file a command reads instead of NARRMON_SOURCES.
SOURCES_OPTION = click.option(
    "--sources",
    "sources_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Sources file (default: NARRMON_SOURCES).",
)


@click.command()
@SOURCES_OPTION
@click.pass_context
@fatal_errors
def init(ctx: click.Context, sources_path: Path | None) -> None:
    """Create or upgrade the schema (Alembic), load sources and taxonomy."""
    from narrmon.bootstrap import init_database

    summary = init_database(settings_of(ctx), sources_path)
    click.echo(
        f"database ready: {summary.database} ({summary.sources} sources, "
        f"{summary.narratives} narratives, taxonomy {summary.taxonomy_version or 'not loaded'})"
    )


@click.command()
@SOURCES_OPTION
@click.option("--source", "only", multiple=True, help="Only this source id (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_context
@fatal_errors
def run(
    ctx: click.Context, sources_path: Path | None, only: tuple[str, ...], as_json: bool
) -> None:
    """One full ingestion cycle (crawl, extract, gate, tag, store, rollups) and a summary.

    Exits 0 when every source completed, 3 when some failed, 4 when none succeeded.
    """
    from narrmon.pipeline.run import run_cycle
    from narrmon.progress import RunProgress

    shown = RunProgress(sys.stderr)
    try:
        summary = run_cycle(
            settings_of(ctx),
            sources_path=sources_path,
            only=only,
            on_source=shown.source_done,
            on_progress=shown.update,
        )
    finally:
        shown.close()
    if as_json:
        click.echo(json.dumps(summary.as_dict(), indent=2))
    else:
        _print_run_summary(summary)
    sys.exit(exit_codes.run_exit_code(summary.sources))


def _print_run_summary(summary: CycleSummary) -> None:
    """The run summary table, each failed source's cause in words, and the totals."""
    click.echo(f"run {summary.run_id}")
    # FETCHED = NEW + UPDATED + SAME + QUAR + REPEAT; copies of stories stored elsewhere
    # are among the stored (new, updated or same); errors and refusals never became pages.
    head = ("SOURCE", "STATUS", "FETCHED", "NEW", "UPDATED", "SAME", "QUAR", "REPEAT", "ERRORS")
    click.echo(f"{head[0]:<24}{head[1]:<8}" + "".join(f"{h:>8}" for h in head[2:]))
    for s in summary.sources:
        nums = (s.fetched, s.new, s.updated, s.unchanged, s.quarantined, s.repeats, s.errors)
        click.echo(f"{s.source_id:<24}{s.status:<8}" + "".join(f"{n:>8}" for n in nums))
        if s.error_message:
            click.echo(f"  ! {s.error_message}")
    t = summary.totals()
    click.echo(
        f"total: fetched {t['fetched']} = new {t['new']} + updated {t['updated']} + "
        f"unchanged {t['unchanged']} + quarantined {t['quarantined']} + repeats "
        f"{t['repeats']}; {t['syndicated']} of the stored are copies of a story stored "
        f"elsewhere; {t['errors']} fetch errors; {t['refused']} URLs refused (robots.txt, "
        f"off-site); {summary.rollup_rows} rollup rows rebuilt"
    )
    if summary.crawl_log:
        click.echo(f"crawl log (Scrapy): {summary.crawl_log}", err=True)
    failed = [s for s in summary.sources if s.status != "ok"]
    if failed:
        click.echo(f"{len(failed)} of {len(summary.sources)} sources failed", err=True)
