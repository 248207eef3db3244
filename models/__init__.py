"""The ground layer: ORM, migrations, store (upserts), queries, rollups and export.

It imports nothing else of this project; every other layer may read it.
"""

from models.db import make_engine, session_factory
from models.schema import (
    Article,
    Base,
    CrawlRun,
    DailyRollup,
    DailyTotal,
    FeedState,
    Narrative,
    NarrativeTag,
    QuarantineItem,
    Source,
)

__all__ = [
    "Article",
    "Base",
    "CrawlRun",
    "DailyRollup",
    "DailyTotal",
    "FeedState",
    "Narrative",
    "NarrativeTag",
    "QuarantineItem",
    "Source",
    "make_engine",
    "session_factory",
]
