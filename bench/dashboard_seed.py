"""Fill the PostgreSQL dashboard benchmark database in SQL (INSERT ... SELECT generate_series).

The Python generator (bench.seed) writes ~300 articles a second on the shared 2-core
machine: an hour for 1M. Here the server generates the same shape of data itself, in a
few minutes: 20 outlets over 2025, every 3rd article a syndicated copy of a neighbour,
no tag on a tenth of the articles, three on a fifth and two on the rest (2 tags per
article), stances mixed by outlet as in bench.seed.STANCE_MIX. Deterministic: the
pseudo-random choices are hashes of the article number.
"""

from __future__ import annotations

import sys
import time
from datetime import date, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from bench.seed import EVIDENCE, NARRATIVE_IDS, STANCE_MIX, synthetic_sources
from models import store
from models.db import make_engine, session_factory
from models.rollups import rebuild_rollups
from narratives import TAXONOMY_VERSION, load_taxonomy

# hashint8 (PostgreSQL's internal hash) of the article number, salted per choice: cheap,
# deterministic and spread evenly enough for synthetic dates and stances. The number is
# scaled by a prime (7919) so the salts 0-5 of one article never hash another article's
# number.
_H = "abs(hashint8(g::bigint * 7919 + {salt}))"
# The words after the evidence sentence in every article body (the Trends queries never
# read text; short rows keep the table small, as bench.dashboard_queries.WORDS does).
_BODY_TAIL = "alliance moscow enlargement security summit treaty border talks"

_ARTICLES = """
INSERT INTO articles (id, url, source_id, title, author, published_at, fetched_at, day,
    language, text, word_count, content_hash, story_id, extractor_version, updated_at)
SELECT g + 1,
       'https://outlet' || lpad((g % 20)::text, 2, '0') || '.example/news/' || g,
       'src-' || lpad((g % 20)::text, 2, '0'),
       'Article ' || g || ' on NATO enlargement',
       'Reporter ' || (g % 50),
       d + make_interval(hours => ({h1} % 24)::int),
       d + make_interval(hours => ({h1} % 24)::int + 1),
       d::date,
       (ARRAY['en','ru','uk','de','fr'])[(g % 20) % 5 + 1],
       :evidence || ' ' || :tail,
       :words,
       md5(g::text),
       'story-' || CASE WHEN g % 3 = 2 THEN g / 3 ELSE g END,
       'synthetic/1',
       now()
FROM (SELECT g,
             CAST(:start AS timestamptz)
               + make_interval(days => ({h0} % CAST(:days AS integer))::int) AS d
      FROM generate_series(CAST(:first AS integer), CAST(:last AS integer)) AS g) AS s
"""

# Tag k (0, 1, 2) of article g: narrative (offset + k * step) mod 9 with step in 1..8, so
# an article's narratives are distinct; the third tag only where g % 10 is 1 or 3.
_TAGS = """
INSERT INTO narrative_tags (article_id, narrative_id, score, stance, evidence,
    taxonomy_version, day, source_id)
SELECT a.id,
       (CAST(:ids AS text[]))[((({h2} % 9) + k * (1 + {h3} % 8)) % 9)::int + 1],
       0.5 + ({h4} % 500) / 1000.0,
       CASE WHEN {h5} % 100 < (CAST(:promotes AS integer[]))[(g % 20) % 3 + 1] THEN 'promotes'
            WHEN {h5} % 100 < (CAST(:reports AS integer[]))[(g % 20) % 3 + 1] THEN 'reports'
            ELSE 'disputes' END,
       CAST(:evidence_json AS jsonb),
       'synthetic-1', a.day, a.source_id
FROM generate_series(CAST(:first AS integer), CAST(:last AS integer)) AS g
JOIN articles AS a ON a.id = g + 1
CROSS JOIN generate_series(0, 2) AS k
WHERE g % 10 <> 0 AND (k < 2 OR g % 10 IN (1, 3))
"""

# Rows per INSERT batch: small enough to report progress, large enough that the
# per-statement overhead is nothing.
BATCH = 250_000


def _sql(template: str) -> str:
    salts = {f"h{k}": _H.format(salt=k) for k in range(6)}
    return template.format(**salts)


def seed_postgresql(url: str, n: int, start: date, days: int) -> None:
    """Insert ``n`` articles with about 2 tags each, then rebuild the rollups."""
    import json

    engine = make_engine(url)
    # Percent thresholds per outlet kind: promotes below the first, reports below the second.
    promotes = [round(mix[0] * 100) for mix in STANCE_MIX]
    reports = [round((mix[0] + mix[1]) * 100) for mix in STANCE_MIX]
    evidence_json = json.dumps([{"text": EVIDENCE, "start": 0, "end": len(EVIDENCE)}])
    with session_factory(engine)() as session:
        store.sync_sources(session, synthetic_sources(20))
        store.sync_narratives(
            session,
            [
                {"id": d.id, "side": d.side, "label": d.label, "definition": d.definition}
                for d in load_taxonomy()
            ],
            TAXONOMY_VERSION,
        )
        session.commit()
        started = time.monotonic()
        for first in range(0, n, BATCH):
            last = min(first + BATCH, n) - 1
            common = {"first": first, "last": last, "evidence": EVIDENCE}
            session.execute(
                text(_sql(_ARTICLES)),
                {
                    **common,
                    "start": start.isoformat(),
                    "days": days,
                    "tail": _BODY_TAIL,
                    "words": len(f"{EVIDENCE} {_BODY_TAIL}".split()),
                },
            )
            session.execute(
                text(_sql(_TAGS)),
                {
                    **common,
                    "ids": list(NARRATIVE_IDS),
                    "promotes": promotes,
                    "reports": reports,
                    "evidence_json": evidence_json,
                },
            )
            session.commit()
            print(
                f"seeded {last + 1:,}/{n:,} in {time.monotonic() - started:.0f}s", file=sys.stderr
            )
        session.execute(
            text("SELECT setval(pg_get_serial_sequence('articles', 'id'), max(id)) FROM articles")
        )
        session.commit()
        _rollups(session, start, days)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def _rollups(session: Session, start: date, days: int) -> None:
    started = time.monotonic()
    rebuild_rollups(session, start, start + timedelta(days=days))
    session.commit()
    print(f"rollups rebuilt in {time.monotonic() - started:.0f}s", file=sys.stderr)
