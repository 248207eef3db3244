"""One batch through the stages after extraction: gate → tag → dedupe → store.

The synchronous form, for replay and callers without a streaming loop; `narrmon run`
streams the same stages through :class:`narrmon.pipeline.ingest.SourceIngest`."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from pathlib import Path

from sqlalchemy.orm import Session

from crawlers.registry import SourceConfig
from models.story_match import WINDOW_DAYS
from narrmon.pipeline.extract import PageOutcome
from narrmon.pipeline.gate import GatedBatch, gate_outcomes
from narrmon.pipeline.store import store_gated
from narrmon.pipeline.tag import TagJob, tag_jobs
from narrmon.summary import SourceSummary


def tag_jobs_of(gated: GatedBatch) -> list[TagJob]:
    """The tag stage's input: the texts of the articles that passed the gate."""
    return [TagJob(url, c.record.text, c.record.language) for url, c in gated.passed.items()]


def load_outcomes(
    session: Session,
    source: SourceConfig,
    outcomes: Sequence[PageOutcome],
    run_id: str,
    summary: SourceSummary,
    *,
    taxonomy_version: str,
    data_dir: Path,
    window_days: int = WINDOW_DAYS,
    pool: Executor | None = None,
) -> list[str]:
    """Gate, tag, dedupe and store one batch of extracted pages; returns the URLs stored.

    The caller commits. Only pages that pass the gate are tagged.
    """
    gated = gate_outcomes(session, source, outcomes, run_id, summary, data_dir=data_dir)
    tags = tag_jobs(tag_jobs_of(gated), pool)
    return store_gated(
        session,
        source,
        gated,
        tags,
        run_id,
        summary,
        taxonomy_version=taxonomy_version,
        window_days=window_days,
    )
