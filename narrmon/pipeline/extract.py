"""Extract stage, run in the worker processes: read the archived page, extract its text.

Runs outside the crawl process and outside the loader, so both cores work while
Scrapy fetches and the database writes. Everything crossing the process boundary
is a small picklable record.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from crawlers.items import PageRecord
from narrmon.pipeline.tag import use_vector_cache

# Pages handed to a worker at a time (~0.3 s of work): few enough futures that the
# streaming loop's waits stay cheap (8 cost the parent ~2 CPU-s per 5,000 pages), small
# enough that both workers stay busy on a 500-page load batch.
POOL_CHUNKSIZE = 32


@dataclass(frozen=True, slots=True)
class PageTask:
    """A fetched page to process: where its raw response sits in the WARC archive."""

    url: str
    final_url: str
    canonical_url: str
    warc_path: str
    warc_offset: int
    warc_record_id: str | None
    content_type: str | None
    fetched_at: str
    feed: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PageOutcome:
    """What became of one page: the extracted article (untagged: tags come after the
    gate), or an error."""

    task: PageTask
    article: Any | None  # crawlers.extraction.ExtractedArticle
    error: str | None = None
    error_detail: str = ""
    story_keys: tuple[int, ...] = ()
    seconds: float = 0.0


def page_task(page: PageRecord) -> PageTask:
    """The extract stage's input for a page record (the one place a page task is built;
    the page's canonical URL is computed here once when the record does not carry it)."""
    from crawlers.urls import canonical_url

    return PageTask(
        url=page["url"],
        final_url=page.get("final_url") or page["url"],
        canonical_url=page.get("canonical_url") or canonical_url(page["url"]),
        warc_path=page["warc_path"],
        warc_offset=int(page["warc_offset"]),
        warc_record_id=page.get("warc_record_id"),
        content_type=page.get("content_type"),
        fetched_at=page["fetched_at"],
        feed=page.get("feed") or {},
    )


def text_story_keys(text: str) -> tuple[int, ...]:
    """The MinHash LSH keys of an article text (empty for a short text), in the worker."""
    from models.story_match import story_keys

    return story_keys(text)


def process_page(task: PageTask) -> PageOutcome:
    """Read and extract one page (never raises); records the seconds it took."""
    started = time.perf_counter()
    outcome = _process(task)
    return replace(outcome, seconds=time.perf_counter() - started)


def _process(task: PageTask) -> PageOutcome:
    from crawlers.archive import read_record
    from crawlers.extraction import ExtractionError, extract

    try:
        headers, body = read_record(task.warc_path, task.warc_offset)
    except (OSError, ValueError, KeyError) as exc:
        return PageOutcome(task, None, "archive_unreadable", str(exc))
    content_type = task.content_type or headers.get("Content-Type") or headers.get("content-type")
    try:
        article = extract(body, task.final_url or task.url, content_type=content_type)
    except ExtractionError as exc:
        return PageOutcome(task, None, f"extraction_{exc.reason.replace('-', '_')}", exc.detail)
    except Exception as exc:  # one broken page must not stop the run
        return PageOutcome(task, None, "extraction_crashed", f"{type(exc).__name__}: {exc}")
    return PageOutcome(task, article, story_keys=text_story_keys(article.text))


def _warm_up(vector_cache: Path | None) -> None:
    """Import the heavy modules once per worker, before the first page arrives, and open
    the shared sentence vectors (the tag stage runs on the same workers)."""
    import crawlers.extraction  # noqa: F401
    import narratives  # noqa: F401

    use_vector_cache(vector_cache)


def make_pool(workers: int, vector_cache: Path | None = None) -> Executor | None:
    """A process pool of ``workers`` extraction processes, or None to work inline (1).

    The tag stage's shared sentence vectors (``vector_cache``, settings.vector_cache) are
    opened in this process and in every worker.
    """
    use_vector_cache(vector_cache)
    if workers <= 1:
        return None
    # forkserver: workers never inherit the loader's database connections or threads.
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=get_context("forkserver"),
        initializer=_warm_up,
        initargs=(vector_cache,),
    )


def process_pages(tasks: Sequence[PageTask], pool: Executor | None) -> Iterator[PageOutcome]:
    """Process pages in order, on the pool when given, else in this process.

    With a pool every page is submitted at once, so the workers keep extracting while the
    caller writes earlier results to the database.
    """
    if pool is None:
        yield from map(process_page, tasks)
        return
    yield from pool.map(process_page, tasks, chunksize=POOL_CHUNKSIZE)


def process_chunk(tasks: Sequence[PageTask]) -> list[PageOutcome]:
    """Process a few pages in one worker call (one pickling round trip for the chunk)."""
    return [process_page(t) for t in tasks]


def batched(outcomes: Iterator[PageOutcome], size: int) -> Iterator[list[PageOutcome]]:
    """Group a stream of outcomes into lists of ``size`` (the last may be shorter)."""
    batch: list[PageOutcome] = []
    for outcome in outcomes:
        batch.append(outcome)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
