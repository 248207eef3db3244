"""The SQL of feed health, one definition for `narrmon health`, the Outlets page and the DAG.

A source's *window* is the time in which it fetched things: stored articles count by
when they were fetched (never by publication date: a backlog of old articles fetched
today is today's yield), quarantine rows by when they were quarantined. URLs the crawler
refused on purpose (robots.txt, off-site, private addresses) are stored with status
``refused``: they are neither quarantine nor errors. Imports nothing of ours but models.

:func:`source_facts` gathers everything the judgement (``quality.health``) needs as plain
:class:`SourceFacts` rows; the functions it calls stay public for the dashboards.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.quarantine_status import QuarantineStatus
from models.schema import Article, CrawlRun, FeedState, QuarantineItem, Source

# The feed-state status of a feed no longer listed in the sources file (models.store).
FEED_RETIRED = "retired"

# Statuses of a feed's last check that count as working (see models.store).
FEED_OK = ("ok", "not_modified")


class WindowCounts(NamedTuple):
    """One source's items in its window: quarantined (pending), stored, refused."""

    quarantined: int
    stored: int
    refused: int

    @property
    def quarantine_share(self) -> float | None:
        """Quarantined out of quarantined + stored (refused URLs are not items)."""
        total = self.quarantined + self.stored
        return round(self.quarantined / total, 4) if total else None


def aware(value: datetime | None) -> datetime | None:
    """``value`` with UTC attached when the database returned it naive (SQLite)."""
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _pairs(session: Session, stmt: Any) -> dict[str, Any]:
    """A two-column query as a dict (first column → second)."""
    return {str(row[0]): row[1] for row in session.execute(stmt)}


def last_runs(session: Session) -> dict[str, tuple[str, datetime | None, datetime | None]]:
    """Per source: (status of the latest run, last successful finish, first run start)."""
    latest = (
        select(CrawlRun.source_id, func.max(CrawlRun.started_at).label("started"))
        .group_by(CrawlRun.source_id)
        .subquery()
    )
    status: dict[str, str] = {}
    for row in session.execute(
        select(CrawlRun.source_id, CrawlRun.status).join(
            latest,
            (CrawlRun.source_id == latest.c.source_id) & (CrawlRun.started_at == latest.c.started),
        )
    ):
        status[row.source_id] = row.status
    success = _pairs(
        session,
        select(CrawlRun.source_id, func.max(CrawlRun.finished_at))
        .where(CrawlRun.status == "ok")
        .group_by(CrawlRun.source_id),
    )
    first = _pairs(
        session,
        select(CrawlRun.source_id, func.min(CrawlRun.started_at)).group_by(CrawlRun.source_id),
    )
    return {
        sid: (status.get(sid, ""), aware(success.get(sid)), aware(first.get(sid)))
        for sid in set(status) | set(first)
    }


def daily_counts(session: Session, start: date, end: date) -> dict[str, dict[date, int]]:
    """Articles per source and day (the article's day: published, else fetched)."""
    out: dict[str, dict[date, int]] = defaultdict(dict)
    for source_id, day, n in session.execute(
        select(Article.source_id, Article.day, func.count())
        .where(Article.day >= start, Article.day <= end)
        .group_by(Article.source_id, Article.day)
    ):
        out[source_id][day] = int(n)
    return out


def window_counts(session: Session, since: datetime) -> dict[str, WindowCounts]:
    """Per source: items quarantined (pending), stored and refused since ``since``."""
    by_status: dict[str, dict[str, int]] = defaultdict(dict)
    for source_id, status, n in session.execute(
        select(QuarantineItem.source_id, QuarantineItem.status, func.count())
        .where(
            QuarantineItem.created_at >= since,
            QuarantineItem.status.in_((QuarantineStatus.PENDING, QuarantineStatus.REFUSED)),
        )
        .group_by(QuarantineItem.source_id, QuarantineItem.status)
    ):
        by_status[str(source_id)][str(status)] = int(n)
    stored = _pairs(
        session,
        select(Article.source_id, func.count())
        .where(Article.fetched_at >= since)
        .group_by(Article.source_id),
    )
    return {
        sid: WindowCounts(
            by_status[sid].get(QuarantineStatus.PENDING, 0),
            int(stored.get(sid, 0)),
            by_status[sid].get(QuarantineStatus.REFUSED, 0),
        )
        for sid in set(by_status) | set(stored)
    }


