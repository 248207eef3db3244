"""Story clustering in the database: the indexed near-duplicate lookup and key storage.

Syndicated or mirrored copies of one story share a ``story_id``. Exact copies are found
by content hash (models.store); near copies by the MinHash LSH keys of
:mod:`models.story_match`, stored one row per band in ``story_keys`` and looked up by an
indexed equality on (key, day), then confirmed on the texts with the same-story rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from models.schema import Article, StoryKey
from models.story_match import WINDOW_DAYS, best_candidate, fingerprint

# Probes per lookup query: 250 x 16 keys = 4,000 values in one IN list, well under
# SQLite's 32,766 bound parameters, and one round trip per 250 articles.
PROBES_PER_QUERY = 250
# Rows per key INSERT and per candidate-text SELECT (bound-parameter limits as above).
ROWS_PER_QUERY = 2000


@dataclass(frozen=True, slots=True)
class StoryProbe:
    """An article looking for the story it copies.

    ``before_id``: only stored articles with a smaller id count (restory replays the
    order articles were stored in); None on the load path, where all stored ones count.
    """

    url: str
    text: str
    day: date
    keys: tuple[int, ...]
    before_id: int | None = None


def replace_story_keys(
    session: Session, keys_by_article: Iterable[tuple[int, date, Sequence[int]]]
) -> int:
    """Store the LSH keys of articles ``(id, day, keys)``, replacing any they had."""
    items = list(keys_by_article)
    ids = [article_id for article_id, _, _ in items]
    for start in range(0, len(ids), ROWS_PER_QUERY):
        chunk = ids[start : start + ROWS_PER_QUERY]
        session.execute(delete(StoryKey).where(StoryKey.article_id.in_(chunk)))
    rows = [
        {"article_id": article_id, "band": band, "key": key, "day": day}
        for article_id, day, keys in items
        for band, key in enumerate(keys)
    ]
    for start in range(0, len(rows), ROWS_PER_QUERY):
        session.execute(insert(StoryKey), rows[start : start + ROWS_PER_QUERY])
    return len(rows)


def candidate_ids(
    session: Session, chunk: Sequence[StoryProbe], window: timedelta
) -> dict[str, set[int]]:
    """Stored article ids sharing an LSH key with each probe within the window: the indexed
    part of the lookup (the texts are checked after), ``{probe url: ids}``."""
    keys = sorted({k for p in chunk for k in p.keys})
    lo = min(p.day for p in chunk) - window
    hi = max(p.day for p in chunk) + window
    by_key: dict[int, list[tuple[int, date]]] = {}
    stmt = select(StoryKey.key, StoryKey.article_id, StoryKey.day).where(
        StoryKey.key.in_(keys), StoryKey.day.between(lo, hi)
    )
    for key, article_id, day in session.execute(stmt):
        by_key.setdefault(key, []).append((article_id, day))
    found: dict[str, set[int]] = {}
    for probe in chunk:
        ids = {
            article_id
            for key in probe.keys
            for article_id, day in by_key.get(key, ())
            if abs(day - probe.day) <= window
            and (probe.before_id is None or article_id < probe.before_id)
        }
        if ids:
            found[probe.url] = ids
    return found


def stored_story_matches(
    session: Session, probes: Sequence[StoryProbe], *, window_days: int = WINDOW_DAYS
) -> dict[str, str]:
    """Near-duplicate lookups for many articles at once: ``{url: story id}``.

    A probe's answer is the story of the stored article (not at the probe's URL) within
    ``window_days`` that the probe copies by :func:`models.story_match.same_story`: the
    most contained one, the earliest stored on a tie. Probes without one are left out.
    """
    found = stored_copies(session, probes, window_days=window_days)
    return {url: story for url, (_, story) in found.items()}


def stored_copies(
    session: Session, probes: Sequence[StoryProbe], *, window_days: int = WINDOW_DAYS
) -> dict[str, tuple[int, str]]:
    """Like :func:`stored_story_matches`, answering ``{url: (article id, story id)}``.

    One key query per PROBES_PER_QUERY probes, one text query for their candidates.
    """
    window = timedelta(days=window_days)
    found: dict[str, tuple[int, str]] = {}
    usable = [p for p in probes if p.keys]
    for start in range(0, len(usable), PROBES_PER_QUERY):
        chunk = usable[start : start + PROBES_PER_QUERY]
        candidates = candidate_ids(session, chunk, window)
        wanted = sorted(set().union(*candidates.values())) if candidates else []
        stored: dict[int, tuple[str, str, np.ndarray]] = {}
        for first in range(0, len(wanted), ROWS_PER_QUERY):
            stmt = select(Article.id, Article.url, Article.story_id, Article.text).where(
                Article.id.in_(wanted[first : first + ROWS_PER_QUERY])
            )
            for row in session.execute(stmt):
                stored[row.id] = (row.url, row.story_id, fingerprint(row.text))
        for probe in chunk:
            ids = candidates.get(probe.url)
            if not ids:
                continue
            options = [
                (i, stored[i][1], stored[i][2])
                for i in sorted(ids)
                if i in stored and stored[i][0] != probe.url
            ]
            match = best_candidate(fingerprint(probe.text), options) if options else None
            if match is not None:
                found[probe.url] = match
    return found
