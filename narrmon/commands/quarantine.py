"""`narrmon quarantine list|replay`: what failed a stage, and loading it once fixed."""

from __future__ import annotations

import json

import click

from narrmon.commands.common import fatal_errors, settings_of


@click.group()
def quarantine() -> None:
    """Inspect and replay items that failed the quality gate."""


@quarantine.command("list")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True
)
@click.option("--source", default=None, help="Only this source id.")
@click.option("--all", "show_all", is_flag=True, help="Include replayed items.")
@click.pass_context
@fatal_errors
def quarantine_list(ctx: click.Context, fmt: str, source: str | None, show_all: bool) -> None:
    """List quarantined items with the names of the checks they failed."""
    from models.quarantine_status import QuarantineStatus
    from narrmon.maintenance.quarantine import iter_quarantine

    rows = iter_quarantine(
        settings_of(ctx), status=None if show_all else QuarantineStatus.PENDING, source_id=source
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
@fatal_errors
def quarantine_replay(ctx: click.Context, ids: tuple[int, ...], replay_all: bool) -> None:
    """Re-extract quarantined items from the archive, re-check and load what passes."""
    from narrmon.maintenance.replay import replay

    out = replay(settings_of(ctx), ids=ids, replay_all=replay_all)
    for message in out.messages:
        click.echo(message, err=True)
    click.echo(
        f"replayed {out.attempted}: loaded {out.loaded}, still failing "
        f"{out.still_failing}; not replayable {out.not_replayable}"
    )