class FeedRow(NamedTuple):
    """One live feed's last check: its URL, status and error (None when it worked)."""

    url: str
    status: str | None
    error: str | None

    @property
    def works(self) -> bool:
        """The feed answered at its last check (200 or 304)."""
        return self.status in FEED_OK


def feed_rows(session: Session) -> dict[str, list[FeedRow]]:
    """Per source: its live feeds (retired ones, no longer in the sources file, are kept
    for history but left out), sorted by URL."""
    out: dict[str, list[FeedRow]] = defaultdict(list)
    live = FeedState.last_status.is_distinct_from(FEED_RETIRED)
    for state in session.scalars(select(FeedState).where(live).order_by(FeedState.feed_url)):
        out[state.source_id].append(FeedRow(state.feed_url, state.last_status, state.last_error))
    return dict(out)


def feed_states(session: Session) -> dict[str, tuple[int, int, list[str]]]:
    """Per source: (feeds, failing feeds, their last errors); retired feeds (no longer in the
    sources file) are kept for history but left out."""
    out: dict[str, tuple[int, int, list[str]]] = {}
    for source_id, rows in feed_rows(session).items():
        failing = [f"{f.url}: {f.error or f.status}" for f in rows if not f.works]
        out[source_id] = (len(rows), len(failing), failing)
    return out


def newest_articles(session: Session) -> dict[str, datetime]:
    """Per source: when its newest stored article was published (fetched, when undated)."""
    # One correlated max per source: it walks ix_articles_source_newest backwards one step
    # per source instead of grouping every stored article.
    newest = (
        select(func.max(func.coalesce(Article.published_at, Article.fetched_at)))
        .where(Article.source_id == Source.id)
        .correlate(Source)
        .scalar_subquery()
    )
    rows = _pairs(session, select(Source.id, newest))
    return {sid: when for sid, value in rows.items() if (when := aware(value)) is not None}


@dataclass(frozen=True)
class SourceFacts:
    """What the database knows about one source's health, as plain values.

    ``config`` is the source's entry as stored from the sources file (its optional
    ``freshness`` among it); ``per_day`` counts articles per day of the asked range.
    """

    source_id: str
    name: str
    enabled: bool
    config: dict[str, Any]
    last_run_status: str | None
    last_success: datetime | None
    first_run: datetime | None
    per_day: dict[date, int]
    window: WindowCounts
    feeds: list[FeedRow] = field(default_factory=list)
    newest_article: datetime | None = None


def source_facts(
    session: Session,
    *,
    days_from: date,
    days_to: date,
    window_since: datetime,
    source_ids: Sequence[str] | None = None,
) -> list[SourceFacts]:
    """Every source's (or ``source_ids``') health facts, by source id: articles per day
    from ``days_from`` to ``days_to``, the quarantine window from ``window_since``."""
    runs = last_runs(session)
    counts = daily_counts(session, days_from, days_to)
    windows = window_counts(session, window_since)
    feeds = feed_rows(session)
    newest = newest_articles(session)
    query = select(Source).order_by(Source.id)
    if source_ids is not None:
        query = query.where(Source.id.in_(list(source_ids)))
    out: list[SourceFacts] = []
    for src in session.scalars(query):
        status, last_success, first_run = runs.get(src.id, ("", None, None))
        out.append(
            SourceFacts(
                source_id=src.id,
                name=src.name,
                enabled=bool(src.enabled),
                config=dict(src.config or {}),
                last_run_status=status or None,
                last_success=last_success,
                first_run=first_run,
                per_day=counts.get(src.id, {}),
                window=windows.get(src.id, WindowCounts(0, 0, 0)),
                feeds=feeds.get(src.id, []),
                newest_article=newest.get(src.id),
            )
        )
    return out
