"""The analyst's filter and the WHERE clauses every dashboard query shares.

Every dashboard query takes a SQLAlchemy session and a :class:`DashboardFilter`. The
rollups (``daily_rollups``, ``daily_stance_rollups``, ``daily_cooccurrence``,
``daily_totals``) have ``day``, ``source_id`` and ``language`` columns; ``narrative_tags``
has ``day`` and ``source_id`` (its language is the article's).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal, TypeVarTuple

from sqlalchemy import Select, false, or_, select
from sqlalchemy.orm import Session

from models.rollups import STANCES as STANCES
from models.rollups import UNKNOWN_LANGUAGE, stance_in
from models.schema import Article, DailyRollup, DailyStanceRollup, Source

Ts = TypeVarTuple("Ts")

Grain = Literal["day", "week", "month"]
GRAINS: tuple[Grain, ...] = ("day", "week", "month")


@dataclass(frozen=True)
class DashboardFilter:
    """What the analyst selected; every field narrows, an empty field means all.

    Frozen and made of tuples, so it is hashable (Streamlit caches results on it).
    """

    since: date | None = None
    until: date | None = None
    narratives: tuple[str, ...] = field(default_factory=tuple)
    sources: tuple[str, ...] = field(default_factory=tuple)
    media_types: tuple[str, ...] = field(default_factory=tuple)
    countries: tuple[str, ...] = field(default_factory=tuple)
    languages: tuple[str, ...] = field(default_factory=tuple)
    # Tag stances counted in narrative figures (STANCES); denominators never narrow.
    stances: tuple[str, ...] = field(default_factory=tuple)


def scope(stmt: Select[*Ts], table: Any, flt: DashboardFilter) -> Select[*Ts]:
    """Narrow a select over a table with day, source_id and (maybe) language columns."""
    if flt.since is not None:
        stmt = stmt.where(table.day >= flt.since)
    if flt.until is not None:
        stmt = stmt.where(table.day <= flt.until)
    if flt.sources:
        stmt = stmt.where(table.source_id.in_(flt.sources))
    if flt.media_types or flt.countries:
        outlets = select(Source.id)
        if flt.media_types:
            outlets = outlets.where(Source.media_type.in_(flt.media_types))
        if flt.countries:
            outlets = outlets.where(Source.country.in_(flt.countries))
        stmt = stmt.where(table.source_id.in_(outlets))
    if flt.languages and hasattr(table, "language"):
        stmt = stmt.where(table.language.in_(flt.languages))
    return stmt


def narrative_table(flt: DashboardFilter) -> Any:
    """The rollup narrative counts come from: the stance split only when stance narrows."""
    return DailyStanceRollup if flt.stances else DailyRollup


def narrative_scope(stmt: Select[*Ts], table: Any, flt: DashboardFilter) -> Select[*Ts]:
    """:func:`scope` plus the stance filter, for selects over a narrative rollup."""
    stmt = scope(stmt, table, flt)
    if flt.stances and hasattr(table, "stance"):
        stmt = stmt.where(table.stance.in_(flt.stances))
    return stmt


def tag_scope(
    stmt: Select[*Ts], tag: Any, flt: DashboardFilter, *, articles_joined: bool = False
) -> Select[*Ts]:
    """Narrow a select over narrative_tags (which has day and source_id, no language).

    A language filter reads the tag's article: through an EXISTS, or, when the select
    already joins the tags' articles (``articles_joined``), on the joined row itself.
    """
    stmt = scope(stmt, tag, flt)
    if flt.stances:
        stmt = stmt.where(stance_in(tag.stance, flt.stances))
    if flt.languages and articles_joined:
        stmt = stmt.where(language_in(flt.languages))
    elif flt.languages:
        stmt = stmt.where(
            select(Article.id)
            .where(Article.id == tag.article_id, language_in(flt.languages))
            .exists()
        )
    return stmt


def language_in(languages: Sequence[str]) -> Any:
    """Article.language in ``languages``, where ``und`` (the rollups' bucket) means NULL.

    A plain IN on the column, not IN on coalesce(): the planner can then estimate it and
    walks the (narrative_id, day) index instead of scanning every article.
    """
    known = [lang for lang in languages if lang != UNKNOWN_LANGUAGE]
    clauses = [Article.language.in_(known)] if known else []
    if UNKNOWN_LANGUAGE in languages:
        clauses.append(Article.language.is_(None))
    return or_(*clauses) if clauses else false()


def outlet_ids(flt: DashboardFilter) -> Select[str]:
    """The ids of the outlets the filter's outlet, media type and country fields select."""
    outlets = select(Source.id)
    if flt.sources:
        outlets = outlets.where(Source.id.in_(flt.sources))
    if flt.media_types:
        outlets = outlets.where(Source.media_type.in_(flt.media_types))
    if flt.countries:
        outlets = outlets.where(Source.country.in_(flt.countries))
    return outlets


def with_outlet_ids(session: Session, flt: DashboardFilter) -> DashboardFilter | None:
    """``flt`` with its media type and country narrowing replaced by the outlet ids they
    select (None when no outlet matches).

    For queries that walk the tags newest first: given a subquery, the planner cannot see
    that it selects no outlet and walks every tag of the narrative looking for one.
    """
    if not (flt.media_types or flt.countries):
        return flt
    ids = tuple(session.scalars(outlet_ids(flt).order_by(Source.id)))
    return replace(flt, sources=ids, media_types=(), countries=()) if ids else None
