"""What every command shares: the fatal-error wrapper, the settings, common options."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

import click

from narrmon import exit_codes
from narrmon.errors import NarrmonError
from narrmon.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])
# A TCP port a dashboard can listen on.
PORT = click.IntRange(1, 65535)


def connection_lost(exc: BaseException) -> bool:
    """True for a database error caused by a dropped or refused connection."""
    from sqlalchemy.exc import DBAPIError

    if not isinstance(exc, DBAPIError):
        return False
    message = str(exc.orig).lower()
    return bool(exc.connection_invalidated) or any(
        word in message for word in ("connect", "terminat", "server closed")
    )


def fatal_errors(func: F) -> F:
    """Turn NarrmonError into `error: ...` on stderr and a non-zero exit."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except NarrmonError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exit_codes.ERROR)
        except Exception as exc:
            if not connection_lost(exc):
                raise
            first = str(exc).strip().splitlines()[0]
            click.echo(
                f"error: lost the database connection: {first}; nothing half-written "
                "was kept (each batch is one transaction); run again to resume",
                err=True,
            )
            sys.exit(exit_codes.ERROR)

    return cast(F, wrapper)


def settings_of(ctx: click.Context) -> Settings:
    """The settings the `narrmon` group loaded."""
    return cast(Settings, ctx.obj)


def since_option(func: Callable[..., Any]) -> Callable[..., Any]:
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
