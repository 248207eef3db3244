"""Story clustering support: SimHash bands and the near-duplicate lookup.

Syndicated or mirrored copies of one story share a ``story_id``. Exact copies are found
by content hash; near copies (a changed dateline, an added credit line) by a 64-bit
SimHash split into four 16-bit bands: any two hashes within Hamming distance 3 agree on
at least one band (pigeonhole), so an indexed equality lookup finds them all without an
all-pairs scan.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from models.schema import Article

BANDS = 4
BAND_BITS = 16
# Largest Hamming distance (of 64 bits) still counted as the same story: 3 is what the
# four bands guarantee to find; copies with a changed dateline measure 0-3.
MAX_DISTANCE = 3
# Syndicated copies appear within days of each other; a window keeps the lookup small.
WINDOW_DAYS = 7


def to_signed64(value: int) -> int:
    """An unsigned 64-bit hash as the signed integer a BIGINT column stores."""
    value &= (1 << 64) - 1
    return value - (1 << 64) if value >= 1 << 63 else value


def bands(simhash: int) -> tuple[int, int, int, int]:
    """The four 16-bit bands of a (signed or unsigned) 64-bit SimHash."""
    unsigned = simhash & ((1 << 64) - 1)
    mask = (1 << BAND_BITS) - 1
    b = tuple((unsigned >> (i * BAND_BITS)) & mask for i in range(BANDS))
    return b[0], b[1], b[2], b[3]


def distance(a: int, b: int) -> int:
    """Hamming distance of two 64-bit hashes."""
    return ((a ^ b) & ((1 << 64) - 1)).bit_count()


def near_duplicate_story(
    session: Session, simhash: int, day: date, *, exclude_urls: Sequence[str] = ()
) -> str | None:
    """The story id of a stored article within MAX_DISTANCE of ``simhash`` near ``day``."""
    found = near_duplicate_stories(session, [("", simhash, day)], exclude_urls=exclude_urls)
    return found.get("")


# Probes per lookup query: four IN lists of at most this many band values each.
PROBES_PER_QUERY = 250


def near_duplicate_stories(
    session: Session,
    probes: Sequence[tuple[str, int, date]],
    *,
    exclude_urls: Sequence[str] = (),
) -> dict[str, str]:
    """Near-duplicate lookups for many articles at once: ``{url: story id}``.

    Each probe is ``(url, simhash, day)``; its answer is the story of the stored article
    (not at that URL nor in ``exclude_urls``) within MAX_DISTANCE and WINDOW_DAYS, the
    nearest one, the earliest stored on a tie. Probes without one are left out. One
    query per PROBES_PER_QUERY probes instead of one per article.
    """
    found: dict[str, str] = {}
    excluded = set(exclude_urls)
    window = timedelta(days=WINDOW_DAYS)
    for start in range(0, len(probes), PROBES_PER_QUERY):
        chunk = probes[start : start + PROBES_PER_QUERY]
        probe_bands = [bands(h) for _, h, _ in chunk]
        band_columns = (Article.sim_band0, Article.sim_band1, Article.sim_band2, Article.sim_band3)
        stmt = select(
            Article.id, Article.url, Article.story_id, Article.simhash, Article.day
        ).where(
            or_(
                *(
                    col.in_(sorted({b[i] for b in probe_bands}))
                    for i, col in enumerate(band_columns)
                )
            ),
            Article.day.between(
                min(d for *_, d in chunk) - window, max(d for *_, d in chunk) + window
            ),
        )
        # Stored rows by (band number, band value), in id order.
        by_band: dict[tuple[int, int], list[Any]] = {}
        for row in session.execute(stmt.order_by(Article.id)):
            if row.simhash is None:
                continue
            for i, band in enumerate(bands(row.simhash)):
                by_band.setdefault((i, band), []).append(row)
        for (url, simhash, day), pb in zip(chunk, probe_bands, strict=True):
            best: tuple[int, int, str] | None = None
            for i in range(BANDS):
                for row in by_band.get((i, pb[i]), ()):
                    if row.url == url or row.url in excluded or abs(row.day - day) > window:
                        continue
                    d = distance(simhash, row.simhash)
                    if d <= MAX_DISTANCE and (best is None or (d, row.id) < best[:2]):
                        best = (d, row.id, row.story_id)
            if best is not None:
                found[url] = best[2]
    return found
