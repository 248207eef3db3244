"""Tag stage: narrative tags of gated article texts, and the versions stamped on them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.records import TagRecord

# Texts handed to a worker at a time: most texts cost well under a millisecond; an anchored
# one reaches the encoder (~0.1-0.3 s), so small chunks keep both workers busy.
TAG_CHUNKSIZE = 16


def taxonomy_version() -> str:
    """The tagger's taxonomy version stored on every tag."""
    import narratives

    return str(narratives.TAXONOMY_VERSION)


def tagger_version() -> str:
    """The tagger's version (code, trained model, lexicons) stored on every tagged article."""
    import narratives

    return str(narratives.TAGGER_VERSION)


@dataclass(frozen=True, slots=True)
class TagJob:
    """A gated article text to tag, keyed by the article's URL."""

    key: str
    text: str
    language: str | None


@dataclass(frozen=True, slots=True)
class TagOutcome:
    """The tags of one article, or the error the tagger raised (the page is quarantined)."""

    key: str
    tags: list[TagRecord] = field(default_factory=list)
    error: str | None = None
    detail: str = ""


def tag_records(tags: Iterable[Any]) -> list[TagRecord]:
    """The stored form of ``narratives.tag``'s results."""
    return [
        TagRecord(
            narrative_id=t.id,
            score=float(t.score),
            stance=t.stance,
            evidence=[{"text": e.text, "start": e.start, "end": e.end} for e in t.evidence],
        )
        for t in tags
    ]


def use_vector_cache(path: Path | None) -> None:
    """Share the encoder's sentence vectors through ``path`` (settings.vector_cache) in
    this process; ``None`` keeps them to the process."""
    from narratives.embedding import use_disk_cache

    use_disk_cache(path)


def tag_one(job: TagJob) -> TagOutcome:
    """Tag one text (never raises: a tagger bug quarantines the page, not the run)."""
    from narratives import tag

    try:
        return TagOutcome(job.key, tag_records(tag(job.text, job.language)) if job.text else [])
    except Exception as exc:
        return TagOutcome(job.key, error="tagging_crashed", detail=f"{type(exc).__name__}: {exc}")


def tag_chunk(jobs: Sequence[TagJob]) -> list[TagOutcome]:
    """Tag a few texts in one worker call (one pickling round trip for the chunk)."""
    return [tag_one(j) for j in jobs]


def submit_tags(
    jobs: Sequence[TagJob], pool: Executor | None
) -> list[Future[list[TagOutcome]] | list[TagOutcome]]:
    """Hand the jobs to the pool in chunks (or tag them here without one)."""
    if pool is None:
        return [tag_chunk(jobs)] if jobs else []
    return [
        pool.submit(tag_chunk, jobs[i : i + TAG_CHUNKSIZE])
        for i in range(0, len(jobs), TAG_CHUNKSIZE)
    ]


def collect_tags(
    chunks: Sequence[Future[list[TagOutcome]] | list[TagOutcome]],
) -> dict[str, TagOutcome]:
    """The outcomes of submitted chunks by key (waits for chunks still running)."""
    out: dict[str, TagOutcome] = {}
    for chunk in chunks:
        for outcome in chunk.result() if isinstance(chunk, Future) else chunk:
            out[outcome.key] = outcome
    return out


def tag_jobs(jobs: Sequence[TagJob], pool: Executor | None = None) -> dict[str, TagOutcome]:
    """Tag the jobs (on the pool when given) and wait: ``{key: outcome}``."""
    return collect_tags(submit_tags(jobs, pool))
