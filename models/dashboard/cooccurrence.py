"""The co-occurrence matrix, one narrative's co-occurring narratives and the first movers
of a wave.

The matrix reads ``daily_cooccurrence`` (pairs of narratives in one article, per day x
outlet x language) and ``daily_rollups`` for each narrative's own count: two aggregates,
no self-join of the tags at read time. The stance filter does not apply to it (pairs are
counted per article, whatever the stance of each tag).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from models.dashboard.filters import DashboardFilter, language_in, scope, tag_scope
from models.schema import Article, DailyCooccurrence, DailyRollup, NarrativeTag, Source

MATRIX_COLUMNS = ("narrative_a", "narrative_b", "both", "articles_a", "share")
MOVER_COLUMNS = ("outlet", "first_seen", "lag_hours", "articles")
# Rows in the detail page's co-occurring list: what fits beside the top outlets.
CO_OCCURRING_LIMIT = 15


def cooccurrence_matrix(session: Session, flt: DashboardFilter) -> pd.DataFrame:
    """Every ordered narrative pair: articles carrying both, and that as a share of A's.

    ``share`` = articles carrying A and B / articles carrying A (so row A of the matrix
    reads "of A's articles, this fraction also carries B"). The diagonal holds each
    narrative's own count with share 1. Columns MATRIX_COLUMNS.
    """
    no_stance = replace(flt, stances=())
    pairs = scope(
        select(
            DailyCooccurrence.narrative_a,
            DailyCooccurrence.narrative_b,
            func.sum(DailyCooccurrence.articles),
        ).group_by(DailyCooccurrence.narrative_a, DailyCooccurrence.narrative_b),
        DailyCooccurrence,
        no_stance,
    )
    own = scope(
        select(DailyRollup.narrative_id, func.sum(DailyRollup.articles)).group_by(
            DailyRollup.narrative_id
        ),
        DailyRollup,
        no_stance,
    )
    counts = {str(n): int(c) for n, c in session.execute(own)}
    if flt.narratives:
        counts = {n: c for n, c in counts.items() if n in flt.narratives}
    rows: list[tuple[str, str, int]] = [(n, n, c) for n, c in counts.items()]
    for a, b, both in session.execute(pairs):
        if a in counts and b in counts:
            rows += [(a, b, int(both)), (b, a, int(both))]
    frame = pd.DataFrame(rows, columns=["narrative_a", "narrative_b", "both"])
    frame["articles_a"] = frame["narrative_a"].map(counts).astype("int64")
    frame["share"] = (frame["both"] / frame["articles_a"].where(frame["articles_a"] > 0)).fillna(
        0.0
    )
    return frame[list(MATRIX_COLUMNS)]


def co_occurring(
    session: Session,
    narrative_id: str,
    flt: DashboardFilter,
    labels: Mapping[str, str] | None = None,
    limit: int = CO_OCCURRING_LIMIT,
) -> pd.DataFrame:
    """Narratives that appear in the same articles as ``narrative_id``, most frequent first.

    Read from the pair rollup (``daily_cooccurrence``) and the narrative's own count
    (``daily_rollups``) under the filter's dates, outlets and languages; like the matrix,
    the stance filter does not apply. Columns ``narrative_id, label, articles, share``:
    ``share`` is the fraction of the narrative's articles that also carry the other
    (``labels`` maps ids to labels). ``attrs["base"]`` is the narrative's article count.
    """
    no_stance = replace(flt, stances=())
    pair = DailyCooccurrence
    other = case((pair.narrative_a == narrative_id, pair.narrative_b), else_=pair.narrative_a)
    both = func.sum(pair.articles)
    rows = session.execute(
        scope(
            select(other.label("other"), both)
            .where(or_(pair.narrative_a == narrative_id, pair.narrative_b == narrative_id))
            .group_by(other),
            pair,
            no_stance,
        )
        .order_by(both.desc(), other)
        .limit(limit)
    ).all()
    own = scope(
        select(func.sum(DailyRollup.articles)).where(DailyRollup.narrative_id == narrative_id),
        DailyRollup,
        no_stance,
    )
    total = int(session.execute(own).scalar_one() or 0)
    names = labels or {}
    frame = pd.DataFrame([(r[0], int(r[1])) for r in rows], columns=["narrative_id", "articles"])
    frame.insert(1, "label", [names.get(i, i) for i in frame["narrative_id"]])
    frame["share"] = frame["articles"] / total if total else 0.0
    frame.attrs["base"] = total
    return frame


def first_movers(
    session: Session, narrative_id: str, flt: DashboardFilter, since: date, until: date
) -> pd.DataFrame:
    """Per outlet, its first article carrying the narrative in ``since..until`` (a wave).

    ``first_seen`` is the earliest published time (fetched time when unknown), UTC;
    ``lag_hours`` is the delay behind the first outlet of the wave. Sorted first mover
    first. Columns MOVER_COLUMNS.
    """
    seen: Any = func.min(func.coalesce(Article.published_at, Article.fetched_at))
    # Article is joined here: its language is filtered directly, not by tag_scope's
    # correlated EXISTS (which would correlate away the joined table).
    wave = replace(flt, since=since, until=until, languages=())
    stmt = (
        select(Source.name, seen, func.count())
        .select_from(NarrativeTag)
        .join(Article, Article.id == NarrativeTag.article_id)
        .join(Source, Source.id == NarrativeTag.source_id)
        .where(NarrativeTag.narrative_id == narrative_id)
        .group_by(Source.name)
    )
    if flt.languages:
        stmt = stmt.where(language_in(flt.languages))
    rows = session.execute(tag_scope(stmt, NarrativeTag, wave)).all()
    frame = pd.DataFrame(
        [(r[0], _utc(r[1]), int(r[2])) for r in rows], columns=["outlet", "first_seen", "articles"]
    )
    if frame.empty:
        return pd.DataFrame(columns=list(MOVER_COLUMNS))
    frame = frame.sort_values(["first_seen", "outlet"], ignore_index=True)
    first = frame["first_seen"].iloc[0]
    frame["lag_hours"] = (frame["first_seen"] - first).dt.total_seconds() / 3600
    return frame[list(MOVER_COLUMNS)]


def _utc(value: datetime) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
