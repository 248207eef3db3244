"""Which articles an export writes: the filter and its one selection, and the count of it
(the dashboard's export page shows the count before writing)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from models.rollups import stance_in
from models.schema import Article, NarrativeTag, Source


@dataclass(frozen=True)
class ExportFilter:
    """Which articles to export; every field narrows the selection, empty means all."""

    since: date | None = None
    until: date | None = None
    narratives: Sequence[str] = field(default_factory=tuple)
    sources: Sequence[str] = field(default_factory=tuple)
    language: str | None = None
    media_types: Sequence[str] = field(default_factory=tuple)
    countries: Sequence[str] = field(default_factory=tuple)
    # articles with a tag of one of these stances (among ``narratives`` when given);
    # "unknown" selects tags stored without a stance (models.rollups.UNKNOWN_STANCE)
    stances: Sequence[str] = field(default_factory=tuple)


def selection(flt: ExportFilter) -> Select[Any]:
    """The export's articles under ``flt`` with their outlet columns, in id order: the one
    definition of "which articles" for the file and its count."""
    stmt = select(
        Article.id,
        Article.url,
        Article.source_id,
        Source.name.label("outlet"),
        Source.media_type,
        Source.country,
        Article.language,
        Article.title,
        Article.author,
        Article.published_at,
        Article.fetched_at,
        Article.word_count,
        Article.story_id,
        Article.text,
        Article.extractor_version,
        Article.taxonomy_version,
        Article.tagger_version,
        Article.page_url,
        Article.content_hash,
        Article.crawl_run_id,
        Article.warc_path,
        Article.warc_record_id,
    ).join(Source, Source.id == Article.source_id)
    if flt.since is not None:
        stmt = stmt.where(Article.day >= flt.since)
    if flt.until is not None:
        stmt = stmt.where(Article.day <= flt.until)
    if flt.sources:
        stmt = stmt.where(Article.source_id.in_(list(flt.sources)))
    if flt.language:
        stmt = stmt.where(Article.language == flt.language)
    if flt.media_types:
        stmt = stmt.where(Source.media_type.in_(list(flt.media_types)))
    if flt.countries:
        stmt = stmt.where(Source.country.in_(list(flt.countries)))
    if flt.narratives or flt.stances:
        tag = select(NarrativeTag.id).where(NarrativeTag.article_id == Article.id)
        if flt.narratives:
            tag = tag.where(NarrativeTag.narrative_id.in_(list(flt.narratives)))
        if flt.stances:
            tag = tag.where(stance_in(NarrativeTag.stance, flt.stances))
        stmt = stmt.where(tag.exists())
    return stmt.order_by(Article.id)  # type: ignore[return-value]


def count_articles(session: Session, flt: ExportFilter) -> int:
    """How many articles an export with ``flt`` would write.

    With narratives or stances chosen, the distinct articles of the matching tags: a tag's
    day and outlet are its article's (models.store writes them from the article), so the
    tags alone decide the date, outlet, media type and country filters, and the
    (narrative, day, article) index answers without reading the articles; only a
    language joins them. Otherwise the export's own selection is counted.
    tests/foundation/test_export.py checks both paths against the file.
    """
    if not (flt.narratives or flt.stances):
        sub = selection(flt).order_by(None).with_only_columns(Article.id).subquery()
        return int(session.execute(select(func.count()).select_from(sub)).scalar_one())
    tags = select(NarrativeTag.article_id).distinct()
    if flt.narratives:
        tags = tags.where(NarrativeTag.narrative_id.in_(list(flt.narratives)))
    if flt.stances:
        tags = tags.where(stance_in(NarrativeTag.stance, flt.stances))
    if flt.since is not None:
        tags = tags.where(NarrativeTag.day >= flt.since)
    if flt.until is not None:
        tags = tags.where(NarrativeTag.day <= flt.until)
    if flt.sources:
        tags = tags.where(NarrativeTag.source_id.in_(list(flt.sources)))
    if flt.media_types or flt.countries:
        outlets = select(Source.id)
        if flt.media_types:
            outlets = outlets.where(Source.media_type.in_(list(flt.media_types)))
        if flt.countries:
            outlets = outlets.where(Source.country.in_(list(flt.countries)))
        tags = tags.where(NarrativeTag.source_id.in_(outlets))
    if flt.language:
        tags = tags.join(Article, Article.id == NarrativeTag.article_id).where(
            Article.language == flt.language
        )
    return int(session.execute(select(func.count()).select_from(tags.subquery())).scalar_one())
