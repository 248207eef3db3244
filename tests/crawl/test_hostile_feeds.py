"""Wrongly encoded feeds and SSRF to private addresses, through real Scrapy on loopback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from scrapy import Request
from twisted.python.failure import Failure

from crawlers import CrawlJob, CrawlResult, run_crawl
from crawlers.middlewares import GuardMiddleware, RefusedRequest
from demo_outlets import OFFSITE_ID, SiteServer
from demo_outlets.faults import private_targets

pytestmark = pytest.mark.crawl

MakeJob = Callable[..., CrawlJob]
# Wall-clock cap on one test crawl (they take 2–5 s on loopback).
CRAWL_TIMEOUT_S = 90.0

ENCODED = {
    # route: (outcome, substring of the recorded error or None)
    "feed-cp1251-as-utf8.xml": ("error", "malformed_xml: Invalid bytes in character encoding"),
    "feed-cp1251.xml": ("ok", None),
    "sitemap-utf16.xml": ("ok", None),
    "feed-unknown-encoding.xml": ("error", "malformed_xml: Unsupported encoding"),
    "feed-truncated.xml": ("error", "malformed_xml"),
}


@pytest.fixture(scope="module")
def hostile_run(
    sources: dict[str, dict[str, Any]], make_job: MakeJob, server: SiteServer
) -> tuple[CrawlJob, CrawlResult, str]:
    origin = server.origin("courrier")
    feeds = [{"type": "rss", "url": f"{origin}/_fault/{name}"} for name in ENCODED]
    feeds.append({"type": "rss", "url": f"{origin}/_fault/feed-ssrf.xml"})
    source = {**sources["courrier"], "id": "hostile", "feeds": feeds}
    job = make_job(source, run_id="hostile")
    return job, run_crawl(job, timeout=CRAWL_TIMEOUT_S), origin


def test_crawl_survives_hostile_feeds(hostile_run: tuple[CrawlJob, CrawlResult, str]) -> None:
    job, result, _ = hostile_run
    assert result.ok and result.finish_reason == "finished", result.stderr_tail
    log = (Path(job.out_dir) / "crawl.log").read_text(encoding="utf-8")
    assert "Traceback" not in log and "ERROR" not in log


def test_wrongly_encoded_feeds_fail_clearly_or_parse(
    hostile_run: tuple[CrawlJob, CrawlResult, str],
) -> None:
    _, result, origin = hostile_run
    feeds = {f["feed_url"]: f for f in result.read_feeds()}
    for name, (outcome, error) in ENCODED.items():
        feed = feeds[f"{origin}/_fault/{name}"]
        assert feed["outcome"] == outcome, (name, feed)
        if error is not None:
            assert error in feed["error"], (name, feed["error"])
        else:
            assert feed["entries"] == 1, (name, feed)
    pages = {p["url"] for p in result.read_pages()}
    assert pages == {f"{origin}/_fault/ok?feed=cp1251", f"{origin}/_fault/ok?feed=utf16"}
    failures = {f["url"]: f["reason"] for f in result.read_failures() if f["kind"] == "feed"}
    assert failures[f"{origin}/_fault/feed-cp1251-as-utf8.xml"] == "feed_malformed_xml"


def test_links_to_private_addresses_are_not_followed(
    hostile_run: tuple[CrawlJob, CrawlResult, str],
) -> None:
    job, result, origin = hostile_run
    targets = private_targets(int(origin.rsplit(":", 1)[1]))
    fetched = {p["url"] for p in result.read_pages()}
    failed = {f["url"] for f in result.read_failures()}
    log = (Path(job.out_dir) / "crawl.log").read_text(encoding="utf-8")
    for target in targets:
        assert target not in fetched and target not in failed
        assert f"not following {target}: off the allowed hosts" in log, target
    assert result.stats["scrapy"]["narrmon/skipped_offsite"] == len(targets)


def test_redirects_to_private_addresses_refused_at_the_downloader(
    hostile_run: tuple[CrawlJob, CrawlResult, str], server: SiteServer
) -> None:
    job, result, origin = hostile_run
    targets = private_targets(int(origin.rsplit(":", 1)[1]))
    failures = {f["url"]: f for f in result.read_failures()}
    log = (Path(job.out_dir) / "crawl.log").read_text(encoding="utf-8")
    for target in targets:
        url = f"{origin}/_fault/redirect?to={quote(target, safe='')}"
        failure = failures[url]
        # Refused by the guard, not failed by the network (nothing listens there).
        assert failure["reason"] == "offsite_redirect", failure
        assert f"off-host {target}" in failure["detail"]
        assert "offsite_redirect" in log and f"off-host {target}" in log
    assert not [
        h for h in server.requests(OFFSITE_ID) if h.headers.get("user-agent") == job.user_agent
    ]


@pytest.mark.parametrize("target", private_targets(8001))
def test_guard_refuses_private_addresses_the_source_does_not_name(target: str) -> None:
    guard = GuardMiddleware(["127.0.0.1:8001"])
    with pytest.raises(RefusedRequest) as refused:
        guard.process_request(Request(target))
    assert refused.value.reason == "offsite_request"
    guard.process_request(Request("http://127.0.0.1:8001/ok"))  # the named host passes


@pytest.mark.parametrize(
    ("name", "address", "refused"),
    [
        ("intranet.example.com", "10.0.0.5", True),
        ("rebind.example.com", "127.0.0.1", True),
        ("meta.example.com", "169.254.169.254", True),
        ("v6.example.com", "::1", True),
        ("www.example.com", "93.184.216.34", False),  # public: fine
        ("localhost", "127.0.0.1", False),  # named by the source
        ("LOCALHOST.", "127.0.0.1", False),
    ],
)
def test_resolver_refuses_unnamed_private_answers(name: str, address: str, refused: bool) -> None:
    from twisted.internet.error import DNSLookupError

    from crawlers.failures import classify
    from crawlers.resolver import GuardedResolver, named_hosts

    resolver = GuardedResolver.__new__(GuardedResolver)
    resolver.named = named_hosts(["example.com", "localhost:8001"])
    if not refused:
        assert resolver.check(address, name) == address
        return
    with pytest.raises(DNSLookupError) as err:
        resolver.check(address, name)
    assert f"{name} resolves to" in str(err.value)
    reason, detail, _ = classify(Failure(err.value))
    assert reason == "private_address" and address in detail


def test_crawls_use_the_guarded_resolver_and_a_named_loopback_name_works(
    sources: dict[str, dict[str, Any]], make_job: MakeJob, server: SiteServer
) -> None:
    from crawlers.settings import build_settings

    port = server.origin("courrier").rsplit(":", 1)[1]
    feed = f"http://localhost:{port}/rss.rdf"
    source = {
        **sources["courrier"],
        "id": "byname",
        "homepage": None,
        "feeds": [{"type": "rss", "url": feed}],
    }
    job = make_job(source, run_id="byname")
    assert build_settings(job)["TWISTED_DNS_RESOLVER"] == "crawlers.resolver.GuardedResolver"
    result = run_crawl(job, timeout=CRAWL_TIMEOUT_S)
    assert result.ok, result.stderr_tail
    assert [f["outcome"] for f in result.read_feeds()] == ["ok"]  # resolved, though loopback
