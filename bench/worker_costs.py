"""Where an extraction worker's time goes, per page: the steps of `process_page` apart.

Generates the fixture outlets, archives their robots-allowed pages into one WARC file
(as a crawl does), then times each step of the worker's per-page work on one thread
(``time.thread_time``, best of ``--runs``): reading the WARC record, ``extract``,
``tag``, SimHash, pickling the outcome there and back (the pool's round trip), and the
whole of ``process_page``. No pool and no other process, so nothing else shares the
core: the gap between this and the workers' CPU in ``bench.ingest`` is what running
beside the crawl and the loader costs.

    python -m bench.worker_costs --pages 600 --runs 3 --markdown docs/bench/worker-costs.md
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.ingest import anchor_pages, versions
from bench.report import emit
from crawlers.archive import WarcArchive, read_record
from crawlers.extraction import ExtractionError, extract
from demo_outlets import generate_sites
from narratives import embedding, tag
from narrmon.pipeline.extract import PageTask, process_page, text_story_keys

# Pages warmed up before timing: lxml, trafilatura and the tagger build caches on first use.
WARM_UP_PAGES = 20


def archived_tasks(pages: list[tuple[bytes, str, str]], warc: Path) -> list[PageTask]:
    """Archive ``pages`` into ``warc`` and return the tasks a worker would receive."""
    archive = WarcArchive(warc)
    tasks = []
    for body, url, ctype in pages:
        rec = archive.write_response(url, 200, [("Content-Type", ctype)], body)
        tasks.append(
            PageTask(
                url, url, url, rec.warc_path, rec.offset, rec.record_id, ctype, "2025-01-01T00:00Z"
            )
        )
    archive.close()
    return tasks


def best_ms_per_page(step: Callable[[], Any], n: int, runs: int) -> float:
    """The fastest of ``runs`` timings of ``step`` on this thread, per page, in ms.

    The tagger's sentence-vector cache is emptied before each timing, as a fresh worker
    starts: sentences repeated across these pages still hit it, as they do in a run.
    """
    best = float("inf")
    for _ in range(runs):
        embedding.cache.clear()
        started = time.thread_time()
        step()
        best = min(best, time.thread_time() - started)
    return best / n * 1000


def _extract_all(pages: list[tuple[bytes, str, str]]) -> list[Any]:
    out = []
    for body, url, ctype in pages:
        try:
            out.append(extract(body, url, content_type=ctype))
        except ExtractionError:
            continue
    return out


def main(argv: list[str] | None = None) -> int:
    """Time the steps and print (and optionally write) a markdown table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=600)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--markdown", default=None)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="narrmon-bench-worker-") as tmp_name:
        tmp = Path(tmp_name)
        manifest = generate_sites(tmp / "sites", seed=3, articles_per_outlet=-(-args.pages // 6))
        data = json.loads((Path(manifest.root) / "manifest.json").read_text("utf-8"))
        # Origins only shape the URLs inside the pages; nothing is served.
        origins = {o["id"]: f"http://127.0.0.1:{9000 + i}" for i, o in enumerate(data["outlets"])}
        pages = anchor_pages(Path(manifest.root), origins)[: args.pages]
        tasks = archived_tasks(pages, tmp / "pages.warc.gz")
        _extract_all(pages[:WARM_UP_PAGES])
        articles = _extract_all(pages)
        outcomes = [process_page(t) for t in tasks]
        n, runs = len(pages), args.runs
        steps = {
            "read the WARC record": lambda: [
                read_record(t.warc_path, t.warc_offset) for t in tasks
            ],
            "`extract` (the anchor's work)": lambda: _extract_all(pages),
            "`tag`": lambda: [tag(a.text, a.language) for a in articles],
            "story keys (MinHash)": lambda: [text_story_keys(a.text) for a in articles],
            "pickle the outcome there and back": lambda: [
                pickle.loads(pickle.dumps(o)) for o in outcomes
            ],
            "**`process_page`, all of it**": lambda: [process_page(t) for t in tasks],
        }
        figures = {name: best_ms_per_page(step, n, runs) for name, step in steps.items()}
    ratio = figures["**`process_page`, all of it**"] / figures["`extract` (the anchor's work)"]
    lines = [
        f"### Extraction worker, per page ({n} fixture pages, best of {runs}, one thread)",
        "",
        f"Command: `python -m bench.worker_costs --pages {args.pages} --runs {runs}`  ",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; {versions()}",
        "",
        "| step | CPU per page |",
        "|---|---:|",
        *(f"| {name} | {ms:.2f} ms |" for name, ms in figures.items()),
        f"| `process_page` / `extract` | {ratio:.2f} |",
    ]
    emit(lines, args.markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
