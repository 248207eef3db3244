"""The live progress of `narrmon run`: redrawn in place on a terminal, plain lines elsewhere."""

from __future__ import annotations

import time
from typing import TextIO

from narrmon.summary import SourceProgress, SourceSummary

# Without a terminal (Airflow logs, pipes, cron mail) one totals line this often (s): enough
# to see a run is alive, few enough lines for a log.
PLAIN_EVERY_S = 30.0
# ANSI: cursor up N lines to column 0; erase the line.
UP = "\x1b[{n}F"
ERASE = "\x1b[2K"


class RunProgress:
    """Shows where each source stands while a run crawls, extracts and stores.

    On a terminal, one line per source is redrawn in place (pages fetched, extracted,
    stored; ``done`` once loaded). Otherwise each finished source gets one plain line
    and the totals one line every ``PLAIN_EVERY_S``.
    """

    def __init__(self, stream: TextIO, *, live: bool | None = None) -> None:
        self.stream = stream
        self.live = stream.isatty() if live is None else live
        self.drawn = 0
        self.last_plain = time.monotonic()

    def update(self, rows: list[SourceProgress]) -> None:
        """Redraw (terminal) or, now and then, print the totals (plain)."""
        if self.live:
            self._draw(rows)
            return
        now = time.monotonic()
        if now - self.last_plain >= PLAIN_EVERY_S:
            self.last_plain = now
            done = sum(1 for r in rows if r.done)
            self._line(
                f"progress: {done}/{len(rows)} sources done; pages fetched "
                f"{sum(r.fetched for r in rows)}, extracted {sum(r.extracted for r in rows)}, "
                f"stored {sum(r.stored for r in rows)}"
            )

    def source_done(self, s: SourceSummary) -> None:
        """One plain line for a finished source (the live display shows it in its row)."""
        if not self.live:
            self._line(
                f"{s.source_id}: {s.status}, fetched {s.fetched}, new {s.new}, "
                f"quarantined {s.quarantined}, errors {s.errors}"
            )

    def close(self) -> None:
        """Leave the last drawing on screen; later output starts below it."""
        self.drawn = 0

    def _draw(self, rows: list[SourceProgress]) -> None:
        width = max((len(r.source_id) for r in rows), default=6) + 2
        out = [UP.format(n=self.drawn)] if self.drawn else []
        for r in rows:
            state = "done" if r.done else "…"
            out.append(
                f"{ERASE}{r.source_id:<{width}}fetched {r.fetched:>5}  extracted "
                f"{r.extracted:>5}  stored {r.stored:>5}  {state}\n"
            )
        self.stream.write("".join(out))
        self.stream.flush()
        self.drawn = len(rows)

    def _line(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()
