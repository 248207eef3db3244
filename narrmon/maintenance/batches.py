"""Stored articles' ids in batches, for the maintenance passes (retag, reextract, restory).

Keyset pagination in id order: each batch is one transaction of the caller's, so a pass
can be stopped and run again without OFFSET scans.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from models.schema import Article


def _selection(
    since: date | None, source_ids: Sequence[str], outdated_of: str | None = None
) -> Select[Any]:
    stmt = select(Article.id)
    if outdated_of is not None:
        stmt = stmt.where(
            or_(Article.tagger_version.is_(None), Article.tagger_version != outdated_of)
        )
    if since is not None:
        stmt = stmt.where(Article.day >= since)
    if source_ids:
        stmt = stmt.where(Article.source_id.in_(list(source_ids)))
    return stmt


def id_batches(
    session: Session,
    since: date | None,
    source_ids: Sequence[str],
    size: int,
    outdated_of: str | None = None,
) -> Iterator[list[int]]:
    """Article ids in ascending batches (keyset pagination: no OFFSET scans)."""
    last = 0
    while True:
        ids = list(
            session.scalars(
                _selection(since, source_ids, outdated_of)
                .where(Article.id > last)
                .order_by(Article.id)
                .limit(size)
            )
        )
        if not ids:
            return
        yield ids
        last = ids[-1]
