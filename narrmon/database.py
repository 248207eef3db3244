"""Open the configured database with a clear error when it cannot be reached."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from models.db import make_engine
from models.migrate import current_revision
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
        _check_reachable(engine, url)
    return engine


def _reason(exc: OperationalError) -> str:
    return str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)


def _check_reachable(engine: Engine, url: str) -> None:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        engine.dispose()
        raise NarrmonError(f"database unreachable at {redact(url)}: {_reason(exc)}") from exc


def _sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for other databases and in-memory SQLite)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or database in ("", ":memory:"):
        return None
    return Path(database.removeprefix("file:"))


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def open_initialised(url: str, *, read_only: bool = False) -> Engine:
    """An engine on a database `narrmon init` has prepared, for commands that read it.

    Nothing is created: a missing SQLite file or a database without the narrmon schema
    is a NarrmonError that says to run `narrmon init` first. With ``read_only`` the
    database is opened so that it cannot be written (a read-only copy can be exported).
    """
    path = _sqlite_file(url)
    if path is not None and not path.is_file():
        raise NarrmonError(f"no narrmon database at {path}: run `narrmon init` first")
    if read_only:
        from models.db import make_read_only_engine

        if path is not None and not _writable(path):
            # A read-only copy: SQLite cannot set up its WAL shared memory beside it, so
            # it is opened as immutable (nobody writes it while we read).
            url = f"sqlite:///file:{path.resolve()}?mode=ro&immutable=1&uri=true"

        try:
            engine = make_read_only_engine(url)
        except (ArgumentError, ImportError) as exc:
            raise NarrmonError(f"invalid database URL {redact(url)}: {exc}") from exc
        _check_reachable(engine, url)
    else:
        engine = open_engine(url)
    try:
        revision = current_revision(engine)
    except OperationalError as exc:
        engine.dispose()
        raise NarrmonError(f"cannot read the database at {redact(url)}: {_reason(exc)}") from exc
    if revision is None:
        engine.dispose()
        raise NarrmonError(
            f"the database at {redact(url)} has no narrmon schema: run `narrmon init` first"
        )
    return engine
