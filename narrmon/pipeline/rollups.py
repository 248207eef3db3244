"""Rollups stage: rebuild the daily counts of every day the store stage marked dirty."""

from __future__ import annotations

from sqlalchemy import Engine

from models.db import session_factory
from models.rollups import dirty_days, rebuild_day


def rebuild_dirty(engine: Engine) -> int:
    """Rebuild the rollups of every day marked dirty, one small transaction per day.

    Days are marked in the same transaction as the articles and tags that changed them,
    so after a crash the next call still finds every stale day.
    """
    total = 0
    factory = session_factory(engine)
    with factory() as session:
        days = dirty_days(session)
    for day in days:
        with factory.begin() as session:
            total += rebuild_day(session, day)
    return total
