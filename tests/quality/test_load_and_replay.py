"""The gate in a load: 100 rows with 3 bad load 97, quarantine 3 with reasons; replay."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crawlers.urls import host_allowed
from models import store
from models.records import ArticleRecord, QuarantineRecord, SourceRecord
from models.schema import Article, QuarantineItem
from quality.gate import validate_batch
from quality.records import GateRow

RowFactory = Callable[..., GateRow]
TEASER = "Ministers met in Brussels to talk about the alliance. " * 7 + (
    "Subscribe now to continue reading."
)


def judged(row: GateRow) -> GateRow:
    """The row with its host judged as the core judges it (the crawler's host rule)."""
    return replace(row, on_source_hosts=host_allowed(row.url, row.allowed_domains))


def _record(row: GateRow) -> ArticleRecord:
    digest = hashlib.sha256(row.text.encode()).hexdigest()
    return ArticleRecord(
        url=row.url,
        source_id=row.source_id,
        text=row.text,
        fetched_at=row.fetched_at,
        content_hash=digest,
        story_id="st-" + digest[:24],
        extractor_version="test/1",
        title=row.title,
        published_at=row.published_at,
        language=row.language,
        word_count=row.word_count,
    )


def _payload(row: GateRow) -> dict[str, Any]:
    return {
        "url": row.url,
        "text": row.text,
        "title": row.title,
        "language": row.language,
        "published_at": row.published_at.isoformat() if row.published_at else None,
        "word_count": row.word_count,
        "link_density": row.link_density,
    }


def _load(session: Session, rows: list[GateRow], data_dir: Path, run_id: str) -> list[str]:
    """What the core does with a verdict: store the passed, quarantine the failed."""
    result = validate_batch(rows, data_dir=data_dir, run_id=run_id)
    by_key = {r.key: r for r in rows}
    store.upsert_articles(session, [_record(by_key[k]) for k in result.passed])
    store.quarantine_items(
        session,
        [
            QuarantineRecord(
                url=by_key[key].url,
                source_id=by_key[key].source_id,
                reasons=reasons,
                fetched_at=by_key[key].fetched_at,
                payload=_payload(by_key[key]),
                details=result.details[key],
                crawl_run_id=run_id,
            )
            for key, reasons in result.failed.items()
        ],
    )
    return result.passed


def test_load_97_quarantine_3_then_replay_one(
    session: Session, gx_data_dir: Path, row_factory: RowFactory, now: datetime
) -> None:
    store.sync_sources(
        session,
        [
            SourceRecord(
                id="herald",
                name="The Herald",
                homepage="https://www.herald.example/",
                language="en",
                country="GB",
                media_type="commercial",
                enabled=True,
                config={},
            )
        ],
    )
    rows = [row_factory(i, text=row_factory().text + f"\nStory {i}.") for i in range(100)]
    rows[10] = judged(replace(rows[10], url="https://cdn.herald-media.test/10", key="mirror-10"))
    rows[50] = replace(rows[50], text=TEASER)
    rows[90] = replace(rows[90], published_at=now + timedelta(days=5))
    _load(session, rows, gx_data_dir, "run-1")
    session.commit()

    assert session.scalar(select(func.count()).select_from(Article)) == 97
    quarantined = {
        q.url: q for q in session.scalars(select(QuarantineItem).order_by(QuarantineItem.url))
    }
    assert {url: q.reasons for url, q in quarantined.items()} == {
        "https://cdn.herald-media.test/10": ["url_on_source_domains"],
        rows[50].url: ["not_paywall_teaser"],
        rows[90].url: ["published_at_not_future"],
    }
    mirror = quarantined["https://cdn.herald-media.test/10"]
    assert mirror.details["url_on_source_domains"]["allowed_domains"] == ["herald.example"]
    assert mirror.status == "pending"

    # The cause is fixed: the outlet's CDN host joins the source's allowed domains.
    # Replay re-checks every pending item from its payload and loads what passes.
    pending = list(
        session.scalars(select(QuarantineItem).where(QuarantineItem.status == "pending"))
    )
    by_url = {r.url: r for r in rows}
    replay_rows = [
        judged(
            replace(
                by_url[q.url],
                key=str(q.id),
                allowed_domains=("herald.example", "herald-media.test"),
                text=q.payload["text"],
            )
        )
        for q in pending
    ]
    verdict = validate_batch(replay_rows, data_dir=gx_data_dir, run_id="replay-1")
    assert verdict.passed == [str(mirror.id)]
    store.upsert_articles(session, [_record(r) for r in replay_rows if r.key in verdict.passed])
    store.mark_replayed(session, [int(k) for k in verdict.passed])
    session.commit()

    assert session.scalar(select(func.count()).select_from(Article)) == 98
    statuses = dict(session.execute(select(QuarantineItem.url, QuarantineItem.status)).all())
    assert statuses == {
        "https://cdn.herald-media.test/10": "replayed",
        rows[50].url: "pending",
        rows[90].url: "pending",
    }
