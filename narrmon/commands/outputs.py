"""`narrmon export|dashboard|demo|health`: what the stored data shows."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from crawlers.registry import MEDIA_TYPES
from models.rollups import STANCES
from narrmon.commands.common import PORT, fatal_errors, settings_of


@click.command()
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
@click.option(
    "--stance",
    "stances",
    multiple=True,
    type=click.Choice(STANCES),
    help="Only articles with a tag of this stance (among --narrative ids when given).",
)
@click.option(
    "--formula-safe",
    is_flag=True,
    help="CSV for spreadsheets: text starting with = + - @ gets a leading apostrophe, so it "
    "cannot run as a formula (the default writes the exact text).",
)
@click.pass_context
@fatal_errors
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
    stances: tuple[str, ...],
    force: bool,
    formula_safe: bool,
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
        stances=stances,
    )
    summary = export_dataset(
        settings_of(ctx),
        fmt,  # type: ignore[arg-type]
        output,
        flt,
        force=force,
        dictionary=True,
        formula_safe=formula_safe,
    )
    click.echo(f"exported {summary.rows} rows ({summary.format}) to {summary.path}", err=True)
    if summary.dictionary:
        click.echo(f"data dictionary: {summary.dictionary}", err=True)


@click.command()
@click.option("--port", type=PORT, default=None, help="Port (default: Streamlit's, 8501).")
@click.pass_context
@fatal_errors
def dashboard(ctx: click.Context, port: int | None) -> None:
    """Start the Streamlit dashboards against NARRMON_DATABASE_URL (read-only)."""
    from narrmon.dashboard import start_dashboard

    sys.exit(start_dashboard(settings_of(ctx), port=port))


@click.command()
@click.option("--no-dashboard", is_flag=True, help="Ingest only; do not start the dashboards.")
@click.option("--port", type=PORT, default=None, help="Dashboard port (default 8501).")
@click.pass_context
@fatal_errors
def demo(ctx: click.Context, no_dashboard: bool, port: int | None) -> None:
    """Serve the bundled demo outlets on loopback, ingest them, open the dashboards.

    The demo always uses its own database and folder, NARRMON_DATA_DIR/demo (printed);
    NARRMON_DATABASE_URL is ignored, so it cannot touch real data.
    """
    from narrmon.demo import run_demo

    result = run_demo(settings_of(ctx))
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


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print every source's health as JSON.")
@click.pass_context
@fatal_errors
def health(ctx: click.Context, as_json: bool) -> None:
    """List unhealthy sources; exits 1 when any enabled source is unhealthy."""
    from narrmon.health import check_health

    report = check_health(settings_of(ctx))
    click.echo(json.dumps(report.rows, indent=2, default=str) if as_json else report.text)
    if report.unhealthy:
        sys.exit(1)
