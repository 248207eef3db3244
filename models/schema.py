"""The SQLAlchemy 2.0 typed ORM: every table narrative-monitor stores.

Indexes follow the dashboard and export queries: time range x narrative x source.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from models.quarantine_status import QuarantineStatus
from models.types import JsonType, UTCDateTime


class Base(DeclarativeBase):
    """Declarative base of all narrative-monitor tables."""


class Source(Base):
    """A monitored outlet (one language edition), as configured in the sources file."""

    __tablename__ = "sources"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    homepage: Mapped[str] = mapped_column(String(2000))
    language: Mapped[str] = mapped_column(String(8))
    country: Mapped[str] = mapped_column(String(2))
    media_type: Mapped[str] = mapped_column(String(32))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    config: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FeedState(Base):
    """Conditional-GET validators and health of one feed or sitemap URL."""

    __tablename__ = "feed_state"

    feed_url: Mapped[str] = mapped_column(String(2000), primary_key=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    last_status: Mapped[str | None] = mapped_column(String(32))
    last_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_ok_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


class CrawlRun(Base):
    """One source's share of one ingestion cycle: what was fetched and what became of it."""

    __tablename__ = "crawl_runs"
    __table_args__ = (
        UniqueConstraint("run_id", "source_id", name="uq_crawl_runs_run_source"),
        Index("ix_crawl_runs_source_started", "source_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(64))
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="running")
    fetched: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    quarantined: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    error_message: Mapped[str | None] = mapped_column(Text)
    stats: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)


