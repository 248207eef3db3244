"""The core's side of the quality gate: build gate rows, call quality/, read the verdict."""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawlers.registry import SourceConfig
from models.records import ArticleRecord

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GateItem:
    """One extracted article waiting for the gate's verdict."""

    key: str
    source: SourceConfig
    record: ArticleRecord
    link_density: float
    duplicate_of: str | None


@dataclass
class Verdict:
    """Failed keys with the names of their failed checks and details; the rest pass."""

    failed: dict[str, list[str]] = field(default_factory=dict)
    details: dict[str, dict[str, Any]] = field(default_factory=dict)
    batch_checks: dict[str, Any] = field(default_factory=dict)
    docs_path: str | None = None


def gate_available() -> bool:
    """True when the Great Expectations gate (quality.gate) is installed."""
    return importlib.util.find_spec("quality.gate") is not None


def gate_items(items: Sequence[GateItem], *, data_dir: Path, run_id: str) -> Verdict:
    """Validate a batch with the quality gate; an empty batch passes trivially."""
    if not items:
        return Verdict()
    if not gate_available():
        # Until the gate lands, only an empty text is refused (never silently dropped).
        failed = {i.key: ["text_present"] for i in items if not i.record.text.strip()}
        return Verdict(failed=failed)
    from quality.gate import validate_batch
    from quality.records import GateRow

    rows = [
        GateRow(
            key=i.key,
            url=i.record.url,
            source_id=i.source.id,
            allowed_domains=tuple(i.source.domains()),
            expected_languages=(i.source.language,),
            text=i.record.text,
            title=i.record.title,
            language=i.record.language,
            published_at=i.record.published_at,
            fetched_at=i.record.fetched_at,
            word_count=i.record.word_count,
            link_density=i.link_density,
            duplicate_of=i.duplicate_of,
        )
        for i in items
    ]
    result = validate_batch(rows, data_dir=data_dir, run_id=run_id)
    return Verdict(
        failed=dict(result.failed),
        details=dict(result.details),
        batch_checks=dict(result.batch_checks),
        docs_path=result.docs_path,
    )
