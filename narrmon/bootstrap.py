"""`narrmon init`: create or upgrade the schema, load sources and the taxonomy."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from crawlers.registry import SourceConfig, SourcesFileError, load_sources
from models import migrate, store
from models.db import session_factory
from models.records import SourceRecord
from narrmon.database import open_engine, redact
from narrmon.errors import NarrmonError
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
    """The taxonomy's narratives and version, or None while no tagger is installed."""
    try:
        import narratives
    except ImportError:  # pragma: no cover - the package is part of this distribution
        return None
    load = getattr(narratives, "load_taxonomy", None)
    version = getattr(narratives, "TAXONOMY_VERSION", None)
    if load is None or version is None:
        return None
    items = []
    for n in load():
        items.append(
            {
                "id": str(n.id if hasattr(n, "id") else n["id"]),
                "side": str(n.side if hasattr(n, "side") else n["side"]),
                "label": str(getattr(n, "label", None) or n.get("label", "")),
                "definition": str(getattr(n, "definition", None) or n.get("definition", "")),
            }
        )
    return items, str(version)


def init_database(settings: Settings, sources_path: Path | None = None) -> InitSummary:
    """Create or upgrade the schema, then upsert the sources and the taxonomy (idempotent)."""
    sources = read_sources(sources_path or settings.sources_path)
    engine = open_engine(settings.database_url)
    try:
        migrate.upgrade(settings.database_url)
        tax = taxonomy()
        with session_factory(engine).begin() as session:
            n_sources = store.sync_sources(session, [source_record(s) for s in sources])
            n_narr = store.sync_narratives(session, tax[0], tax[1]) if tax else 0
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
        taxonomy_version=tax[1] if tax else None,
    )
