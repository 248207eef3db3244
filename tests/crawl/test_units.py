"""URL canonicalisation, the WARC archive, the job contract and the entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from crawlers.archive import WarcArchive, read_record
from crawlers.job import CrawlJob, JobError
from crawlers.registry import parse_sources
from crawlers.urls import canonical_url, host_allowed

GOOD_SOURCE = {"id": "x", "feeds": [{"type": "rss", "url": "http://127.0.0.1:8001/rss.xml"}]}


def test_canonical_url_strips_tracking_and_fragment() -> None:
    url = "HTTP://Example.COM:80/a//b.html?utm_source=rss&fbclid=1&id=3#comments"
    assert canonical_url(url) == "http://example.com/a/b.html?id=3"
    assert canonical_url("http://127.0.0.1:8001/x?b=2&a=1") == "http://127.0.0.1:8001/x?a=1&b=2"


def test_host_allowed_with_and_without_ports() -> None:
    assert host_allowed("https://www.example.com/a", ["example.com"])
    assert not host_allowed("https://badexample.com/a", ["example.com"])
    assert host_allowed("http://127.0.0.1:8001/a", ["127.0.0.1:8001"])
    assert not host_allowed("http://127.0.0.1:8002/a", ["127.0.0.1:8001"])


def test_default_allowed_hosts_keep_ports() -> None:
    job = CrawlJob(
        "r", {**GOOD_SOURCE, "homepage": "http://127.0.0.1:8001/"}, "o", "a.warc.gz", "ua"
    )
    assert job.allowed_hosts() == ["127.0.0.1:8001"]


def test_warc_round_trip(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path / "a.warc.gz")
    body = "<html><body>Привет</body></html>".encode("windows-1251")
    headers = [("Content-Type", "text/html; charset=windows-1251"), ("Content-Encoding", "gzip")]
    first = archive.write_response("http://127.0.0.1/a", 200, headers, body)
    second = archive.write_response("http://127.0.0.1/b", 200, headers, b"second")
    archive.close()
    got_headers, got = read_record(first.warc_path, first.offset)
    assert got == body
    assert got_headers["Content-Type"] == "text/html; charset=windows-1251"
    assert "Content-Encoding" not in got_headers  # the stored body is decoded
    assert got_headers["WARC-Target-URI"] == "http://127.0.0.1/a"
    assert read_record(second.warc_path, second.offset)[1] == b"second"


@pytest.mark.parametrize(
    "data",
    [
        {},
        {
            "run_id": "r",
            "source": {"id": "x", "feeds": []},
            "out_dir": "o",
            "archive_path": "a",
            "user_agent": "u",
        },
        {
            "run_id": "r",
            "source": {"id": "x", "feeds": [{"type": "rss", "url": "ftp://h/x"}]},
            "out_dir": "o",
            "archive_path": "a",
            "user_agent": "u",
        },
        {
            "run_id": "r",
            "source": GOOD_SOURCE,
            "out_dir": "o",
            "archive_path": "a",
            "user_agent": "u",
            "surprise": 1,
        },
    ],
)
def test_bad_jobs_rejected(data: dict[str, object]) -> None:
    with pytest.raises(JobError):
        CrawlJob.from_dict(data)


@pytest.mark.crawl  # starts the crawl process (which refuses the job)
def test_entry_point_rejects_bad_job_with_clear_message(tmp_path: Path) -> None:
    job = tmp_path / "job.json"
    job.write_text(json.dumps({"run_id": "r"}), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "crawlers.crawl", str(job)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert "bad job" in proc.stderr and "missing required fields" in proc.stderr


def test_import_crawlers_stays_light() -> None:
    code = (
        "import sys, crawlers, crawlers.archive, crawlers.runner; "
        "print(sorted(m for m in ('scrapy', 'lxml', 'twisted') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "[]"


def test_registry_source_dicts_make_valid_jobs(
    manifest_root_sources: list[dict[str, object]],
) -> None:
    from crawlers.settings import build_settings

    for src in manifest_root_sources:
        job = CrawlJob("r", dict(src), "o", "a.warc.gz", "ua")
        job.validate()
        settings = build_settings(job)
        assert settings["DOWNLOAD_DELAY"] == 0 and not settings["AUTOTHROTTLE_ENABLED"]
        assert settings["ROBOTSTXT_OBEY"] is True


def test_open_web_defaults_are_polite() -> None:
    from crawlers.settings import build_settings

    src = {**GOOD_SOURCE, "politeness": {"delay": None, "concurrency": None}}
    settings = build_settings(CrawlJob("r", src, "o", "a.warc.gz", "ua"))
    assert 1 <= settings["DOWNLOAD_DELAY"] <= 2
    assert settings["CONCURRENT_REQUESTS_PER_DOMAIN"] == 2
    assert settings["AUTOTHROTTLE_ENABLED"] and settings["ROBOTSTXT_OBEY"]


def test_robots_token() -> None:
    from crawlers.settings import robots_token

    assert robots_token("narrmon/0.1 (+https://example.org/bot)") == "narrmon"


def test_make_user_agent_names_product_and_contact() -> None:
    from crawlers import make_user_agent
    from crawlers.settings import robots_token

    ua = make_user_agent("0.1.0", "https://example.org/bot")
    assert ua.startswith("narrmon/0.1.0 (+https://example.org/bot")
    assert robots_token(ua) == "narrmon"


@pytest.mark.parametrize(
    ("url", "allowed", "ok"),
    [
        ("https://herald.example/a", ("herald.example",), True),
        ("https://www.herald.example/a", ("herald.example",), True),
        ("https://herald.example:8443/a", ("herald.example",), True),
        ("https://evilherald.example/a", ("herald.example",), False),
        ("https://herald.example.evil.test/a", ("herald.example",), False),
        ("http://127.0.0.1:8001/a", ("127.0.0.1:8001",), True),
        ("http://127.0.0.1:8002/a", ("127.0.0.1:8001",), False),
        ("http://127.0.0.1/a", ("127.0.0.1:8001",), False),
        ("https://HERALD.example/a", ("Herald.Example",), True),
        ("not a url", ("herald.example",), False),
        ("http://[::1]:8001/a", ("[::1]:8001",), True),
        ("http://[::1]:8002/a", ("[::1]:8001",), False),
        ("http://[::1]/a", ("[::1]",), True),
        ("http://[::1]:8001/a", ("127.0.0.1:8001",), False),
        ("http://herald.example:99999/a", ("herald.example",), False),
    ],
)
def test_one_host_rule(url: str, allowed: tuple[str, ...], ok: bool) -> None:
    """The crawler and the quality gate share this rule (IPv6 entries in brackets)."""
    assert host_allowed(url, allowed) is ok


def test_allowed_hosts_are_computed_once_for_the_registry_and_the_crawl_job() -> None:
    (src,) = parse_sources(
        {
            "sources": [
                {
                    "id": "v6",
                    "name": "V6",
                    "homepage": "http://[::1]:8001/",
                    "feeds": [{"type": "rss", "url": "http://127.0.0.1:8002/rss.xml"}],
                    "language": "en",
                    "country": "GB",
                    "media_type": "blog",
                }
            ]
        }
    )
    assert src.domains() == ("[::1]:8001", "127.0.0.1:8002")
    job = CrawlJob("r", src.to_dict(), "o", "a.warc.gz", "ua")
    assert job.allowed_hosts() == list(src.domains())
    assert host_allowed("http://[::1]:8001/story", src.domains())
