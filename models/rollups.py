"""Daily rollups: rebuilt per day range in one transaction, so a rebuild can run twice."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import delete, distinct, func, insert, literal, or_, select
from sqlalchemy.orm import Session, aliased

from models.schema import (
    Article,
    DailyCooccurrence,
    DailyRollup,
    DailyStanceRollup,
    DailyTotal,
    DirtyDay,
    NarrativeTag,
)

# Language bucket for articles whose language could not be detected.
UNKNOWN_LANGUAGE = "und"
# Stance bucket for tags stored without a stance (taggers before stance detection).
UNKNOWN_STANCE = "unknown"
# Every stance bucket a tag counts in: the tagger's three, then the unknown one.
STANCES: tuple[str, ...] = ("promotes", "reports", "disputes", UNKNOWN_STANCE)


def stance_in(column: Any, stances: Iterable[str]) -> Any:
    """``column`` (a tag's stance) in ``stances``, where UNKNOWN_STANCE selects tags stored
    without a stance: the one reading of the stance filter, for the dashboards and exports."""
    wanted = list(stances)
    known = [st for st in wanted if st != UNKNOWN_STANCE]
    if UNKNOWN_STANCE in wanted:
        return or_(column.in_(known), column.is_(None))
    return column.in_(known)


def rebuild_rollups(session: Session, day_from: date, day_to: date) -> int:
    """Recompute ``daily_rollups``, ``daily_stance_rollups`` and ``daily_totals`` for
    ``day_from..day_to`` inclusive.

    Deletes the range and re-aggregates it from articles and tags, so running it twice,
    or after a retag, gives the same rows. Returns the number of rollup rows written.
    """
    if day_to < day_from:
        raise ValueError(f"day range is reversed: {day_from} > {day_to}")
    session.execute(delete(DailyRollup).where(DailyRollup.day.between(day_from, day_to)))
    session.execute(delete(DailyTotal).where(DailyTotal.day.between(day_from, day_to)))
    session.execute(
        delete(DailyStanceRollup).where(DailyStanceRollup.day.between(day_from, day_to))
    )
    session.execute(
        delete(DailyCooccurrence).where(DailyCooccurrence.day.between(day_from, day_to))
    )

    language = func.coalesce(Article.language, literal(UNKNOWN_LANGUAGE))
    tagged = (
        select(
            NarrativeTag.day,
            NarrativeTag.narrative_id,
            NarrativeTag.source_id,
            language.label("language"),
            func.count().label("articles"),
            func.count(distinct(Article.story_id)).label("unique_stories"),
        )
        .join(Article, Article.id == NarrativeTag.article_id)
        .where(NarrativeTag.day.between(day_from, day_to))
        .group_by(NarrativeTag.day, NarrativeTag.narrative_id, NarrativeTag.source_id, language)
    )
    written = session.execute(  # type: ignore[attr-defined]
        insert(DailyRollup).from_select(
            ["day", "narrative_id", "source_id", "language", "articles", "unique_stories"], tagged
        )
    ).rowcount

    session.execute(
        insert(DailyStanceRollup).from_select(
            [
                "day",
                "narrative_id",
                "source_id",
                "language",
                "stance",
                "articles",
                "unique_stories",
            ],
            stance_rollup_select(day_from, day_to),
        )
    )

    session.execute(
        insert(DailyCooccurrence).from_select(
            ["day", "source_id", "language", "narrative_a", "narrative_b", "articles"],
            cooccurrence_select(day_from, day_to),
        )
    )

    has_tag = select(NarrativeTag.article_id).where(NarrativeTag.article_id == Article.id).exists()
    totals = (
        select(
            Article.day,
            Article.source_id,
            language.label("language"),
            func.count().label("articles"),
            func.sum(func.cast(has_tag, DailyTotal.relevant.type)).label("relevant"),
            func.count(distinct(Article.story_id)).label("unique_stories"),
        )
        .where(Article.day.between(day_from, day_to))
        .group_by(Article.day, Article.source_id, language)
    )
    session.execute(
        insert(DailyTotal).from_select(
            ["day", "source_id", "language", "articles", "relevant", "unique_stories"], totals
        )
    )
    return int(written or 0)


def stance_rollup_select(day_from: date, day_to: date) -> Any:
    """The ``daily_stance_rollups`` rows of ``day_from..day_to``, aggregated from the tags.

    Shared by the rebuild and migration 0006's backfill, so both count the same way.
    """
    language = func.coalesce(Article.language, literal(UNKNOWN_LANGUAGE))
    stance = func.coalesce(NarrativeTag.stance, literal(UNKNOWN_STANCE))
    return (
        select(
            NarrativeTag.day,
            NarrativeTag.narrative_id,
            NarrativeTag.source_id,
            language.label("language"),
            stance.label("stance"),
            func.count().label("articles"),
            func.count(distinct(Article.story_id)).label("unique_stories"),
        )
        .join(Article, Article.id == NarrativeTag.article_id)
        .where(NarrativeTag.day.between(day_from, day_to))
        .group_by(
            NarrativeTag.day, NarrativeTag.narrative_id, NarrativeTag.source_id, language, stance
        )
    )


def cooccurrence_select(day_from: date, day_to: date) -> Any:
    """The ``daily_cooccurrence`` rows of ``day_from..day_to``: tag pairs of one article.

    Shared by the rebuild and migration 0006's backfill.
    """
    other = aliased(NarrativeTag)
    language = func.coalesce(Article.language, literal(UNKNOWN_LANGUAGE))
    return (
        select(
            NarrativeTag.day,
            NarrativeTag.source_id,
            language.label("language"),
            NarrativeTag.narrative_id.label("narrative_a"),
            other.narrative_id.label("narrative_b"),
            func.count().label("articles"),
        )
        .join(other, other.article_id == NarrativeTag.article_id)
        .join(Article, Article.id == NarrativeTag.article_id)
        .where(
            NarrativeTag.day.between(day_from, day_to),
            NarrativeTag.narrative_id < other.narrative_id,
        )
        .group_by(
            NarrativeTag.day,
            NarrativeTag.source_id,
            language,
            NarrativeTag.narrative_id,
            other.narrative_id,
        )
    )


def article_day_range(session: Session) -> tuple[date, date] | None:
    """The first and last article day stored, or None when there are no articles."""
    row = session.execute(select(func.min(Article.day), func.max(Article.day))).one()
    if row[0] is None:
        return None
    return row[0], row[1]


def mark_dirty(session: Session, days: Iterable[date]) -> None:
    """Record days whose rollups must be rebuilt (in the caller's transaction)."""
    wanted = set(days)
    if not wanted:
        return
    present = set(session.scalars(select(DirtyDay.day).where(DirtyDay.day.in_(wanted))))
    session.add_all(DirtyDay(day=d) for d in sorted(wanted - present))
    session.flush()


def dirty_days(session: Session) -> list[date]:
    """The days waiting for a rollup rebuild."""
    return list(session.scalars(select(DirtyDay.day).order_by(DirtyDay.day)))


def rebuild_day(session: Session, day: date) -> int:
    """Rebuild one day's rollups and clear its dirty mark (one transaction by the caller)."""
    written = rebuild_rollups(session, day, day)
    session.execute(delete(DirtyDay).where(DirtyDay.day == day))
    return written
