"""What the filter widgets offer: narratives, outlets, facets and the monitored day range.

The taxonomy itself lives in ``narratives`` (taxonomy.yaml), which the ground may not
import: callers pass it in (``taxonomy``) for the order of the narratives and for the time
before ``narrmon init`` has loaded it into the ``narratives`` table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, func, inspect, select
from sqlalchemy.orm import Session

from models.schema import DailyTotal, Narrative, Source


@dataclass(frozen=True)
class NarrativeInfo:
    """A narrative of the taxonomy as the dashboards show it."""

    id: str
    label: str
    side: str
    definition: str = ""


@dataclass(frozen=True)
class SourceInfo:
    """A monitored outlet and the attributes analysts filter by."""

    id: str
    name: str
    media_type: str
    country: str
    language: str
    homepage: str


@dataclass(frozen=True)
class FilterOptions:
    """The values the filter widgets offer, read from the database."""

    narratives: list[NarrativeInfo]
    sources: list[SourceInfo]
    media_types: list[str]
    countries: list[str]
    languages: list[str]
    first_day: date | None
    last_day: date | None


def schema_ready(engine: Engine) -> bool:
    """True when the database holds the narrmon tables the dashboards read."""
    tables = set(inspect(engine).get_table_names())
    return {"sources", "daily_rollups", "daily_totals", "narratives"} <= tables


def has_data(session: Session) -> bool:
    """True when at least one article has been rolled up."""
    return session.execute(select(DailyTotal.day).limit(1)).first() is not None


def narratives(session: Session, taxonomy: Sequence[NarrativeInfo] = ()) -> list[NarrativeInfo]:
    """The narratives of the ``narratives`` table in ``taxonomy`` order (others after, by
    id); ``taxonomy`` itself while the table is empty."""
    rows = session.execute(
        select(Narrative.id, Narrative.label, Narrative.side, Narrative.definition).order_by(
            Narrative.id
        )
    ).all()
    if not rows:
        return list(taxonomy)
    order = {n.id: k for k, n in enumerate(taxonomy)}
    found = [NarrativeInfo(r.id, r.label or r.id, r.side, r.definition or "") for r in rows]
    return sorted(found, key=lambda n: (order.get(n.id, len(order)), n.id))


def filter_options(session: Session, taxonomy: Sequence[NarrativeInfo] = ()) -> FilterOptions:
    """Everything the filter widgets need: narratives, outlets, facets and the day range."""
    sources = [
        SourceInfo(r.id, r.name, r.media_type, r.country, r.language, r.homepage)
        for r in session.execute(
            select(
                Source.id,
                Source.name,
                Source.media_type,
                Source.country,
                Source.language,
                Source.homepage,
            ).order_by(Source.name)
        )
    ]
    languages = list(
        session.scalars(select(DailyTotal.language).distinct().order_by(DailyTotal.language))
    )
    first, last = session.execute(select(func.min(DailyTotal.day), func.max(DailyTotal.day))).one()
    return FilterOptions(
        narratives=narratives(session, taxonomy),
        sources=sources,
        media_types=sorted({s.media_type for s in sources}),
        countries=sorted({s.country for s in sources}),
        languages=languages,
        first_day=first,
        last_day=last,
    )
