"""`narrmon init`: create or upgrade the schema, load sources and the taxonomy."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from crawlers.registry import SourceConfig, SourcesFileError, load_sources
from models import migrate, store
from models.db import session_factory
from models.records import SourceRecord
from narrmon.database import open_engine, redact
from narrmon.errors import NarrmonError
from narrmon.locks import load_lock
from narrmon.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class InitSummary:
    """What `narrmon init` did."""

    database: str
    sources: int
    narratives: int
    taxonomy_version: str | None


def read_sources(path: Path) -> list[SourceConfig]:
    """Load the sources file, turning validation errors into a NarrmonError."""
    try:
        return load_sources(path)
    except SourcesFileError as exc:
        raise NarrmonError(str(exc)) from exc


def source_record(src: SourceConfig) -> SourceRecord:
    """The stored form of a configured source."""
    return SourceRecord(
        id=src.id,
        name=src.name,
        homepage=src.homepage,
        language=src.language,
        country=src.country,
        media_type=src.media_type,
        enabled=src.enabled,
        config=src.to_dict(),
    )


def taxonomy() -> tuple[list[dict[str, str]], str] | None:
    """The taxonomy's narratives and version (None only if the tagger is not installed)."""
    import narratives

    load = getattr(narratives, "load_taxonomy", None)
    if load is None:  # the placeholder package before the tagger landed
        return None
    items = [
        {"id": n.id, "side": n.side, "label": n.label, "definition": n.definition} for n in load()
    ]
    return items, str(narratives.TAXONOMY_VERSION)


def upgrade_schema(settings: Settings, engine: Engine) -> None:
    """Create or upgrade the schema under the database's lock: concurrent first runs (or
    `narrmon init`s) take turns instead of racing to create the same tables."""
    with load_lock(engine, settings.data_dir):
        migrate.upgrade(settings.database_url)


def sync_catalogue(engine: Engine, sources: list[SourceConfig]) -> tuple[int, int, str | None]:
    """Upsert the sources and the taxonomy; returns (sources, narratives, taxonomy version)."""
    tax = taxonomy()
    with session_factory(engine).begin() as session:
        n_sources = store.sync_sources(session, [source_record(s) for s in sources])
        n_narr = store.sync_narratives(session, tax[0], tax[1]) if tax else 0
    return n_sources, n_narr, tax[1] if tax else None


def init_database(settings: Settings, sources_path: Path | None = None) -> InitSummary:
    """Create or upgrade the schema, then upsert the sources and the taxonomy (idempotent)."""
    sources = read_sources(sources_path or settings.sources_path)
    engine = open_engine(settings.database_url)
    try:
        upgrade_schema(settings, engine)
        n_sources, n_narr, version = sync_catalogue(engine, sources)
    finally:
        engine.dispose()
    log.info(
        "schema ready at %s: %d sources, %d narratives",
        redact(settings.database_url),
        n_sources,
        n_narr,
    )
    return InitSummary(
        database=redact(settings.database_url),
        sources=n_sources,
        narratives=n_narr,
        taxonomy_version=version,
    )
