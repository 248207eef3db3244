"""`narrmon`: the command-line door onto the core (see DESIGN.md for the contract)."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar, cast

import click

from narrmon.errors import NarrmonError, NotYetAvailable
from narrmon.settings import Settings, load_settings

F = TypeVar("F", bound=Callable[..., Any])


def _fatal_errors(func: F) -> F:
    """Turn NarrmonError into `error: ...` on stderr and a non-zero exit."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except NotYetAvailable as exc:
            click.echo(f"not available yet: {exc}", err=True)
            sys.exit(2)
        except NarrmonError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)

    return cast(F, wrapper)


def _settings(ctx: click.Context) -> Settings:
    return cast(Settings, ctx.obj)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--log-level", default=None, help="Override NARRMON_LOG_LEVEL (DEBUG, INFO, ...).")
@click.pass_context
def main(ctx: click.Context, log_level: str | None) -> None:
    """narrative-monitor: crawl news, tag NATO-enlargement narratives, chart and export them."""
    settings = load_settings()
    logging.basicConfig(
        level=(log_level or settings.log_level).upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
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
) -> None:
    """Export articles with their narratives as CSV, JSONL or Parquet."""
    from models.export import ExportFilter
    from narrmon.exporting import export_dataset

    flt = ExportFilter(
        since=since.date() if since else None,
        until=until.date() if until else None,
        narratives=narratives,
        sources=sources,
        language=language,
    )
    summary = export_dataset(_settings(ctx), fmt, output, flt)  # type: ignore[arg-type]
    click.echo(f"exported {summary.rows} rows ({summary.format}) to {summary.path}", err=True)


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
    from narrmon.quarantine import iter_quarantine

    rows = iter_quarantine(_settings(ctx), status=None if show_all else "pending", source_id=source)
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


def _pending(name: str, issue: int) -> Callable[..., None]:
    def command() -> None:
        raise NotYetAvailable(f"'narrmon {name}' arrives with issue #{issue}")

    command.__name__ = name.replace(" ", "_")
    return _fatal_errors(command)


@quarantine.command("replay")
@_fatal_errors
def quarantine_replay() -> None:
    """Re-extract quarantined items from the archive, re-check and load what passes."""
    raise NotYetAvailable("'narrmon quarantine replay' arrives with issue #5 (quality gate)")


main.command("run", help="One full ingestion cycle (crawl, extract, tag, gate, store, rollups).")(
    _pending("run", 3)
)
main.command("retag", help="Re-tag stored articles after a taxonomy change.")(_pending("retag", 4))
main.command("dashboard", help="Start the Streamlit dashboards.")(_pending("dashboard", 7))
main.command("demo", help="Serve the demo outlets, ingest them, open the dashboards.")(
    _pending("demo", 7)
)
main.command("health", help="List unhealthy sources; non-zero exit when any.")(
    _pending("health", 5)
)


if __name__ == "__main__":  # pragma: no cover
    main()