class Article(Base):
    """A stored article, unique on its canonical URL."""

    __tablename__ = "articles"
    __table_args__ = (
        Index("ix_articles_day_source", "day", "source_id"),
        Index("ix_articles_source_day", "source_id", "day"),
        Index("ix_articles_content_hash", "content_hash"),
        Index("ix_articles_story_id", "story_id"),
        Index("ix_articles_simband0", "sim_band0"),
        Index("ix_articles_simband1", "sim_band1"),
        Index("ix_articles_simband2", "sim_band2"),
        Index("ix_articles_simband3", "sim_band3"),
        Index("ix_articles_tagger_version", "tagger_version"),
        # Feed health (models.feed_health): the window's articles by fetch time, and each
        # source's newest article (published, else fetched) as one index step per source.
        Index("ix_articles_fetched_at", "fetched_at"),
        Index(
            "ix_articles_source_newest",
            "source_id",
            text("coalesce(published_at, fetched_at)"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    title: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The day the article counts for in rollups: published day, else fetched day.
    day: Mapped[date] = mapped_column(Date)
    language: Mapped[str | None] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    word_count: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    story_id: Mapped[str] = mapped_column(String(64))
    # 64-bit SimHash of the text (signed) and its four 16-bit bands: near-duplicate
    # lookup by band equality finds every copy within Hamming distance 3 via indexes.
    simhash: Mapped[int | None] = mapped_column(BigInteger)
    sim_band0: Mapped[int | None] = mapped_column(Integer)
    sim_band1: Mapped[int | None] = mapped_column(Integer)
    sim_band2: Mapped[int | None] = mapped_column(Integer)
    sim_band3: Mapped[int | None] = mapped_column(Integer)
    # The URL the page was fetched under when it differs from the canonical key, so the
    # crawler does not fetch a redirected or rel=canonical page again.
    page_url: Mapped[str | None] = mapped_column(String(2000))
    extractor_version: Mapped[str] = mapped_column(String(100))
    warc_path: Mapped[str | None] = mapped_column(String(1000))
    warc_offset: Mapped[int | None] = mapped_column(Integer)
    warc_record_id: Mapped[str | None] = mapped_column(String(200))
    crawl_run_id: Mapped[str | None] = mapped_column(String(64))
    # What judged the article's narratives (set whenever it is tagged, relevant or not), so
    # a count can be tied to a tagger and `narrmon retag --outdated` finds what to redo.
    tagger_version: Mapped[str | None] = mapped_column(String(100))
    taxonomy_version: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    tags: Mapped[list[NarrativeTag]] = relationship(
        back_populates="article", cascade="all, delete-orphan", passive_deletes=True
    )


class StoryKey(Base):
    """One LSH band key of an article's MinHash (models.story_match), for the indexed
    near-duplicate lookup: copies of a story share at least one key with high probability.
    ``day`` is copied from the article so the window filter needs no join."""

    __tablename__ = "story_keys"
    __table_args__ = (Index("ix_story_keys_key_day", "key", "day"),)

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    band: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[int] = mapped_column(BigInteger)
    day: Mapped[date] = mapped_column(Date)


class Narrative(Base):
    """A narrative of the taxonomy (ids are stable across taxonomy versions)."""

    __tablename__ = "narratives"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    side: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(200))
    definition: Mapped[str] = mapped_column(Text)
    taxonomy_version: Mapped[str] = mapped_column(String(32))


class NarrativeTag(Base):
    """One narrative an article carries, with its evidence offsets into the article text.

    ``day`` and ``source_id`` are copied from the article so the drill-down queries
    (narrative x time x source) need no join to filter.
    """

    __tablename__ = "narrative_tags"
    __table_args__ = (
        UniqueConstraint("article_id", "narrative_id", name="uq_tags_article_narrative"),
        Index("ix_tags_narrative_day_article", "narrative_id", "day", "article_id"),
        Index("ix_tags_source_day", "source_id", "day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    narrative_id: Mapped[str] = mapped_column(String(64))
    score: Mapped[float] = mapped_column(Float)
    stance: Mapped[str | None] = mapped_column(String(16))
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JsonType, default=list)
    taxonomy_version: Mapped[str] = mapped_column(String(32))
    day: Mapped[date] = mapped_column(Date)
    source_id: Mapped[str] = mapped_column(String(64))

    article: Mapped[Article] = relationship(back_populates="tags")


class QuarantineItem(Base):
    """A fetched item that failed a check: kept with its reasons and payload for replay."""

    __tablename__ = "quarantine"
    __table_args__ = (
        UniqueConstraint("url", name="uq_quarantine_url"),
        Index("ix_quarantine_source_created", "source_id", "created_at"),
        Index("ix_quarantine_status", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    url: Mapped[str] = mapped_column(String(2000))
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    reasons: Mapped[list[str]] = mapped_column(JsonType, default=list)
    details: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    payload: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    crawl_run_id: Mapped[str | None] = mapped_column(String(64))
    # pending: waiting for a fix or replay; replayed: loaded by a replay; dropped: given up.
    status: Mapped[str] = mapped_column(String(16), default=QuarantineStatus.PENDING.value)
    replayed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DailyRollup(Base):
    """Articles and unique stories per day x narrative x source x language."""

    __tablename__ = "daily_rollups"
    __table_args__ = (Index("ix_rollups_narrative_day", "narrative_id", "day"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    narrative_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    source_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    articles: Mapped[int] = mapped_column(Integer)
    unique_stories: Mapped[int] = mapped_column(Integer)


class DailyStanceRollup(Base):
    """Articles per day x narrative x source x language x stance: the stance split.

    ``stance`` is the tag's stance (promotes / reports / disputes) or ``unknown`` when the
    tagger stored none. Summed over stances it equals ``daily_rollups.articles``.
    """

    __tablename__ = "daily_stance_rollups"
    __table_args__ = (Index("ix_stance_rollups_narrative_day", "narrative_id", "day"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    narrative_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    source_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    stance: Mapped[str] = mapped_column(String(16), primary_key=True)
    articles: Mapped[int] = mapped_column(Integer)
    unique_stories: Mapped[int] = mapped_column(Integer)


class DailyCooccurrence(Base):
    """Articles carrying both narratives per day x source x language (``narrative_a`` <
    ``narrative_b``): the co-occurrence matrix without a self-join of the tags at read time.
    """

    __tablename__ = "daily_cooccurrence"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    source_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    narrative_a: Mapped[str] = mapped_column(String(64), primary_key=True)
    narrative_b: Mapped[str] = mapped_column(String(64), primary_key=True)
    articles: Mapped[int] = mapped_column(Integer)


class DailyTotal(Base):
    """All monitored articles per day x source x language: the denominator of shares."""

    __tablename__ = "daily_totals"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    source_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    articles: Mapped[int] = mapped_column(Integer)
    relevant: Mapped[int] = mapped_column(Integer)
    unique_stories: Mapped[int] = mapped_column(Integer)


class DirtyDay(Base):
    """A day whose rollups are stale: marked in the same transaction as the article or tag
    change, cleared when the rollups are rebuilt, so a crash between the two loses nothing.
    """

    __tablename__ = "rollup_dirty_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
