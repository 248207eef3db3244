"""`narrmon`: the command-line door onto the core (commands and exit codes: README.md)."""

from __future__ import annotations

import sys

import click

from narrmon import exit_codes
from narrmon.commands import ingest, maintenance, outputs, quarantine
from narrmon.errors import NarrmonError
from narrmon.logs import configure_logging
from narrmon.settings import LOG_LEVELS, load_settings


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


for command in (
    ingest.init,
    ingest.run,
    outputs.export,
    outputs.dashboard,
    outputs.demo,
    outputs.health,
    quarantine.quarantine,
    maintenance.retag,
    maintenance.reextract,
    maintenance.restory,
):
    main.add_command(command)


if __name__ == "__main__":  # pragma: no cover
    main()
