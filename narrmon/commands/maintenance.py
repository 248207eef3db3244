"""`narrmon retag|reextract|restory`: passes over stored articles, no re-crawl."""

from __future__ import annotations

from typing import Any

import click

from narrmon.commands.common import fatal_errors, settings_of, since_option


@click.command()
@since_option
@click.option(
    "--outdated",
    is_flag=True,
    help="Only articles tagged by another tagger version (or never tagged).",
)
@click.pass_context
@fatal_errors
def retag(
    ctx: click.Context, since: Any, sources: tuple[str, ...], batch_size: int, outdated: bool
) -> None:
    """Re-tag stored articles after a tagger or taxonomy change (no re-crawl), with progress."""
    from narrmon.maintenance.retag import RetagSummary, retag_all

    def progress(s: RetagSummary) -> None:
        click.echo(f"retagged {s.articles} articles ({s.tags} tags)", err=True)

    out = retag_all(
        settings_of(ctx),
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


@click.command()
@since_option
@click.pass_context
@fatal_errors
def reextract(ctx: click.Context, since: Any, sources: tuple[str, ...], batch_size: int) -> None:
    """Re-run extraction, the quality gate and tagging over archived pages, without re-crawling."""
    from narrmon.maintenance.reextract import reextract_all
    from narrmon.maintenance.retag import RetagSummary

    def progress(s: RetagSummary) -> None:
        click.echo(f"re-extracted {s.articles} articles ({s.changed} changed)", err=True)

    out = reextract_all(
        settings_of(ctx),
        batch_size=batch_size,
        source_ids=sources,
        since=since.date() if since else None,
        progress=progress,
    )
    click.echo(
        f"re-extracted {out.articles} articles: {out.changed} changed, "
        f"{out.failed} failed (kept); {out.rollup_rows} rollup rows rebuilt"
    )


@click.command()
@since_option
@click.pass_context
@fatal_errors
def restory(ctx: click.Context, since: Any, sources: tuple[str, ...], batch_size: int) -> None:
    """Recompute story clusters over stored articles after a change of the rule."""
    from narrmon.maintenance.restory import RestorySummary, restory_all

    def progress(s: RestorySummary) -> None:
        click.echo(f"restoried {s.articles} articles ({s.changed} changed)", err=True)

    out = restory_all(
        settings_of(ctx),
        since=since.date() if since else None,
        source_ids=sources,
        batch_size=batch_size,
        progress=progress,
    )
    click.echo(
        f"restoried {out.articles} articles: {out.changed} changed story; "
        f"{out.rollup_rows} rollup rows rebuilt"
    )
