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
from models.stories import StoryProbe, stored_story_matches
from models.story_match import BANDS, story_keys
from narrmon.bootstrap import source_record
from narrmon.pipeline.extract import PageOutcome, PageTask
from narrmon.pipeline.load import load_outcomes
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
    return PageOutcome(task, art, story_keys=story_keys(text))


def test_story_keys_find_copies_not_other_stories() -> None:
    a = story_keys(STORY)
    b = story_keys("(Reuters) - " + STORY.replace("Tuesday", "Wednesday"))
    c = story_keys(OTHER)
    assert len(a) == BANDS and len(set(a)) == BANDS
    assert set(a) & set(b) and not set(a) & set(c)
    assert story_keys("too short to say") == ()


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


def _stored(url: str, text: str, day: int, story: str) -> ArticleRecord:
    when = datetime(2025, 5, day, 9, tzinfo=UTC)
    return ArticleRecord(
        url=url,
        source_id="wire",
        text=text,
        fetched_at=when,
        content_hash=url,
        story_id=story,
        extractor_version="test/1",
        published_at=when,
        story_keys=story_keys(text),
    )


def test_batched_lookup_window_own_url_and_order(session: Session) -> None:
    """Many probes at once: the most contained copy wins; own URL, far days, later ids out."""
    store.sync_sources(session, [source_record(s) for s in SOURCES])
    trimmed = STORY.rsplit(" Western diplomats", 1)[0]
    written = store.upsert_articles(
        session,
        [
            _stored("https://wire.example/trimmed", trimmed, 10, "s-trimmed"),
            _stored("https://wire.example/full", STORY, 10, "s-full"),
            _stored("https://wire.example/old", STORY, 1, "s-old"),  # 9 days before
            _stored("https://wire.example/other", OTHER, 10, "s-other"),
        ],
    )
    session.flush()
    full_id = written["https://wire.example/full"][0]
    day = date(2025, 5, 10)
    found = stored_story_matches(
        session,
        [
            StoryProbe("https://wire.example/full", STORY, day, story_keys(STORY)),
            StoryProbe("https://paper.example/copy", STORY, day, story_keys(STORY)),
            StoryProbe("https://paper.example/late", STORY, date(2025, 5, 20), story_keys(STORY)),
            StoryProbe("https://paper.example/new", STORY, day, story_keys(STORY), full_id),
        ],
    )
    assert found == {
        "https://wire.example/full": "s-trimmed",  # its own row is not a match
        "https://paper.example/copy": "s-full",  # contained 1.0 beats the trimmed copy's
        "https://paper.example/new": "s-trimmed",  # only ids before "full" count
    }
    assert stored_story_matches(session, [], window_days=3) == {}
