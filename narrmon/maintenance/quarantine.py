"""Reading the quarantine: what failed, why, and when."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine, select

from models.db import session_factory
from models.quarantine_status import QuarantineStatus
from models.schema import QuarantineItem
from narrmon.database import open_initialised
from narrmon.settings import Settings


def iter_quarantine(
    settings: Settings,
    *,
    status: str | None = QuarantineStatus.PENDING,
    source_id: str | None = None,
) -> Iterator[dict[str, Any]]:
    """Quarantine rows (newest first) as the quarantine record of DESIGN.md.

    The database is opened at once, so a missing one fails before any row is printed.
    """
    engine = open_initialised(settings.database_url, read_only=True)
    return _rows(engine, status, source_id)


def _rows(engine: Engine, status: str | None, source_id: str | None) -> Iterator[dict[str, Any]]:
    try:
        with session_factory(engine)() as session:
            stmt = select(QuarantineItem).order_by(
                QuarantineItem.created_at.desc(), QuarantineItem.id.desc()
            )
            if status:
                stmt = stmt.where(QuarantineItem.status == status)
            if source_id:
                stmt = stmt.where(QuarantineItem.source_id == source_id)
            for item in session.scalars(stmt.execution_options(yield_per=500)):
                yield {
                    "id": item.id,
                    "url": item.url,
                    "source_id": item.source_id,
                    "reasons": list(item.reasons),
                    "details": item.details,
                    "fetched_at": item.fetched_at.isoformat() if item.fetched_at else None,
                    "created_at": item.created_at.isoformat(),
                    "status": item.status,
                    "payload": item.payload,
                }
    finally:
        engine.dispose()
