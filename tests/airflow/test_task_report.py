"""A load task's summary lines add up: what became of each fetched page, once."""

from __future__ import annotations

import re

from narrmon.summary import SourceSummary
from narrmon.task_report import source_report


def counted(report: str) -> int:
    """Pages the report's stored, quarantined and repeats lines account for."""
    stored = re.search(r"stored: (\d+) new, (\d+) changed, (\d+) unchanged", report)
    quarantined = re.search(r"quarantined: (\d+) ", report)
    repeats = re.search(r"repeats: (\d+) ", report)
    assert stored and quarantined, report
    return (
        sum(int(n) for n in stored.groups())
        + int(quarantined.group(1))
        + (int(repeats.group(1)) if repeats else 0)
    )


def test_counts_add_up_to_the_pages_fetched() -> None:
    summary = SourceSummary(
        "demo-novosti", fetched=10, new=6, updated=1, unchanged=1, syndicated=2, quarantined=1
    )
    summary.repeats = 1
    assert summary.outcomes_total() == summary.fetched
    report = source_report(summary.as_dict())
    assert "load of demo-novosti: ok, 10 pages fetched" in report
    assert counted(report) == 10
    # Copies of another outlet's story are among the stored, not an extra term.
    assert "6 new, 1 changed, 1 unchanged (2 of them copies of a story stored elsewhere)" in report


def test_no_copy_or_repeat_no_clause() -> None:
    report = source_report(SourceSummary("a", fetched=3, new=3).as_dict())
    assert "stored: 3 new, 0 changed, 0 unchanged\n" in report
    assert "repeats" not in report and "copies" not in report
    assert counted(report) == 3
