"""Open the configured database with a clear error when it cannot be reached."""

from __future__ import annotations

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from models.db import make_engine
from narrmon.errors import NarrmonError


def redact(url: str) -> str:
    """The URL with its password hidden, for logs and error messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<invalid database URL>"


def open_engine(url: str, *, check: bool = True) -> Engine:
    """An engine for ``url``; with ``check``, fail fast with a NarrmonError when unreachable."""
    try:
        engine = make_engine(url)
    except (ArgumentError, ImportError) as exc:
        raise NarrmonError(f"invalid database URL {redact(url)}: {exc}") from exc
    if check:
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except OperationalError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise NarrmonError(f"database unreachable at {redact(url)}: {reason}") from exc
    return engine
