"""Idempotent writes: sources, articles (upsert on canonical URL), tags, quarantine.

Every write is keyed on a stable key, so a retried or repeated load changes nothing.
Callers own the transaction: functions here flush, the caller commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models.feed_health import FEED_RETIRED as FEED_RETIRED  # one definition, re-exported
from models.quarantine_status import QuarantineStatus
from models.records import ArticleRecord, QuarantineRecord, SourceRecord, TagRecord
from models.schema import Article, FeedState, Narrative, NarrativeTag, QuarantineItem, Source
from models.stories import replace_story_keys

UpsertStatus = Literal["new", "updated", "unchanged"]

# Rows per INSERT statement: large enough to amortise round trips, small enough to
# stay under SQLite's 32,766 bound-parameter limit with ~20 columns per row.
WRITE_CHUNK = 500


def _insert(session: Session, table: Any) -> Any:
    """A dialect-specific INSERT that supports ON CONFLICT."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"unsupported database dialect {dialect!r}")


def _chunks(items: Sequence[Any], size: int = WRITE_CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def now_utc() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def sync_sources(session: Session, sources: Iterable[SourceRecord]) -> int:
    """Insert or update the configured sources; returns how many were written."""
    rows = [{**asdict(s), "updated_at": now_utc()} for s in sources]
    for chunk in _chunks(rows):
        stmt = _insert(session, Source).values(list(chunk))
        stmt = stmt.on_conflict_do_update(
            index_elements=[Source.id],
            set_={
                c: stmt.excluded[c]
                for c in (
                    "name",
                    "homepage",
                    "language",
                    "country",
                    "media_type",
                    "enabled",
                    "config",
                    "updated_at",
                )
            },
        )
        session.execute(stmt)
    return len(rows)


def sync_narratives(session: Session, narratives: Iterable[Mapping[str, str]], version: str) -> int:
    """Insert or update the taxonomy's narratives (id, side, label, definition)."""
    rows = [
        {
            "id": n["id"],
            "side": n["side"],
            "label": n.get("label", n["id"]),
            "definition": n.get("definition", ""),
            "taxonomy_version": version,
        }
        for n in narratives
    ]
    if not rows:
        return 0
    stmt = _insert(session, Narrative).values(rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=[Narrative.id],
        set_={c: stmt.excluded[c] for c in ("side", "label", "definition", "taxonomy_version")},
    )
    session.execute(stmt)
    return len(rows)


_ARTICLE_UPDATABLE = (
    "source_id",
    "title",
    "author",
    "published_at",
    "fetched_at",
    "day",
    "language",
    "text",
    "word_count",
    "content_hash",
    "story_id",
    "extractor_version",
    "warc_path",
    "warc_offset",
    "warc_record_id",
    "crawl_run_id",
    "updated_at",
)


def upsert_articles(
    session: Session, records: Sequence[ArticleRecord]
) -> dict[str, tuple[int, UpsertStatus]]:
    """Insert or update articles keyed on their canonical URL, in batches.

    Returns ``{url: (article_id, status)}``: ``new`` for a first insert, ``updated`` when
    the stored text or metadata changed, ``unchanged`` when the same content was stored
    already (then the row is left as it is, so a re-run writes nothing).
    A URL given twice in one call is stored once (the last record wins).
    """
    by_url = {r.url: r for r in records}
    existing: dict[str, tuple[int, str, str]] = {}
    urls = list(by_url)
    for chunk in _chunks(urls):
        for row in session.execute(
            select(Article.url, Article.id, Article.content_hash, Article.extractor_version).where(
                Article.url.in_(chunk)
            )
        ):
            existing[row.url] = (row.id, row.content_hash, row.extractor_version)

    result: dict[str, tuple[int, UpsertStatus]] = {}
    to_write: list[dict[str, Any]] = []
    statuses: dict[str, UpsertStatus] = {}
    stamp = now_utc()
    for url, rec in by_url.items():
        prior = existing.get(url)
        if prior is not None and prior[1] == rec.content_hash and prior[2] == rec.extractor_version:
            result[url] = (prior[0], "unchanged")
            continue
        statuses[url] = "new" if prior is None else "updated"
        values = asdict(rec)
        del values["story_keys"]  # stored in story_keys, one row per band
        values["day"] = rec.day
        values["updated_at"] = stamp
        # The SimHash columns of revision 0002 are no longer written (issue 14: MinHash LSH).
        for i in range(4):
            values[f"sim_band{i}"] = None
        to_write.append(values)

    if to_write:
        # One statement executed with many parameter sets: SQLAlchemy compiles it once
        # (cached) and batches the rows ("insertmanyvalues"); a multi-row VALUES clause
        # was compiled anew for every batch, ~1 ms of CPU per article.
        stmt = _insert(session, Article)
        stmt = stmt.on_conflict_do_update(
            index_elements=[Article.url],
            set_={c: stmt.excluded[c] for c in _ARTICLE_UPDATABLE},
        ).returning(Article.id, Article.url)
        for row in session.execute(stmt, to_write):
            result[row.url] = (row.id, statuses[row.url])
        replace_story_keys(
            session,
            ((result[r.url][0], r.day, r.story_keys) for r in by_url.values() if r.url in statuses),
        )
    return result


def upsert_article(session: Session, record: ArticleRecord) -> tuple[int, UpsertStatus]:
    """Upsert one article; see :func:`upsert_articles`."""
    return upsert_articles(session, [record])[record.url]


def replace_tags(
    session: Session,
    tags_by_article: Mapping[int, Sequence[TagRecord]],
    taxonomy_version: str,
    tagger_version: str | None = None,
) -> int:
    """Replace the narrative tags of each given article (an empty list clears them).

    Every given article, relevant or not, is stamped with ``taxonomy_version`` and
    ``tagger_version`` (when given). Returns the number of tag rows written.
    """
    ids = list(tags_by_article)
    if not ids:
        return 0
    meta: dict[int, tuple[Any, str]] = {}
    stamp: dict[str, Any] = {"taxonomy_version": taxonomy_version}
    if tagger_version is not None:
        stamp["tagger_version"] = tagger_version
    for chunk in _chunks(ids):
        session.execute(delete(NarrativeTag).where(NarrativeTag.article_id.in_(chunk)))
        session.execute(update(Article).where(Article.id.in_(chunk)).values(**stamp))
        for row in session.execute(
            select(Article.id, Article.day, Article.source_id).where(Article.id.in_(chunk))
        ):
            meta[row.id] = (row.day, row.source_id)
    rows = []
    for article_id, tags in tags_by_article.items():
        if article_id not in meta:
            raise KeyError(f"article {article_id} does not exist")
        day, source_id = meta[article_id]
        seen: set[str] = set()
        for tag in tags:
            if tag.narrative_id in seen:
                continue
            seen.add(tag.narrative_id)
            rows.append(
                {
                    "article_id": article_id,
                    "narrative_id": tag.narrative_id,
                    "score": float(tag.score),
                    "stance": tag.stance,
                    "evidence": list(tag.evidence),
                    "taxonomy_version": taxonomy_version,
                    "day": day,
                    "source_id": source_id,
                }
            )
    if rows:
        session.execute(_insert(session, NarrativeTag), rows)
    return len(rows)


def quarantine_items(session: Session, items: Sequence[QuarantineRecord]) -> int:
    """Record failed items, one row per URL: a repeat updates the reasons and payload."""
    rows = []
    stamp = now_utc()
    for item in {i.url: i for i in items}.values():
        rows.append(
            {
                "url": item.url,
                "source_id": item.source_id,
                "reasons": sorted(set(item.reasons)),
                "details": item.details,
                "payload": item.payload,
                "fetched_at": item.fetched_at,
                "created_at": stamp,
                "crawl_run_id": item.crawl_run_id,
                "status": QuarantineStatus.PENDING.value,
                "replayed_at": None,
            }
        )
    for chunk in _chunks(rows):
        stmt = _insert(session, QuarantineItem).values(list(chunk))
        stmt = stmt.on_conflict_do_update(
            index_elements=[QuarantineItem.url],
            set_={
                c: stmt.excluded[c]
                for c in (
                    "source_id",
                    "reasons",
                    "details",
                    "payload",
                    "fetched_at",
                    "crawl_run_id",
                    "status",
                    "replayed_at",
                )
            },
        )
        session.execute(stmt)
    return len(rows)


def quarantine_item(session: Session, item: QuarantineRecord) -> None:
    """Record one failed item; see :func:`quarantine_items`."""
    quarantine_items(session, [item])


def mark_replayed(session: Session, quarantine_ids: Iterable[int]) -> None:
    """Mark quarantine rows as loaded by a replay."""
    stamp = now_utc()
    for row in session.scalars(
        select(QuarantineItem).where(QuarantineItem.id.in_(list(quarantine_ids)))
    ):
        row.status = QuarantineStatus.REPLAYED
        row.replayed_at = stamp


def resolve_quarantine(session: Session, urls: Iterable[str]) -> None:
    """Mark pending or retry-waiting quarantine rows of URLs now stored as replayed."""
    url_list = list(urls)
    stamp = now_utc()
    for chunk in _chunks(url_list):
        for row in session.scalars(
            select(QuarantineItem).where(
                QuarantineItem.url.in_(chunk),
                QuarantineItem.status.in_((QuarantineStatus.PENDING, QuarantineStatus.RETRY)),
            )
        ):
            row.status = QuarantineStatus.REPLAYED
            row.replayed_at = stamp


def story_ids_for_hashes(session: Session, hashes: Iterable[str]) -> dict[str, str]:
    """The story id already stored for each content hash (exact copies share a story)."""
    found: dict[str, str] = {}
    hash_list = sorted(set(hashes))
    for chunk in _chunks(hash_list):
        for row in session.execute(
            select(Article.content_hash, Article.story_id).where(Article.content_hash.in_(chunk))
        ):
            found.setdefault(row.content_hash, row.story_id)
    return found


def known_urls(session: Session, source_id: str) -> Iterable[str]:
    """Stream the URLs already stored for a source: canonical keys and fetched page URLs."""
    rows = session.execute(
        select(Article.url, Article.page_url)
        .where(Article.source_id == source_id)
        .execution_options(yield_per=5000)
    )
    for url, page_url in rows:
        yield url
        if page_url and page_url != url:
            yield page_url


def pending_retries(session: Session, source_id: str) -> int:
    """How many article URLs of a source wait for a retry (429, 5xx, timeout, reset...)."""
    rows = session.scalars(
        select(QuarantineItem.payload).where(
            QuarantineItem.source_id == source_id, QuarantineItem.status == QuarantineStatus.RETRY
        )
    )
    return sum(1 for payload in rows if (payload or {}).get("kind") != "feed")


def feed_validators(session: Session, source_id: str) -> dict[str, dict[str, str | None]]:
    """The conditional-GET validators (ETag, Last-Modified) per feed URL of a source.

    None while article URLs of the source wait for a retry: a feed answering
    304 Not Modified would not list them again, so the feeds are read in full.
    """
    if pending_retries(session, source_id):
        return {}
    return {
        row.feed_url: {"etag": row.etag, "last_modified": row.last_modified}
        for row in session.scalars(select(FeedState).where(FeedState.source_id == source_id))
    }


def retire_unlisted_feeds(session: Session, source_id: str, keep: Iterable[str]) -> int:
    """Retire the source's feeds not in ``keep``; returns how many were retired now.

    ``keep`` is the feeds the sources file lists plus those the last crawl reported
    (child sitemaps of a listed index are found by crawling, never listed). A retired
    feed that is listed or reported again is revived by :func:`record_feed_states`.
    """
    kept = set(keep)
    rows = session.scalars(
        select(FeedState).where(
            FeedState.source_id == source_id,
            FeedState.last_status.is_distinct_from(FEED_RETIRED),
        )
    )
    retired = 0
    for state in rows:
        if state.feed_url not in kept:
            state.last_status = FEED_RETIRED
            retired += 1
    return retired


def record_feed_states(
    session: Session, source_id: str, feeds: Iterable[Mapping[str, Any]]
) -> None:
    """Store each feed's outcome and validators (rows from the crawler's feeds.jsonl)."""
    stamp = now_utc()
    for feed in feeds:
        state = session.get(FeedState, feed["feed_url"])
        if state is None:
            state = FeedState(feed_url=feed["feed_url"], source_id=source_id)
            session.add(state)
        outcome = str(feed.get("outcome") or "error")
        state.last_status = outcome
        state.last_checked_at = stamp
        if outcome in ("ok", "not_modified"):
            state.last_ok_at = stamp
            state.last_error = None
            if outcome == "ok":
                state.etag = feed.get("etag")
                state.last_modified = feed.get("last_modified")
        else:
            state.last_error = str(feed.get("error") or outcome)
