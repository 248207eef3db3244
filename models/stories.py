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
    b = bands(simhash)
    stmt = (
        select(Article.story_id, Article.simhash)
        .where(
            or_(
                Article.sim_band0 == b[0],
                Article.sim_band1 == b[1],
                Article.sim_band2 == b[2],
                Article.sim_band3 == b[3],
            ),
            Article.day.between(
                day - timedelta(days=WINDOW_DAYS), day + timedelta(days=WINDOW_DAYS)
            ),
        )
        .order_by(Article.id)
    )
    if exclude_urls:
        stmt = stmt.where(Article.url.not_in(list(exclude_urls)))
    best: tuple[int, str] | None = None
    for story_id, other in session.execute(stmt):
        if other is None:
            continue
        d = distance(simhash, other)
        if d <= MAX_DISTANCE and (best is None or d < best[0]):
            best = (d, story_id)
    return None if best is None else best[1]
