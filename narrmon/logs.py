"""Logging of the CLI: our packages at the chosen level, third-party libraries quiet."""

from __future__ import annotations

import logging
import sys

# Loggers of this project; everything else is a third-party library.
OWN_PACKAGES = ("narrmon", "crawlers", "narratives", "quality", "models", "dashboards", "dags")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _ThirdPartyAtWarning(logging.Filter):
    """Drops third-party records below WARNING (Great Expectations, Alembic, ...)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            return True
        return record.name.split(".", 1)[0] in OWN_PACKAGES


def configure_logging(level: str) -> None:
    """Log to stderr: our packages at ``level``; third-party libraries at WARNING, unless
    ``level`` is DEBUG (then everything, for a bug report)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    if level != "DEBUG":
        handler.addFilter(_ThirdPartyAtWarning())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
