"""Task logs a person reads: third-party INFO is dropped, warnings and our own INFO stay."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from narrmon.task_logging import NOISY_LIBRARIES, LibraryInfoFilter, quiet_libraries

GX_FILE = "/venv/lib/python3.11/site-packages/great_expectations/data_context/variables.py"
OURS = "/work/narrmon/tasks.py"


class ListHandler(logging.Handler):
    """Keeps the records it is handed (after its filters)."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def root_handler() -> Iterator[ListHandler]:
    """A handler on the root logger, as a task process has one; all undone afterwards."""
    handler = ListHandler()
    root = logging.getLogger()
    levels = {name: logging.getLogger(name).level for name in NOISY_LIBRARIES}
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def record(name: str, level: int, path: str, msg: str) -> logging.LogRecord:
    return logging.getLogger(name).makeRecord(name, level, path, 1, msg, (), None)


def test_library_info_is_dropped_by_file_whatever_the_logger_name(
    root_handler: ListHandler,
) -> None:
    quiet_libraries()
    quiet_libraries()  # twice: still one filter per handler
    assert sum(isinstance(f, LibraryInfoFilter) for f in root_handler.filters) == 1
    # GX names some loggers by file path: a level on "great_expectations" misses them.
    root_handler.handle(record(GX_FILE, logging.INFO, GX_FILE, "Stashing FluentDatasource"))
    root_handler.handle(record(GX_FILE, logging.WARNING, GX_FILE, "a GX warning"))
    root_handler.handle(record("narrmon.tasks", logging.INFO, OURS, "load of demo-x: ok"))
    assert [r.getMessage() for r in root_handler.records] == ["a GX warning", "load of demo-x: ok"]
    assert not logging.getLogger("alembic").isEnabledFor(logging.INFO)
