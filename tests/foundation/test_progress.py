"""The run's progress display: redrawn in place on a terminal, plain lines in logs."""

from __future__ import annotations

import io

import pytest

from narrmon import progress
from narrmon.progress import RunProgress
from narrmon.summary import SourceProgress, SourceSummary


def rows(fetched: int, done: bool) -> list[SourceProgress]:
    return [
        SourceProgress("tass-en", fetched, fetched - 1, fetched - 2, done),
        SourceProgress("bbc", 3, 3, 3, True),
    ]


def test_terminal_redraws_one_line_per_source_in_place() -> None:
    out = io.StringIO()
    shown = RunProgress(out, live=True)
    shown.update(rows(5, False))
    first = out.getvalue()
    assert first.count("\n") == 2 and "\x1b[2F" not in first
    assert "tass-en" in first and "fetched     5  extracted     4  stored     3  …" in first
    shown.update(rows(9, True))
    second = out.getvalue()[len(first) :]
    assert second.startswith("\x1b[2F") and second.count("\x1b[2K") == 2
    assert "fetched     9  extracted     8  stored     7  done" in second
    shown.source_done(SourceSummary("tass-en"))  # the live rows already say it
    assert out.getvalue() == first + second


def test_plain_lines_when_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.StringIO()
    shown = RunProgress(out)  # StringIO is not a terminal
    shown.update(rows(5, False))
    assert out.getvalue() == ""  # the totals line waits PLAIN_EVERY_S
    monkeypatch.setattr(progress, "PLAIN_EVERY_S", 0.0)
    shown.update(rows(5, False))
    shown.source_done(SourceSummary("tass-en", fetched=5, new=2, quarantined=1))
    lines = out.getvalue().splitlines()
    assert lines == [
        "progress: 1/2 sources done; pages fetched 8, extracted 7, stored 6",
        "tass-en: ok, fetched 5, new 2, quarantined 1, errors 0",
    ]
    assert "\x1b" not in out.getvalue()
