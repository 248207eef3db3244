"""Fault routes: every way the web breaks ends as a recorded reason, not a crash."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crawlers import CrawlJob, CrawlResult, run_crawl
from demo_outlets import OFFSITE_ID, SiteServer
from demo_outlets.faults import EXPECTED_REASONS, RETRY_AFTER_429, RETRY_AFTER_503

pytestmark = pytest.mark.crawl

MakeJob = Callable[..., CrawlJob]
# Wall-clock cap on one test crawl (they take 2–5 s on loopback).
CRAWL_TIMEOUT_S = 90.0

SECRET = "narrmon-xxe-canary-5f1c"


@pytest.fixture(scope="module")
def fault_run(
    sources: dict[str, dict[str, Any]],
    make_job: MakeJob,
    server: SiteServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[CrawlJob, CrawlResult, str]:
    secret = tmp_path_factory.mktemp("secret") / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    origin = server.origin("rundschau")
    feeds = [
        {"type": "rss", "url": f"{origin}/_fault/feed.xml"},
        {"type": "rss", "url": f"{origin}/_fault/feed-malformed.xml"},
        {"type": "rss", "url": f"{origin}/_fault/feed-xxe.xml?path={secret}"},
        {"type": "rss", "url": f"{origin}/_fault/feed-billion.xml"},
        {"type": "rss", "url": f"{origin}/_fault/feed-offsite.xml"},
        {"type": "rss", "url": f"{origin}/_fault/404"},
    ]
    source = {**sources["rundschau"], "id": "faults", "feeds": feeds}
    # 1 s timeout against the 5 s slow route; 1 MiB cap against the 3 MiB huge routes.
    job = make_job(source, run_id="faults", download_timeout=1.0, download_maxsize=1024 * 1024)
    return job, run_crawl(job, timeout=CRAWL_TIMEOUT_S), origin


def test_crawl_completes_despite_faults(fault_run: tuple[CrawlJob, CrawlResult, str]) -> None:
    _, result, _ = fault_run
    assert result.ok, result.stderr_tail
    assert result.finish_reason == "finished"


def test_fault_routes_give_reasons(fault_run: tuple[CrawlJob, CrawlResult, str]) -> None:
    _, result, origin = fault_run
    failures = {f["url"]: f for f in result.read_failures() if f["kind"] == "article"}
    for path, reason in EXPECTED_REASONS.items():
        assert failures[origin + path]["reason"] == reason, (path, failures.get(origin + path))
    assert failures[origin + "/_fault/429"]["retry_after"] == RETRY_AFTER_429
    assert failures[origin + "/_fault/404"]["status"] == 404
    assert failures[origin + "/_fault/binary"]["status"] == 200
    assert "application/pdf" in failures[origin + "/_fault/binary"]["detail"]
    assert failures["ftp://127.0.0.1/file.html"]["reason"] == "bad_scheme"
    pages = result.read_pages()
    assert [p["url"] for p in pages] == [origin + "/_fault/ok"]


def test_hostile_feeds_fail_cleanly(fault_run: tuple[CrawlJob, CrawlResult, str]) -> None:
    _, result, origin = fault_run
    feeds = {f["feed_url"].split("?")[0]: f for f in result.read_feeds()}
    assert feeds[origin + "/_fault/feed.xml"]["outcome"] == "ok"
    expected = {
        "/_fault/feed-malformed.xml": "malformed_xml",
        "/_fault/feed-xxe.xml": "dtd_entities",
        "/_fault/feed-billion.xml": "dtd_entities",
        "/_fault/feed-offsite.xml": "offsite_redirect",
        "/_fault/404": "http_404",
    }
    for path, code in expected.items():
        feed = feeds[origin + path]
        assert feed["outcome"] == "error"
        assert code in feed["error"], (path, feed)


def test_xxe_reads_no_local_file_and_nothing_leaves_the_hosts(
    fault_run: tuple[CrawlJob, CrawlResult, str], server: SiteServer
) -> None:
    job, _, _ = fault_run
    for path in Path(job.out_dir).iterdir():
        assert SECRET not in path.read_text(encoding="utf-8", errors="replace")
    assert SECRET.encode() not in Path(job.archive_path).read_bytes()
    offsite = [
        h for h in server.requests(OFFSITE_ID) if h.headers.get("user-agent") == job.user_agent
    ]
    assert offsite == []


def test_run_crawl_timeout_keeps_partial_outputs(
    sources: dict[str, dict[str, Any]], make_job: MakeJob, server: SiteServer
) -> None:
    origin = server.origin("courrier")
    feeds = [
        {"type": "rss", "url": f"{origin}/rss.rdf"},
        {"type": "rss", "url": f"{origin}/_fault/slow?s=90"},
    ]
    source = {**sources["courrier"], "id": "stuck", "feeds": feeds}
    # The 60 s download timeout outlasts the 10 s run budget: the run is stopped. 10 s
    # leaves time to fetch the other feed's pages (~2 s on loopback) on a loaded CI machine.
    job = make_job(source, run_id="timeout", download_timeout=60.0)
    result = run_crawl(job, timeout=10.0)
    assert result.timed_out and not result.ok
    assert result.pages > 0  # what was fetched before the stop is kept
    assert result.pages == len(result.read_pages())


def test_retries_back_off_and_retry_after_waits_for_a_later_run(
    fault_run: tuple[CrawlJob, CrawlResult, str], server: SiteServer
) -> None:
    job, result, origin = fault_run

    def hits(path: str) -> list[float]:
        return sorted(
            h.at
            for h in server.requests("rundschau", path)
            if h.headers.get("user-agent") == job.user_agent
        )

    # 429 and 503 with Retry-After: asked once, the wait recorded for a later run.
    assert len(hits("/_fault/429")) == 1 and len(hits("/_fault/503")) == 1
    failures = {f["url"]: f for f in result.read_failures()}
    assert failures[origin + "/_fault/503"]["retry_after"] == RETRY_AFTER_503
    # Other 5xx: tried three times, 0.5 s then 1 s apart (exponential backoff).
    tries = hits("/_fault/500")
    assert len(tries) == 3, tries
    gaps = [later - earlier for earlier, later in itertools.pairwise(tries)]
    assert gaps[0] >= 0.45 and gaps[1] >= 0.95, gaps
