"""Run crawl jobs in a fresh Python process and collect their outputs.

The Twisted reactor cannot be restarted, so every crawl process is new
(``python -m crawlers.crawl JOB.json ...``): one job (an Airflow task crawls one
source) or several that crawl concurrently on one reactor (``narrmon run``).
This module never imports Scrapy.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from crawlers.job import (
    FAILURES_FILE,
    FEEDS_FILE,
    PAGES_FILE,
    STATS_FILE,
    CrawlJob,
    CrawlResult,
    read_jsonl,
)

# Keep the last 4 KiB of stderr: enough for a traceback's tail, small enough for a log line.
STDERR_TAIL_CHARS = 4096
# After a timeout: SIGTERM asks Scrapy for a graceful stop; 5 s later a second
# SIGTERM forces it (in-flight downloads are dropped, stats.json still written);
# 5 s after that, SIGKILL. Lines already written to the JSONL files survive all three.
TERM_GRACE_S = 5.0


def run_crawl(job: CrawlJob, timeout: float | None = None) -> CrawlResult:
    """Run ``job`` in a subprocess (``sys.executable -m crawlers.crawl``).

    Writes ``job.json`` into ``job.out_dir``, waits up to ``timeout`` seconds
    (then terminates the crawl, keeping what it already wrote) and parses
    ``pages.jsonl``, ``failures.jsonl``, ``feeds.jsonl`` and ``stats.json``.
    """
    return run_crawls([job], timeout)[0]


def run_crawls(
    jobs: list[CrawlJob], timeout: float | None = None, log_path: Path | None = None
) -> list[CrawlResult]:
    """Run ``jobs`` concurrently in one crawl subprocess; one result per job, in order.

    One process for many sources: one interpreter start-up and one Scrapy import
    instead of one per source, and the memory of one process. ``timeout`` bounds the
    whole process (the crawls run side by side, so each gets all of it); ``log_path``
    receives the log of every crawler (default: the first job's ``crawl.log``).
    """
    if not jobs:
        return []
    cmd = [sys.executable, "-m", "crawlers.crawl"]
    if log_path is not None:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        cmd += ["--log", str(log_path)]
    for job in jobs:
        out = Path(job.out_dir)
        out.mkdir(parents=True, exist_ok=True)
        Path(job.archive_path).parent.mkdir(parents=True, exist_ok=True)
        cmd.append(str(job.write(out / "job.json")))
    env = dict(os.environ)
    project_root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (project_root, env.get("PYTHONPATH", "")) if p)
    timed_out = False
    with subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True
    ) as proc:
        try:
            _, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            stderr = _stop(proc)
        code = proc.returncode
    results = [collect_result(job, code, stderr or "", timed_out=timed_out) for job in jobs]
    # The process fails as a whole when any of its crawls did not finish; a crawl that
    # did finish (and was not cut short) keeps a clean exit of its own.
    return [
        replace(r, exit_code=0) if r.finish_reason is not None and not timed_out else r
        for r in results
    ]


def _stop(proc: subprocess.Popen[str]) -> str:
    """Stop a crawl that ran out of time, as gently as it allows; return its stderr."""
    for _ in range(2):
        proc.send_signal(signal.SIGTERM)
        try:
            return proc.communicate(timeout=TERM_GRACE_S)[1] or ""
        except subprocess.TimeoutExpired:
            continue
    proc.kill()
    return proc.communicate()[1] or ""


def collect_result(
    job: CrawlJob, exit_code: int, stderr: str, *, timed_out: bool = False
) -> CrawlResult:
    """Parse the output files a crawl left in ``job.out_dir``."""
    out = Path(job.out_dir)
    stats: dict[str, Any] = {}
    stats_path = out / STATS_FILE
    if stats_path.exists():
        try:
            stats = json.loads(stats_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            stats = {}
    feeds = read_jsonl(out / FEEDS_FILE)
    outcomes = [f.get("outcome") for f in feeds]
    return CrawlResult(
        exit_code=exit_code,
        out_dir=str(out),
        archive_path=job.archive_path,
        pages_path=str(out / PAGES_FILE),
        failures_path=str(out / FAILURES_FILE),
        feeds_path=str(out / FEEDS_FILE),
        stats_path=str(stats_path),
        pages=len(read_jsonl(out / PAGES_FILE)),
        failures=len(read_jsonl(out / FAILURES_FILE)),
        feeds_ok=outcomes.count("ok"),
        feeds_not_modified=outcomes.count("not_modified"),
        feeds_error=outcomes.count("error"),
        finish_reason=stats.get("finish_reason"),
        timed_out=timed_out,
        stderr_tail=stderr[-STDERR_TAIL_CHARS:],
        stats=stats,
    )
