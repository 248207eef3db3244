"""Story dedup: exact and near copies across outlets share a story id; others do not."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawlers.extraction import ExtractedArticle
from crawlers.registry import parse_sources
from models import store
from models.records import ArticleRecord
from models.schema import Article
from models.stories import (
    bands,
    distance,
    near_duplicate_stories,
    near_duplicate_story,
    to_signed64,
)
from narrmon.bootstrap import source_record
from narrmon.loading import load_outcomes
from narrmon.pages import PageOutcome, PageTask, text_simhash
from narrmon.summary import SourceSummary

STORY = (
    "Russian President Vladimir Putin said on Tuesday that Western leaders had promised in "
    "1990 that the alliance would not move east, and accused them of deceiving Moscow for "
    "three decades. Speaking at an economic forum, he said the enlargement of the bloc had "
    "brought its infrastructure to Russia's borders and that Moscow had been ignored when it "
    "proposed a common security architecture for Europe. Western diplomats rejected the "
    "claim, saying no treaty ever limited the membership of the alliance and that the "
    "states of central Europe had chosen to join of their own accord after the Cold War."
)
OTHER = (
    "The city council approved a new budget for public transport on Monday, adding three "
    "tram lines and extending night services on weekends. The mayor said ticket prices would "
    "stay unchanged for two years while the network is modernised, and that new low-floor "
    "vehicles would enter service in the spring. Opposition councillors criticised the cost "
    "of the plan and asked for an independent review of the contracts awarded so far, "
    "arguing that the tender had favoured a single supplier over cheaper bidders."
)
SOURCES = parse_sources(
    {
        "sources": [
            {
                "id": sid,
                "name": sid,
                "homepage": f"https://{sid}.example/",
                "language": "en",
                "country": "GB",
                "media_type": "commercial",
                "feeds": [{"type": "rss", "url": f"https://{sid}.example/rss"}],
            }
            for sid in ("wire", "paper", "blog")
        ]
    }
)


def outcome(source: str, slug: str, text: str) -> PageOutcome:
    url = f"https://{source}.example/{slug}"
    task = PageTask(
        url=url,
        final_url=url,
        canonical_url=url,
        warc_path="/nonexistent",
        warc_offset=0,
        warc_record_id=None,
        content_type="text/html",
        fetched_at="2025-05-06T10:00:00+00:00",
    )
    art = ExtractedArticle(
        text=text,
        title=slug,
        author=None,
        published_at=datetime(2025, 5, 6, 9, tzinfo=UTC),
        language="en",
        extractor_version="test/1",
        url=url,
        word_count=len(text.split()),
        date_source="json-ld",
    )
    return PageOutcome(task, art, [], simhash=text_simhash(text))


def test_simhash_bands_and_distance() -> None:
    a = text_simhash(STORY)
    b = text_simhash(STORY.replace("Tuesday", "Wednesday"))
    c = text_simhash(OTHER)
    assert a is not None and b is not None and c is not None
    assert distance(a, b) <= 3 < distance(a, c)
    assert any(x == y for x, y in zip(bands(a), bands(b), strict=True))
    assert to_signed64(2**64 - 1) == -1 and -(2**63) <= a < 2**63
    assert text_simhash("too short to say") is None


def test_copies_across_outlets_share_a_story(session: Session, tmp_path: Path) -> None:
    store.sync_sources(session, [source_record(s) for s in SOURCES])
    wire, paper, blog = SOURCES
    batch = [outcome("wire", "putin", STORY), outcome("wire", "council", OTHER)]
    load_outcomes(
        session, wire, batch, "r1", SourceSummary("wire"), taxonomy_version="t", data_dir=tmp_path
    )
    session.commit()
    summary = SourceSummary("paper")
    load_outcomes(
        session,
        paper,
        [
            outcome("paper", "exact-copy", STORY),
            outcome("paper", "near-copy", STORY.replace("Tuesday", "Wednesday")),
        ],
        "r2",
        summary,
        taxonomy_version="t",
        data_dir=tmp_path,
    )
    load_outcomes(
        session,
        blog,
        [
            outcome(
                "blog", "unrelated", OTHER.replace("Monday", "Friday") + " A late amendment passed."
            )
        ],
        "r3",
        SourceSummary("blog"),
        taxonomy_version="t",
        data_dir=tmp_path,
    )
    session.commit()
    stories = {a.url: a.story_id for a in session.scalars(select(Article))}
    original = stories["https://wire.example/putin"]
    assert stories["https://paper.example/exact-copy"] == original
    assert stories["https://paper.example/near-copy"] == original
    assert stories["https://wire.example/council"] != original
    assert summary.syndicated == 2 and summary.new == 2
    sim = text_simhash(STORY)
    assert sim is not None
    assert near_duplicate_story(session, sim, datetime(2025, 5, 7).date()) == original
    assert near_duplicate_story(session, sim, datetime(2025, 7, 1).date()) is None


def _stored(url: str, simhash: int, day: int, story: str) -> ArticleRecord:
    when = datetime(2025, 5, day, 9, tzinfo=UTC)
    return ArticleRecord(
        url=url,
        source_id="wire",
        text=url,
        fetched_at=when,
        content_hash=url,
        story_id=story,
        extractor_version="test/1",
        published_at=when,
        simhash=simhash,
    )


def test_batched_near_duplicate_lookup(session: Session) -> None:
    """Many probes in one query: nearest first, earliest on a tie, own URL and far days out."""
    store.sync_sources(session, [source_record(s) for s in SOURCES])
    base = 0x0F0F_1234_5678_9ABC
    store.upsert_articles(
        session,
        [
            _stored("https://wire.example/far", base ^ 0b111, 10, "s-far"),  # distance 3
            _stored("https://wire.example/near", base ^ 0b1, 10, "s-near"),  # distance 1
            _stored("https://wire.example/tie", base ^ 0b10, 10, "s-tie"),  # distance 1, later
            _stored("https://wire.example/self", base, 10, "s-self"),  # the probe's own URL
            _stored("https://wire.example/old", base ^ (0b1 << 40), 1, "s-old"),  # 9 days before
        ],
    )
    session.flush()
    unrelated = base ^ 0xFFFF_0000_FFFF_0000  # 32 bits away, shares two bands
    found = near_duplicate_stories(
        session,
        [
            ("https://wire.example/self", base, date(2025, 5, 10)),
            ("https://paper.example/late", base ^ (0b1 << 40), date(2025, 5, 12)),
            ("https://paper.example/unrelated", unrelated, date(2025, 5, 10)),
        ],
    )
    assert found == {
        "https://wire.example/self": "s-near",
        "https://paper.example/late": "s-self",  # distance 1; "old" is out of the window
    }
    # The single lookup is the same query with one probe.
    assert near_duplicate_story(session, base, date(2025, 5, 10)) == "s-self"
    assert (
        near_duplicate_story(
            session, base, date(2025, 5, 10), exclude_urls=["https://wire.example/self"]
        )
        == "s-near"
    )
