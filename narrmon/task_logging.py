"""Task logs a person reads: third-party INFO kept out of an Airflow task's log.

Imports nothing but ``logging``, so a task calls :func:`quiet_libraries` before it
imports the core (some libraries log while they are imported).
"""

from __future__ import annotations

import logging

# Libraries whose INFO lines would bury a task's own summary (GX alone logs ~200
# "Skipping registering function" lines per import; alembic one line per migration
# step): WARNING and above still reach the task log.
NOISY_LIBRARIES = (
    "great_expectations",
    "alembic",
    "trafilatura",
    "htmldate",
    "courlan",
    "charset_normalizer",
    "urllib3",
    "filelock",
)


class LibraryInfoFilter(logging.Filter):
    """Drops records below WARNING emitted from inside a noisy library's package.

    Judged by the emitting file, not the logger's name: some libraries name loggers by
    file path (Great Expectations' ``logging.getLogger(__file__)``), out of reach of
    a level set on the package's logger.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """False for a noisy library's INFO or DEBUG record."""
        if record.levelno >= logging.WARNING:
            return True
        path = record.pathname.replace("\\", "/")
        return not any(f"/{name}/" in path for name in NOISY_LIBRARIES)


def quiet_libraries() -> None:
    """Keep third-party INFO out of this (task) process's log; WARNING still shows.

    The DAGs' tasks call it before importing the core (alembic logs while it is
    imported); the CLI keeps its own logging set-up.
    """
    for name in NOISY_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, LibraryInfoFilter) for f in handler.filters):
            handler.addFilter(LibraryInfoFilter())
