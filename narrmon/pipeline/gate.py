"""Gate stage: extracted pages in, the articles that pass and the quarantine records of the
rest out (extraction failures and failed quality checks, with their reasons).

The core's side of the quality gate: build gate rows, call quality/, read the verdict."""

from __future__ import annotations

import importlib.util
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from crawlers.registry import SourceConfig
from crawlers.urls import host_allowed
from models import store
from models.records import ArticleRecord, QuarantineRecord
from narrmon.pipeline.articles import article_record, quarantine_record
from narrmon.pipeline.extract import PageOutcome
from narrmon.summary import SourceSummary

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


@dataclass
class Candidate:
    """An extracted page and the article record built from it."""

    outcome: PageOutcome
    record: ArticleRecord


@dataclass
class GatedBatch:
    """The gate's answer for one batch: articles that passed (by URL, in page order) and
    quarantine records for pages that failed extraction or a quality check."""

    passed: dict[str, Candidate] = field(default_factory=dict)
    quarantine: list[QuarantineRecord] = field(default_factory=list)


def gate_outcomes(
    session: Session,
    source: SourceConfig,
    outcomes: Sequence[PageOutcome],
    run_id: str,
    summary: SourceSummary,
    *,
    data_dir: Path,
) -> GatedBatch:
    """Build the batch's article records and run the quality gate over them (read only).

    Two pages of one article in a batch keep the later one (counted as a repeat).
    """
    domains = source.domains()
    out = GatedBatch()
    candidates: dict[str, Candidate] = {}
    for outcome in outcomes:
        if outcome.article is None or outcome.error:
            summary.extraction_failures += 1
            reason = outcome.error or "extraction_failed"
            out.quarantine.append(
                quarantine_record(
                    outcome,
                    source,
                    outcome.task.canonical_url,
                    [reason],
                    {reason: outcome.error_detail},
                    run_id,
                )
            )
            continue
        record = article_record(outcome, source, run_id, domains)
        published = record.published_at
        if published and (
            summary.newest_published_at is None or published > summary.newest_published_at
        ):
            summary.newest_published_at = published
        summary.repeats += record.url in candidates
        candidates[record.url] = Candidate(outcome, record)
    # Exact copies already stored (other URL or outlet) are told to the gate.
    stored_stories = store.story_ids_for_hashes(
        session, (c.record.content_hash for c in candidates.values())
    )
    items = [
        GateItem(
            key=url,
            source=source,
            record=c.record,
            link_density=float(getattr(c.outcome.article, "link_density", 0.0)),
            duplicate_of=stored_stories.get(c.record.content_hash),
        )
        for url, c in candidates.items()
    ]
    verdict = gate_items(items, data_dir=data_dir, run_id=run_id)
    for url, c in candidates.items():
        reasons = verdict.failed.get(url)
        if reasons:
            out.quarantine.append(
                quarantine_record(
                    c.outcome, source, url, reasons, verdict.details.get(url, {}), run_id
                )
            )
        else:
            out.passed[url] = c
    return out


def warm_up_gate(data_dir: Path) -> threading.Thread | None:
    """Import Great Expectations and open its context in the background (about 12 s).

    Started while the crawls run, so the first batch does not wait for the import.
    """
    if not gate_available():
        return None

    def _load() -> None:
        from quality.gx_runtime import runtime

        try:
            runtime(data_dir)
        except Exception:  # the first real validation reports the problem
            log.exception("quality gate warm-up failed")

    thread = threading.Thread(target=_load, name="gx-warm-up", daemon=True)
    thread.start()
    return thread


def gate_available() -> bool:
    """True when the Great Expectations gate (quality.gate) is installed."""
    return importlib.util.find_spec("quality.gate") is not None


def build_quality_docs(data_dir: Path) -> str | None:
    """Render the quality Data Docs site; returns its index path (None if the gate is off).

    ``quality.gate.build_data_docs`` logs the path (once).
    """
    if not gate_available():
        return None
    from quality.gate import build_data_docs

    return build_data_docs(data_dir)


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
    from quality.thresholds import Thresholds

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
            on_source_hosts=host_allowed(i.record.url, i.source.domains()),
        )
        for i in items
    ]
    # An article in a language its source does not usually publish is still coverage:
    # it is kept and counted as flagged rather than quarantined.
    thresholds = Thresholds(flag_only=frozenset({"language_expected"}))
    result = validate_batch(rows, data_dir=data_dir, run_id=run_id, thresholds=thresholds)
    if result.flagged:
        log.info(
            "quality: %d article(s) flagged (kept): %s",
            len(result.flagged),
            sorted(result.flagged)[:5],
        )
    return Verdict(
        failed=dict(result.failed),
        details=dict(result.details),
        batch_checks=dict(result.batch_checks),
        docs_path=result.docs_path,
    )


def batch_checks(
    *,
    source_id: str,
    run_id: str,
    fetched: int,
    extracted: int,
    extraction_failures: int,
    quarantined: int,
    duplicates: int,
    feeds: Sequence[dict[str, Any]],
    newest_published_at: datetime | None,
) -> dict[str, dict[str, object]]:
    """Run the quality gate's batch checks for one source's run; {} without the gate."""
    if not gate_available():
        return {}
    from quality.batch import check_batch, findings_dict
    from quality.records import BatchStats

    stats = BatchStats(
        source_id=source_id,
        run_id=run_id,
        fetched=fetched,
        extracted=extracted,
        extraction_failures=extraction_failures,
        quarantined=quarantined,
        duplicates=duplicates,
        feeds_total=len(feeds),
        feeds_zero_yield=sum(1 for f in feeds if f.get("outcome") == "ok" and not f.get("entries")),
        newest_published_at=newest_published_at,
        now=datetime.now(UTC),
    )
    findings = check_batch(stats)
    for finding in findings:
        if not finding.ok:
            log.warning(
                "batch check %s failed for %s: %s", finding.name, source_id, finding.message
            )
    return findings_dict(findings)
