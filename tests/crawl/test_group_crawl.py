"""Several sources crawled side by side in one process (what `narrmon run` does).

One Scrapy process serves every source of a run; each crawler keeps its own
settings, outputs and allowed hosts, so a group never widens one source's reach
to another's hosts.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crawlers import CrawlJob, CrawlResult
from crawlers.runner import run_crawls
from crawlers.urls import canonical_url
from demo_outlets import OFFSITE_ID, SiteManifest, SiteServer

pytestmark = pytest.mark.crawl

MakeJob = Callable[..., CrawlJob]
# Wall-clock cap on the group crawl (a few seconds on loopback).
CRAWL_TIMEOUT_S = 90.0
Group = tuple[list[CrawlJob], list[CrawlResult], Path]


@pytest.fixture(scope="module")
def group(
    sources: dict[str, dict[str, Any]], make_job: MakeJob, server: SiteServer, tmp_path_factory
) -> Group:
    origin = server.origin("courrier")
    # courrier also reads the fault feed, whose /_fault/offsite redirects to the offsite
    # host; vesti names that host, so a group that pooled allowlists would follow it.
    courrier = {
        **sources["courrier"],
        "feeds": [
            *sources["courrier"]["feeds"],
            {"type": "rss", "url": f"{origin}/_fault/feed.xml"},
        ],
    }
    offsite_host = server.origin(OFFSITE_ID).removeprefix("http://")
    vesti_host = server.origin("vesti").removeprefix("http://")
    vesti = {**sources["vesti"], "allowed_domains": [vesti_host, offsite_host]}
    jobs = [make_job(courrier, run_id="group"), make_job(vesti, run_id="group")]
    log = tmp_path_factory.mktemp("group") / "crawl.log"
    return jobs, run_crawls(jobs, timeout=CRAWL_TIMEOUT_S, log_path=log), log


def _expected(manifest: SiteManifest, server: SiteServer, outlet: str) -> set[str]:
    return {
        canonical_url(server.url_for(outlet, a["path"]))
        for a in manifest.articles_for(outlet, fetchable_only=True)
    }


def test_each_source_gets_its_own_complete_outputs(
    group: Group, manifest: SiteManifest, server: SiteServer
) -> None:
    jobs, results, _ = group
    for outlet, job, result in zip(("courrier", "vesti"), jobs, results, strict=True):
        assert result.ok and result.finish_reason == "finished", result.stderr_tail
        pages = result.read_pages()
        articles = {p["canonical_url"] for p in pages if "/_fault/" not in p["url"]}
        assert articles == _expected(manifest, server, outlet)
        assert {p["warc_path"] for p in pages} == {job.archive_path}
        assert result.stats["source_id"] == job.source["id"]
        assert result.stats["pages"] == len(pages)
    assert jobs[0].archive_path != jobs[1].archive_path


def test_one_log_for_the_process(group: Group) -> None:
    jobs, _, log = group
    text = log.read_text(encoding="utf-8")
    assert "Traceback" not in text
    # Both crawlers closed in this log; no per-source log was written.
    assert text.count("Spider closed (finished)") == 2
    assert not any((Path(j.out_dir) / "crawl.log").exists() for j in jobs)


def test_a_group_does_not_pool_allowed_hosts(group: Group, server: SiteServer) -> None:
    jobs, results, _ = group
    origin = server.origin("courrier")
    failures = {f["url"]: f for f in results[0].read_failures()}
    assert failures[origin + "/_fault/offsite"]["reason"] == "offsite_redirect"
    offsite = [
        h for h in server.requests(OFFSITE_ID) if h.headers.get("user-agent") == jobs[0].user_agent
    ]
    assert offsite == []


def test_a_finished_source_reports_before_the_slowest(group: Group) -> None:
    """Each crawler writes its stats.json when it closes, not when the process ends.

    courrier's fault feed holds /_fault/slow (a 5 s answer), vesti has nothing slow: the
    caller can load and sum up vesti while courrier still crawls.
    """
    jobs, results, _ = group
    courrier, vesti = (Path(j.out_dir) / "stats.json" for j in jobs)
    assert results[0].finish_reason == results[1].finish_reason == "finished"
    assert courrier.stat().st_mtime - vesti.stat().st_mtime > 2.0
    assert not list(Path(jobs[1].out_dir).glob("*.part"))
