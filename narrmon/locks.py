"""One loader at a time per database: a PostgreSQL advisory lock, or a file lock for SQLite.

Two `narrmon run` on one database then neither corrupt nor duplicate: the second waits
for the first to finish its loads.
"""

from __future__ import annotations

import fcntl
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text

from narrmon.errors import NarrmonError

log = logging.getLogger(__name__)

# Arbitrary but fixed 64-bit key of narrmon's advisory lock ("narrmon" in ASCII).
ADVISORY_KEY = 0x6E6172726D6F6E
# Poll interval while another run holds the lock (s): short beside a crawl's minutes.
POLL_S = 0.5


@contextmanager
def load_lock(engine: Engine, data_dir: Path, *, timeout: float = 3600.0) -> Iterator[None]:
    """Hold the database's load lock for the block; wait up to ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            warned = False
            while not conn.execute(
                text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}
            ).scalar():
                if time.monotonic() > deadline:
                    raise NarrmonError("another narrmon run holds the database lock; gave up")
                if not warned:
                    log.info("another narrmon run is loading; waiting for its lock")
                    warned = True
                time.sleep(POLL_S)
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
                conn.commit()
        return
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "narrmon.lock"
    with path.open("a+") as fh:
        warned = False
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise NarrmonError(f"another narrmon run holds {path}; gave up") from None
                if not warned:
                    log.info("another narrmon run is loading (%s); waiting", path)
                    warned = True
                time.sleep(POLL_S)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
