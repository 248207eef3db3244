"""Fixtures for the quality-gate tests: article rows and one Great Expectations runtime.

Great Expectations is imported once per test session (``gx_data_dir``); the gate's own
``quality.gx_runtime.quiet`` silences its internal warnings while validating, so no
global warning filter is needed for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from crawlers.urls import host_allowed
from quality.records import GateRow

NOW = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)

# About 110 words of running prose in five paragraphs: passes every check.
PARAGRAPH = (
    "Ministers of the alliance met in Brussels on Monday to discuss enlargement, "
    "and officials said the talks focused on the security of the eastern flank."
)
BODY = "\n".join([PARAGRAPH] * 5)

RowFactory = Callable[..., GateRow]


def make_row(i: int = 0, **overrides: Any) -> GateRow:
    """A good English article of the ``herald`` source; override fields to break it."""
    url = overrides.pop("url", f"https://www.herald.example/world/{i}")
    row = GateRow(
        key=overrides.pop("key", url),
        url=url,
        source_id="herald",
        allowed_domains=("herald.example",),
        expected_languages=("en",),
        text=BODY,
        title=f"Alliance ministers discuss enlargement ({i})",
        language="en",
        published_at=NOW - timedelta(hours=2),
        fetched_at=NOW,
        word_count=len(BODY.split()),
        link_density=0.25,
        duplicate_of=None,
    )
    judged = "on_source_hosts" in overrides
    row = replace(row, **overrides)
    # The core judges the host with the crawler's rule; so does the factory.
    return (
        row if judged else replace(row, on_source_hosts=host_allowed(row.url, row.allowed_domains))
    )


@pytest.fixture
def now() -> datetime:
    """The fetch time of the factory's rows."""
    return NOW


@pytest.fixture
def body() -> str:
    """The factory's good article text."""
    return BODY


@pytest.fixture
def row_factory() -> RowFactory:
    """Build gate rows: ``row_factory(i, field=value, ...)``."""
    return make_row


@pytest.fixture(scope="session")
def gx_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory whose quality context is created (and GX imported) once."""
    from quality.gate import validate_batch

    data_dir = tmp_path_factory.mktemp("quality-data")
    validate_batch([make_row()], data_dir=data_dir, run_id="warm-up")
    return data_dir
