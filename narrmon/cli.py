"""`narrmon`: the command-line door onto the core (commands and exit codes: README.md)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from crawlers.registry import MEDIA_TYPES
from narrmon import exit_codes
from narrmon.errors import NarrmonError
from narrmon.logs import configure_logging
from narrmon.settings import LOG_LEVELS, Settings, load_settings

if TYPE_CHECKING:
    from narrmon.pipeline.run import CycleSummary

F = TypeVar("F", bound=Callable[..., Any])
# A TCP port a dashboard can listen on.
PORT = click.IntRange(1, 65535)


def _connection_lost(exc: BaseException) -> bool:
    """True for a database error caused by a dropped or refused connection."""
    from sqlalchemy.exc import DBAPIError

    if not isinstance(exc, DBAPIError):
        return False
    message = str(exc.orig).lower()
    return bool(exc.connection_invalidated) or any(
        word in message for word in ("connect", "terminat", "server closed")
    )


def _fatal_errors(func: F) -> F:
    """Turn NarrmonError into `error: ...` on stderr and a non-zero exit."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except NarrmonError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exit_codes.ERROR)
        except Exception as exc:
            if not _connection_lost(exc):
                raise
            first = str(exc).strip().splitlines()[0]
            click.echo(
                f"error: lost the database connection: {first}; nothing half-written "
                "was kept (each batch is one transaction); run again to resume",
                err=True,
            )
            sys.exit(exit_codes.ERROR)

    return cast(F, wrapper)


def _settings(ctx: click.Context) -> Settings:
    return cast(Settings, ctx.obj)


@click.group(
    context_settings={"help_option_names": ["-h", "--help"]}, epilog=exit_codes.EXIT_CODES_HELP
)
@click.version_option(package_name="narrative-monitor", prog_name="narrmon")
@click.option(
    "--log-level",
    type=click.Choice(LOG_LEVELS, case_sensitive=False),
    default=None,
    help="Override NARRMON_LOG_LEVEL; DEBUG also shows third-party libraries' logs.",
)
@click.pass_context
def main(ctx: click.Context, log_level: str | None) -> None:
    """narrative-monitor: crawl news, tag NATO-enlargement narratives, chart and export them."""
    try:
        settings = load_settings()
    except NarrmonError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exit_codes.ERROR)
    configure_logging((log_level or settings.log_level).upper())
    ctx.obj = settings


@main.command()
@click.option(
    "--sources",
    "sources_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Sources file (default: NARRMON_SOURCES).",
)
@click.pass_context
@_fatal_errors
def init(ctx: click.Context, sources_path: Path | None) -> None:
    """Create or upgrade the schema (Alembic), load sources and taxonomy."""
    from narrmon.bootstrap import init_database

    summary = init_database(_settings(ctx), sources_path)
    click.echo(
        f"database ready: {summary.database} ({summary.sources} sources, "
        f"{summary.narratives} narratives, taxonomy {summary.taxonomy_version or 'not loaded'})"
    )


@main.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "parquet"]), required=True)
@click.option(
    "-o",
    "--output",
    default="-",
    show_default=True,
    help="Output file, or - for stdout (csv and jsonl only).",
)
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="First day included (YYYY-MM-DD).",
)
@click.option(
    "--until",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Last day included (YYYY-MM-DD).",
)
@click.option("--narrative", "narratives", multiple=True, help="Only articles carrying this id.")
@click.option("--source", "sources", multiple=True, help="Only this source id.")
@click.option("--language", default=None, help="Only this ISO 639-1 language.")
@click.option(
    "--media-type",
    "media_types",
    multiple=True,
    type=click.Choice(MEDIA_TYPES),
    help="Only outlets of this media type.",
)
@click.option(
    "--country", "countries", multiple=True, help="Only outlets of this ISO 3166-1 country."
)
@click.pass_context
@_fatal_errors
def export(
    ctx: click.Context,
    fmt: str,
    output: str,
    since: Any,
    until: Any,
    narratives: tuple[str, ...],
    sources: tuple[str, ...],
    language: str | None,
    media_types: tuple[str, ...],
    countries: tuple[str, ...],
    force: bool,
) -> None:
    """Export articles with their narratives and provenance as CSV, JSONL or Parquet.

    A file export gets its data dictionary beside it (<name>.dictionary.json).
    """
    from models.export import ExportFilter
    from narrmon.exporting import export_dataset

    flt = ExportFilter(
        since=since.date() if since else None,
        until=until.date() if until else None,
        narratives=narratives,
        sources=sources,
        language=language,
        media_types=media_types,
        countries=tuple(c.upper() for c in countries),
    )
    summary = export_dataset(
        _settings(ctx),
        fmt,  # type: ignore[arg-type]
        output,
        flt,
        force=force,
        dictionary=True,
    )
    click.echo(f"exported {summary.rows} rows ({summary.format}) to {summary.path}", err=True)
    if summary.dictionary:
        click.echo(f"data dictionary: {summary.dictionary}", err=True)


