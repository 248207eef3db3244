"""Safe feed and sitemap parsing (no Scrapy)."""

from __future__ import annotations

import gzip

import pytest

from crawlers.feeds import FeedError, iso_date, parse_feed
from demo_outlets import SiteManifest, SiteServer
from demo_outlets.faults import MALFORMED_FEED, billion_laughs_feed, xxe_feed


@pytest.mark.parametrize(
    ("outlet", "path", "kind"),
    [
        ("novosti", "/rss.xml", "rss"),
        ("vesti", "/rss.xml", "rss"),
        ("courrier", "/rss.rdf", "rss1"),
        ("rundschau", "/atom.xml", "atom"),
        ("novosti", "/news-sitemap.xml", "news-sitemap"),
        ("nbc", "/sitemap.xml", "sitemapindex"),
    ],
)
def test_formats_and_dates(
    outlet: str, path: str, kind: str, manifest: SiteManifest, server: SiteServer
) -> None:
    parsed = parse_feed(server.served_bytes(outlet, path))
    assert parsed.kind == kind
    if kind == "sitemapindex":
        assert parsed.sitemaps and not parsed.entries
        child = parse_feed(
            server.served_bytes(outlet, parsed.sitemaps[0].url.split(server.origin(outlet))[1])
        )
        assert child.kind == "sitemap" and all(e.published for e in child.entries)
        return
    dates = {a["path"]: a["published_at"] for a in manifest.articles_for(outlet)}
    assert len(parsed.entries) == len(dates)
    for entry in parsed.entries:
        path_only = entry.url.split(server.origin(outlet))[1].split("?")[0]
        assert entry.published == dates[path_only]
        assert entry.title


def test_windows_1251_feed_decoded(server: SiteServer) -> None:
    body = server.served_bytes("vesti", "/rss.xml")
    assert body.startswith(b'<?xml version="1.0" encoding="windows-1251"?>')
    parsed = parse_feed(body)
    assert parsed.language == "ru"
    assert any("НАТО" in (e.title or "") for e in parsed.entries)


def test_gzip_sitemap(server: SiteServer) -> None:
    body = gzip.compress(server.served_bytes("novosti", "/news-sitemap.xml"))
    assert parse_feed(body).kind == "news-sitemap"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (xxe_feed("/etc/passwd", "http://127.0.0.1:9"), "dtd_entities"),
        (billion_laughs_feed(), "dtd_entities"),
        (MALFORMED_FEED, "malformed_xml"),
        (b"", "empty"),
        (b"<html><body>not a feed</body></html>", "unknown_format"),
        (
            b'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "http://127.0.0.1:9/x.dtd">'
            b"<rss><channel><title>&ext;</title></channel></rss>",
            "dtd_entities",
        ),
    ],
)
def test_hostile_and_broken_xml_refused(body: bytes, code: str) -> None:
    with pytest.raises(FeedError) as err:
        parse_feed(body)
    assert err.value.code == code


def test_iso_date() -> None:
    assert iso_date("Tue, 10 Jun 2025 04:00:00 +0200") == "2025-06-10T02:00:00Z"
    assert iso_date("2025-06-10T04:00:00+02:00") == "2025-06-10T02:00:00Z"
    assert iso_date("2025-06-10") == "2025-06-10T00:00:00Z"
    assert iso_date("yesterday") is None
