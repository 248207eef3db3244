"""Real Scrapy crawls (in subprocesses) of the fixture outlets on loopback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crawlers import CrawlJob, CrawlResult, run_crawl
from crawlers.archive import read_record
from crawlers.urls import canonical_url
from demo_outlets import SiteManifest, SiteServer

pytestmark = pytest.mark.crawl

MakeJob = Callable[..., CrawlJob]
# Wall-clock cap on one test crawl (they take 2–5 s on loopback).
CRAWL_TIMEOUT_S = 90.0


def write_lines(path: Path, lines: list[str]) -> str:
    """Write a text file, one entry a line; return its path."""
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


Runs = dict[str, tuple[CrawlJob, CrawlResult]]
OUTLETS = ["novosti", "vesti", "rundschau", "courrier", "nbc", "atlantic"]


def _expected_urls(manifest: SiteManifest, server: SiteServer, outlet: str) -> set[str]:
    return {
        canonical_url(server.url_for(outlet, a["path"]))
        for a in manifest.articles_for(outlet, fetchable_only=True)
    }


@pytest.mark.parametrize("outlet", OUTLETS)
def test_every_expected_article_fetched_once_and_archived(
    outlet: str, first_runs: Runs, manifest: SiteManifest, server: SiteServer
) -> None:
    job, result = first_runs[outlet]
    assert result.ok, result.stderr_tail
    assert result.finish_reason == "finished"
    pages = result.read_pages()
    canon = [p["canonical_url"] for p in pages]
    assert len(canon) == len(set(canon)), "an article was fetched twice"
    assert set(canon) == _expected_urls(manifest, server, outlet)
    by_path = {a["path"]: a for a in manifest.articles_for(outlet)}
    for page in pages:
        assert page["status"] == 200
        assert page["warc_path"] == job.archive_path
        headers, body = read_record(page["warc_path"], page["warc_offset"])
        path = page["final_url"][len(server.origin(outlet)) :]
        assert body == server.served_bytes(outlet, path)
        assert headers["WARC-Record-ID"] == page["warc_record_id"]
        assert headers["Content-Type"] == page["content_type"]
        # Feed metadata: the feed's date is the article's publication date.
        expected = by_path[path]
        assert page["feed"]["published"] == expected["published_at"]
        assert page["feed"]["feed_url"].startswith(server.origin(outlet))


def test_windows_1251_pages_archived_with_their_charset(first_runs: Runs) -> None:
    _, result = first_runs["vesti"]
    page = result.read_pages()[0]
    assert page["content_type"] == "text/html; charset=windows-1251"
    _, body = read_record(page["warc_path"], page["warc_offset"])
    assert "НАТО" in body.decode("windows-1251")


def test_tracking_parameters_stripped_and_duplicates_merged(first_runs: Runs) -> None:
    # novosti's RSS links carry utm_* parameters; its news sitemap lists clean URLs.
    _, result = first_runs["novosti"]
    pages = result.read_pages()
    assert all("utm_" not in p["canonical_url"] for p in pages)
    assert result.stats["scrapy"]["narrmon/skipped_duplicate"] >= len(pages)


def test_robots_txt_obeyed(first_runs: Runs, manifest: SiteManifest, server: SiteServer) -> None:
    _, result = first_runs["novosti"]
    premium = [a["path"] for a in manifest.articles_for("novosti") if a["robots_disallowed"]]
    assert premium, "the fixture must link disallowed pages from its feeds"
    for path in premium:
        assert not server.requests("novosti", path)
    assert server.requests("novosti", "/robots.txt")
    reasons = {f["url"].split("?")[0]: f["reason"] for f in result.read_failures()}
    for path in premium:
        assert reasons[server.url_for("novosti", path)] == "robots_disallowed"


def test_allowed_domains_enforced(
    first_runs: Runs, manifest: SiteManifest, server: SiteServer
) -> None:
    job, result = first_runs["atlantic"]
    offsite = manifest.outlet("atlantic")["offsite_links"]
    assert offsite
    for link in offsite:
        hits = server.requests(link["outlet"], link["path"])
        assert all(h.headers.get("user-agent") != job.user_agent for h in hits)
    assert result.stats["scrapy"]["narrmon/skipped_offsite"] == len(offsite)


@pytest.mark.parametrize("outlet", OUTLETS)
def test_crawl_log_clean(outlet: str, first_runs: Runs) -> None:
    job, _ = first_runs[outlet]
    log = (Path(job.out_dir) / "crawl.log").read_text(encoding="utf-8")
    assert "DeprecationWarning" not in log
    assert "ERROR" not in log
    assert "Traceback" not in log


def test_user_agent_sent(first_runs: Runs, server: SiteServer) -> None:
    job, _ = first_runs["rundschau"]
    hits = server.requests("rundschau")
    assert hits and any(h.headers.get("user-agent") == job.user_agent for h in hits)


def test_sitemap_index_children_and_news_sitemap(first_runs: Runs) -> None:
    _, result = first_runs["nbc"]
    feeds = result.read_feeds()
    children = [f for f in feeds if f["parent"]]
    assert children and all(f["outcome"] == "ok" for f in feeds)
    assert sum(f["new_urls"] for f in feeds) == result.pages


def test_second_run_conditional_get_and_known_urls(
    first_runs: Runs, make_job: MakeJob, server: SiteServer, tmp_path: Path
) -> None:
    for outlet in ("novosti", "nbc"):
        job, result = first_runs[outlet]
        validators = {
            f["feed_url"]: {"etag": f["etag"], "last_modified": f["last_modified"]}
            for f in result.read_feeds()
            if f["outcome"] == "ok"
        }
        known = [p["canonical_url"] for p in result.read_pages()]
        known_file = write_lines(tmp_path / f"{outlet}-known.txt", known)
        job2 = make_job(job.source, run_id="r2", validators=validators, known_urls_file=known_file)
        second = run_crawl(job2, timeout=CRAWL_TIMEOUT_S)
        assert second.ok, second.stderr_tail
        assert second.pages == 0
        top_level = [f for f in second.read_feeds() if not f["parent"]]
        assert top_level and all(f["outcome"] == "not_modified" for f in top_level)
        assert all(f["status"] == 304 for f in top_level)
        for feed in job.source["feeds"]:
            path = feed["url"][len(server.origin(outlet)) :]
            sent = [
                h
                for h in server.requests(outlet, path)
                if h.headers.get("user-agent") == job2.user_agent
            ]
            assert sent and sent[-1].headers.get("if-none-match") == validators[feed["url"]]["etag"]
            assert (
                sent[-1].headers.get("if-modified-since")
                == validators[feed["url"]]["last_modified"]
            )
            assert sent[-1].status == 304


def test_known_urls_never_refetched(
    first_runs: Runs, make_job: MakeJob, server: SiteServer, tmp_path: Path
) -> None:
    job, result = first_runs["rundschau"]
    known = [p["canonical_url"] for p in result.read_pages()]
    job2 = make_job(
        job.source, run_id="r3", known_urls_file=write_lines(tmp_path / "known.txt", known)
    )
    second = run_crawl(job2, timeout=CRAWL_TIMEOUT_S)
    assert second.ok and second.pages == 0
    assert second.read_feeds()[0]["outcome"] == "ok"  # no validators: full feed again
    assert second.stats["scrapy"]["narrmon/skipped_known"] == len(known)
    ua_hits = [
        h for h in server.requests("rundschau") if h.headers.get("user-agent") == job2.user_agent
    ]
    assert {h.path for h in ua_hits} <= {"/robots.txt", "/atom.xml"}


def test_per_source_cap_keeps_the_newest(
    sources: dict[str, dict[str, Any]], make_job: MakeJob, manifest: SiteManifest
) -> None:
    source = {**sources["courrier"], "max_articles_per_run": 5}
    result = run_crawl(make_job(source, run_id="cap"), timeout=CRAWL_TIMEOUT_S)
    assert result.ok and result.pages == 5
    assert result.stats["scrapy"]["narrmon/skipped_cap"] > 0
    newest = sorted(manifest.articles_for("courrier"), key=lambda a: a["published_at"])[-5:]
    got = {p["canonical_url"].split("/", 3)[3] for p in result.read_pages()}
    assert got == {a["path"].lstrip("/") for a in newest}