@main.command()
@click.option(
    "--sources",
    "sources_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Sources file (default: NARRMON_SOURCES).",
)
@click.option("--source", "only", multiple=True, help="Only this source id (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_context
@_fatal_errors
def run(
    ctx: click.Context, sources_path: Path | None, only: tuple[str, ...], as_json: bool
) -> None:
    """One full ingestion cycle (crawl, extract, tag, gate, store, rollups) and a summary.

    Exits 0 when every source completed, 3 when some failed, 4 when none succeeded.
    """
    from narrmon.pipeline.run import run_cycle
    from narrmon.progress import RunProgress

    shown = RunProgress(sys.stderr)
    try:
        summary = run_cycle(
            _settings(ctx),
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


@main.group()
def quarantine() -> None:
    """Inspect and replay items that failed the quality gate."""


@quarantine.command("list")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True
)
@click.option("--source", default=None, help="Only this source id.")
@click.option("--all", "show_all", is_flag=True, help="Include replayed items.")
@click.pass_context
@_fatal_errors
def quarantine_list(ctx: click.Context, fmt: str, source: str | None, show_all: bool) -> None:
    """List quarantined items with the names of the checks they failed."""
    from models.quarantine_status import QuarantineStatus
    from narrmon.maintenance.quarantine import iter_quarantine

    rows = iter_quarantine(
        _settings(ctx), status=None if show_all else QuarantineStatus.PENDING, source_id=source
    )
    count = 0
    if fmt == "jsonl":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
            count += 1
        return
    click.echo(f"{'ID':>6}  {'SOURCE':<16} {'STATUS':<9} {'REASONS':<40} URL")
    for row in rows:
        reasons = ",".join(row["reasons"])
        click.echo(
            f"{row['id']:>6}  {row['source_id']:<16} {row['status']:<9} {reasons:<40} {row['url']}"
        )
        count += 1
    click.echo(f"{count} item(s)", err=True)


@quarantine.command("replay")
@click.option("--id", "ids", type=int, multiple=True, help="Quarantine item id (repeatable).")
@click.option("--all", "replay_all", is_flag=True, help="Replay every pending item.")
@click.pass_context
@_fatal_errors
def quarantine_replay(ctx: click.Context, ids: tuple[int, ...], replay_all: bool) -> None:
    """Re-extract quarantined items from the archive, re-check and load what passes."""
    from narrmon.maintenance.replay import replay

    out = replay(_settings(ctx), ids=ids, replay_all=replay_all)
    for message in out.messages:
        click.echo(message, err=True)
    click.echo(
        f"replayed {out.attempted}: loaded {out.loaded}, still failing "
        f"{out.still_failing}; not replayable {out.not_replayable}"
    )


def _since_option(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option(
        "--since",
        type=click.DateTime(["%Y-%m-%d"]),
        default=None,
        help="Only articles from this day on (YYYY-MM-DD).",
    )(func)
    func = click.option(
        "--source", "sources", multiple=True, help="Only this source id (repeatable)."
    )(func)
    return click.option(
        "--batch-size",
        type=click.IntRange(min=1),
        default=500,
        show_default=True,
        help="Articles per transaction.",
    )(func)


@main.command()
@_since_option
@click.option(
    "--outdated",
    is_flag=True,
    help="Only articles tagged by another tagger version (or never tagged).",
)
@click.pass_context
@_fatal_errors
def retag(
    ctx: click.Context, since: Any, sources: tuple[str, ...], batch_size: int, outdated: bool
) -> None:
    """Re-tag stored articles after a tagger or taxonomy change (no re-crawl), with progress."""
    from narrmon.maintenance.retag import RetagSummary, retag_all

    def progress(s: RetagSummary) -> None:
        click.echo(f"retagged {s.articles} articles ({s.tags} tags)", err=True)

    out = retag_all(
        _settings(ctx),
        batch_size=batch_size,
        source_ids=sources,
        since=since.date() if since else None,
        outdated_only=outdated,
        progress=progress,
    )
    click.echo(
        f"retagged {out.articles} articles with tagger {out.tagger_version}, "
        f"taxonomy {out.taxonomy_version}: "
        f"{out.tags} tags; {out.rollup_rows} rollup rows rebuilt"
    )


@main.command()
@_since_option
@click.pass_context
@_fatal_errors
def reextract(ctx: click.Context, since: Any, sources: tuple[str, ...], batch_size: int) -> None:
    """Re-run extraction and tagging over archived pages, without re-crawling."""
    from narrmon.maintenance.reextract import reextract_all
    from narrmon.maintenance.retag import RetagSummary

    def progress(s: RetagSummary) -> None:
        click.echo(f"re-extracted {s.articles} articles ({s.changed} changed)", err=True)

    out = reextract_all(
        _settings(ctx),
        batch_size=batch_size,
        source_ids=sources,
        since=since.date() if since else None,
        progress=progress,
    )
    click.echo(
        f"re-extracted {out.articles} articles: {out.changed} changed, "
        f"{out.failed} failed (kept); {out.rollup_rows} rollup rows rebuilt"
    )


@main.command()
@_since_option
@click.pass_context
@_fatal_errors
def restory(ctx: click.Context, since: Any, sources: tuple[str, ...], batch_size: int) -> None:
    """Recompute story clusters over stored articles after a change of the rule."""
    from narrmon.maintenance.restory import RestorySummary, restory_all

    def progress(s: RestorySummary) -> None:
        click.echo(f"restoried {s.articles} articles ({s.changed} changed)", err=True)

    out = restory_all(
        _settings(ctx),
        since=since.date() if since else None,
        source_ids=sources,
        batch_size=batch_size,
        progress=progress,
    )
    click.echo(
        f"restoried {out.articles} articles: {out.changed} changed story; "
        f"{out.rollup_rows} rollup rows rebuilt"
    )


@main.command()
@click.option("--port", type=PORT, default=None, help="Port (default: Streamlit's, 8501).")
@click.pass_context
@_fatal_errors
def dashboard(ctx: click.Context, port: int | None) -> None:
    """Start the Streamlit dashboards against NARRMON_DATABASE_URL (read-only)."""
    from narrmon.dashboard import start_dashboard

    sys.exit(start_dashboard(_settings(ctx), port=port))


@main.command()
@click.option("--no-dashboard", is_flag=True, help="Ingest only; do not start the dashboards.")
@click.option("--port", type=PORT, default=None, help="Dashboard port (default 8501).")
@click.pass_context
@_fatal_errors
def demo(ctx: click.Context, no_dashboard: bool, port: int | None) -> None:
    """Serve the bundled demo outlets on loopback, ingest them, open the dashboards.

    The demo always uses its own database and folder, NARRMON_DATA_DIR/demo (printed);
    NARRMON_DATABASE_URL is ignored, so it cannot touch real data.
    """
    from narrmon.demo import run_demo

    result = run_demo(_settings(ctx))
    t = result.summary.totals()
    click.echo(
        f"demo ingested: {t['new']} new articles ({t['fetched']} fetched, "
        f"{t['quarantined']} quarantined) into its own database "
        f"{result.settings.database_url} (data folder {result.settings.data_dir}; "
        "NARRMON_DATABASE_URL is not used by the demo)"
    )
    if no_dashboard:
        return
    from narrmon.dashboard import start_dashboard

    sys.exit(start_dashboard(result.settings, port=port))


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print every source's health as JSON.")
@click.pass_context
@_fatal_errors
def health(ctx: click.Context, as_json: bool) -> None:
    """List unhealthy sources; exits 1 when any enabled source is unhealthy."""
    from narrmon.health import check_health

    report = check_health(_settings(ctx))
    click.echo(json.dumps(report.rows, indent=2, default=str) if as_json else report.text)
    if report.unhealthy:
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
