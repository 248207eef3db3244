"""Synthetic articles and tags at volume, for export and dashboard benchmarks and tests.

Deterministic for a given seed. Writes through the same store functions as ingestion.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from models import store
from models.db import make_engine, session_factory
from models.records import ArticleRecord, SourceRecord, TagRecord
from models.rollups import rebuild_rollups

NARRATIVE_IDS = (
    "broken-promise",
    "encirclement",
    "rejected-partnership",
    "ukraine-proxy",
    "nato-provoked-war",
    "no-binding-pledge",
    "sovereign-choice",
    "defensive-alliance",
    "aggression-drives-enlargement",
)
KREMLIN_SIDE = frozenset(NARRATIVE_IDS[:5])
MEDIA_TYPES = ("state-affiliated", "public-broadcaster", "commercial", "independent", "think-tank")
LANGS = ("en", "ru", "uk", "de", "fr")
_WORDS = [
    "alliance",
    "moscow",
    "enlargement",
    "security",
    "summit",
    "treaty",
    "border",
    "minister",
    "talks",
    "promise",
    "reunification",
    "eastward",
    "troops",
    "exercise",
    "sovereignty",
    "kyiv",
    "brussels",
    "warsaw",
    "baltic",
    "defence",
]
STANCES = ("promotes", "reports", "disputes")
# Stance weights (promotes, reports, disputes) by outlet, cycling over the outlets: an
# amplifier, a debunker and a neutral wire, so stance splits differ by outlet as they do
# in real coverage (the demo's debunkers dispute most broken-promise claims).
STANCE_MIX = ((0.7, 0.2, 0.1), (0.1, 0.2, 0.7), (0.2, 0.6, 0.2))
EVIDENCE = "Moscow says the West promised in 1990 that NATO would not move one inch east."


def synthetic_sources(n: int = 20) -> list[SourceRecord]:
    """``n`` sources spread over media types, languages and countries."""
    out = []
    for i in range(n):
        lang = LANGS[i % len(LANGS)]
        out.append(
            SourceRecord(
                id=f"src-{i:02d}",
                name=f"Outlet {i:02d}",
                homepage=f"https://outlet{i:02d}.example/",
                language=lang,
                country=("RU", "GB", "UA", "DE", "FR")[i % 5],
                media_type=MEDIA_TYPES[i % len(MEDIA_TYPES)],
                enabled=True,
                config={"feeds": [{"type": "rss", "url": f"https://outlet{i:02d}.example/rss"}]},
            )
        )
    return out


def synthetic_article(
    i: int, sources: Sequence[SourceRecord], start: date, days: int, words: int, rng: random.Random
) -> ArticleRecord:
    """One deterministic article; every 3rd article is a syndicated copy of a neighbour."""
    src = sources[i % len(sources)]
    day = start + timedelta(days=rng.randrange(days))
    published = datetime(day.year, day.month, day.day, rng.randrange(24), tzinfo=UTC)
    body = EVIDENCE + " " + " ".join(rng.choice(_WORDS) for _ in range(words))
    story = f"story-{i // 3 if i % 3 == 2 else i}"
    return ArticleRecord(
        url=f"{src.homepage}news/{i}",
        source_id=src.id,
        text=body,
        fetched_at=published + timedelta(hours=1),
        content_hash=hashlib.sha256(body.encode()).hexdigest(),
        story_id=story,
        extractor_version="synthetic/1",
        title=f"Article {i} on NATO enlargement",
        author=f"Reporter {i % 50}",
        published_at=published,
        language=src.language,
        word_count=len(body.split()),
    )


def synthetic_tags(i: int, rng: random.Random, source_index: int = 0) -> list[TagRecord]:
    """Two tags on most articles (so 1M articles carry about 2M tags), none on some.

    The stance follows the outlet's STANCE_MIX (``source_index`` picks it).
    """
    if i % 10 == 0:
        return []
    ids = rng.sample(NARRATIVE_IDS, 2 if i % 10 > 1 else 3)
    evidence = [{"text": EVIDENCE, "start": 0, "end": len(EVIDENCE)}]
    return [
        TagRecord(
            narrative_id=n,
            score=round(rng.uniform(0.5, 1.0), 3),
            stance=rng.choices(STANCES, STANCE_MIX[source_index % len(STANCE_MIX)])[0],
            evidence=evidence,
        )
        for n in ids
    ]


def seed(
    session: Session,
    n_articles: int,
    *,
    n_sources: int = 20,
    start: date = date(2025, 1, 1),
    days: int = 365,
    words: int = 120,
    seed_value: int = 7,
    batch: int = 2000,
    progress: bool = False,
) -> int:
    """Insert ``n_articles`` synthetic articles with tags, then rebuild the rollups."""
    rng = random.Random(seed_value)
    sources = synthetic_sources(n_sources)
    store.sync_sources(session, sources)
    session.commit()
    started = time.monotonic()
    for first in range(0, n_articles, batch):
        idx = range(first, min(first + batch, n_articles))
        records = [synthetic_article(i, sources, start, days, words, rng) for i in idx]
        ids = store.upsert_articles(session, records)
        tags = {
            ids[r.url][0]: synthetic_tags(i, rng, i % len(sources))
            for i, r in zip(idx, records, strict=True)
        }
        store.replace_tags(session, tags, "synthetic-1")
        session.commit()
        if progress:
            done = first + len(records)
            print(
                f"seeded {done}/{n_articles} ({done / (time.monotonic() - started):.0f}/s)",
                file=sys.stderr,
            )
    rebuild_rollups(session, start, start + timedelta(days=days))
    session.commit()
    return n_articles


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: ``python -m bench.seed DATABASE_URL N``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("database_url")
    parser.add_argument("articles", type=int)
    parser.add_argument("--words", type=int, default=120)
    args = parser.parse_args(argv)
    from models import migrate

    migrate.upgrade(args.database_url)
    engine = make_engine(args.database_url)
    with session_factory(engine)() as session:
        seed(session, args.articles, words=args.words, progress=True)
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
