"""`narrmon quarantine replay`: re-extract quarantined pages from the archive, re-check, load.

Items whose page was archived are processed again exactly as in a run (extraction,
tagging, the quality gate); what passes is stored and its quarantine row marked
replayed, what fails again keeps its row with the new reasons. Fetch failures have no
archived page: retryable ones are fetched again by the next run.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select

from crawlers.items import PageRecord
from models import store
from models.db import session_factory
from models.quarantine_status import QuarantineStatus
from models.schema import QuarantineItem
from narrmon.bootstrap import read_sources
from narrmon.database import open_initialised
from narrmon.errors import NarrmonError
from narrmon.locks import load_lock
from narrmon.pipeline.extract import page_task, process_pages
from narrmon.pipeline.load import load_outcomes
from narrmon.pipeline.rollups import rebuild_dirty
from narrmon.pipeline.tag import taxonomy_version, use_vector_cache
from narrmon.settings import Settings
from narrmon.summary import SourceSummary

log = logging.getLogger(__name__)


@dataclass
class ReplaySummary:
    """Counts of a replay."""

    attempted: int = 0
    loaded: int = 0
    still_failing: int = 0
    not_replayable: int = 0
    missing_source: int = 0
    messages: list[str] = field(default_factory=list)


def replay(
    settings: Settings, *, ids: Sequence[int] = (), replay_all: bool = False
) -> ReplaySummary:
    """Replay the given quarantine ids, or every pending item with ``replay_all``."""
    if not ids and not replay_all:
        raise NarrmonError("say which items to replay: --id ID (repeatable) or --all")
    sources = {s.id: s for s in read_sources(settings.sources_path)}
    engine = open_initialised(settings.database_url)
    factory = session_factory(engine)
    out = ReplaySummary()
    version = taxonomy_version()
    use_vector_cache(settings.vector_cache)
    try:
        with load_lock(engine, settings.data_dir):
            with factory() as session:
                stmt = select(QuarantineItem).where(
                    QuarantineItem.status != QuarantineStatus.REPLAYED
                )
                if ids:
                    stmt = stmt.where(QuarantineItem.id.in_(list(ids)))
                items = session.scalars(stmt.order_by(QuarantineItem.id)).all()
            missing = sorted(set(ids) - {i.id for i in items})
            if missing:
                raise NarrmonError(
                    "no pending quarantine item with id "
                    + ", ".join(map(str, missing))
                    + " (`narrmon quarantine list --all` shows every item)"
                )
            for item in items:
                payload = item.payload or {}
                source = sources.get(item.source_id)
                if source is None:
                    out.missing_source += 1
                    out.messages.append(f"{item.id}: source {item.source_id} is not configured")
                    continue
                if not payload.get("warc_path"):
                    out.not_replayable += 1
                    out.messages.append(
                        f"{item.id}: {','.join(item.reasons)}: no archived page"
                        + (
                            " (fetched again by the next run)"
                            if item.status == QuarantineStatus.RETRY
                            else ""
                        )
                    )
                    continue
                out.attempted += 1
                task = page_task(
                    PageRecord(
                        url=payload.get("page_url") or item.url,
                        final_url=payload.get("final_url") or item.url,
                        canonical_url=item.url,
                        warc_path=payload["warc_path"],
                        warc_offset=int(payload.get("warc_offset") or 0),
                        warc_record_id=payload.get("warc_record_id"),
                        content_type=payload.get("content_type"),
                        fetched_at=(item.fetched_at or item.created_at).isoformat(),
                        feed=payload.get("feed") or {},
                    )
                )
                outcomes = list(process_pages([task], None))
                summary = SourceSummary(source_id=source.id)
                with factory.begin() as session:
                    stored = load_outcomes(
                        session,
                        source,
                        outcomes,
                        item.crawl_run_id or "replay",
                        summary,
                        taxonomy_version=version,
                        data_dir=settings.data_dir,
                        window_days=settings.story_window_days,
                    )
                if stored:
                    out.loaded += 1
                    with factory.begin() as session:
                        row = session.get(QuarantineItem, item.id)
                        if row is not None and row.status != QuarantineStatus.REPLAYED:
                            row.status = QuarantineStatus.REPLAYED
                            row.replayed_at = store.now_utc()
                else:
                    out.still_failing += 1
            rebuild_dirty(engine)
    finally:
        engine.dispose()
    return out
