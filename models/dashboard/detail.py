"""The narrative detail page's rows: one narrative by outlet / media type / language /
country / stance per day, and the outlets carrying it most."""

from __future__ import annotations

from typing import Any, Literal

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from models.dashboard.filters import (
    STANCES,
    DashboardFilter,
    narrative_scope,
    narrative_table,
    scope,
)
from models.schema import DailyStanceRollup, DailyTotal, Source

Dimension = Literal["source", "media_type", "language", "country", "stance"]

# Rows shown in "top" lists: what fits on a screen.
TOP_LIMIT = 15
TOP_OUTLET_KEYS = ("outlet", "media_type", "country", "articles", "unique_stories")


def breakdown_rows(
    session: Session, narrative_id: str, flt: DashboardFilter, by: Dimension
) -> pd.DataFrame:
    """One narrative's articles per day x outlet / media type / language / country / stance.

    Columns ``day, key, articles`` (``key`` is the value of ``by``).
    """
    table = DailyStanceRollup if by == "stance" else narrative_table(flt)
    key: Any
    if by == "source":
        key = Source.name
    elif by == "media_type":
        key = Source.media_type
    elif by == "country":
        key = Source.country
    elif by == "language":
        key = table.language
    elif by == "stance":
        key = table.stance
    else:
        raise ValueError(f"unknown dimension {by!r}")
    stmt = (
        select(table.day, key.label("key"), func.sum(table.articles).label("articles"))
        .join(Source, Source.id == table.source_id)
        .where(table.narrative_id == narrative_id)
        .group_by(table.day, key)
    )
    rows = session.execute(narrative_scope(stmt, table, flt)).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=["day", "key", "articles"])


def top_outlets(
    session: Session, narrative_id: str, flt: DashboardFilter, limit: int = TOP_LIMIT
) -> pd.DataFrame:
    """Outlets carrying the narrative most, with the share of each outlet's own output.

    Columns: ``outlet, media_type, country, articles, unique_stories``, one column per
    stance (articles of each stance) and ``share_of_outlet``. ``articles`` counts the
    stances the filter selects (all when none), so the debunkers of a narrative are told
    apart from its amplifiers by the stance columns.
    """
    table = DailyStanceRollup
    carried = narrative_scope(
        select(
            table.source_id,
            func.sum(table.articles).label("articles"),
            func.sum(table.unique_stories).label("unique_stories"),
            *(
                func.sum(case((table.stance == stance, table.articles), else_=0)).label(stance)
                for stance in STANCES
            ),
        )
        .where(table.narrative_id == narrative_id)
        .group_by(table.source_id),
        table,
        flt,
    ).subquery()
    output = scope(
        select(DailyTotal.source_id, func.sum(DailyTotal.articles).label("total")).group_by(
            DailyTotal.source_id
        ),
        DailyTotal,
        flt,
    ).subquery()
    stmt = (
        select(
            Source.name,
            Source.media_type,
            Source.country,
            carried.c.articles,
            carried.c.unique_stories,
            *(carried.c[stance] for stance in STANCES),
            output.c.total,
        )
        .join(carried, carried.c.source_id == Source.id)
        .join(output, output.c.source_id == Source.id, isouter=True)
        .order_by(carried.c.articles.desc(), Source.name)
        .limit(limit)
    )
    rows = session.execute(stmt).all()
    frame = pd.DataFrame(
        [tuple(r) for r in rows],
        columns=[*TOP_OUTLET_KEYS, *STANCES, "total"],
    )
    total = frame["total"].fillna(0)
    frame["share_of_outlet"] = (
        (frame["articles"] / total.where(total > 0)).fillna(0.0).astype("float64")
    )
    return frame.drop(columns=["total"])
