"""The fixture outlets: generator, manifest, sources file and server behaviour."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path

import yaml

from demo_outlets import OUTLET_IDS, SiteManifest, SiteServer, generate_sites


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_manifest_covers_outlets_languages_and_narratives(manifest: SiteManifest) -> None:
    assert [o["id"] for o in manifest.outlets] == list(OUTLET_IDS)
    assert {a["language"] for a in manifest.articles} == {"en", "ru", "de", "fr"}
    labelled = [a for a in manifest.articles if a["narratives"]]
    assert labelled and len(labelled) < len(manifest.articles)  # distractors too
    assert all(a["text"] and a["title"] and a["author"] for a in manifest.articles)
    assert any(a["robots_disallowed"] for a in manifest.articles)


def test_sources_file_format(server: SiteServer) -> None:
    sources = yaml.safe_load(server.sources_yaml())["sources"]
    assert len(sources) == len(OUTLET_IDS)
    for src in sources:
        assert src["politeness"]["delay"] == 0
        assert src["feeds"] and all(
            f["type"] in {"rss", "atom", "news-sitemap", "sitemap"} for f in src["feeds"]
        )
        assert src["homepage"].startswith("http://127.0.0.1:")


def test_pages_carry_noise_and_charsets(server: SiteServer, manifest: SiteManifest) -> None:
    art = manifest.articles_for("vesti")[0]
    status, headers, body = _get(server.url_for("vesti", art["path"]))
    assert status == 200 and headers["Content-Type"] == "text/html; charset=windows-1251"
    html = body.decode("windows-1251")
    for noise in ("cookie-consent", "Читайте также", "Комментарии", "site-footer", "sidebar"):
        assert noise in html
    assert "ld+json" not in html  # this outlet shows only a byline date
    art = manifest.articles_for("rundschau")[0]
    _, _, body = _get(server.url_for("rundschau", art["path"]))
    assert b'"@type": "NewsArticle"' in body and b"Lesen Sie auch" in body


def test_conditional_get(server: SiteServer) -> None:
    url = server.url_for("rundschau", "/atom.xml")
    status, headers, _ = _get(url)
    assert status == 200 and headers["Content-Type"].startswith("application/atom+xml")
    assert _get(url, {"If-None-Match": headers["ETag"]})[0] == 304
    assert _get(url, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert _get(url, {"If-None-Match": '"stale"'})[0] == 200
    logged = server.requests("rundschau", "/atom.xml")
    assert any(r.headers.get("if-none-match") == headers["ETag"] for r in logged)


def test_fault_routes(server: SiteServer) -> None:
    origin = server.origin("courrier")
    assert _get(origin + "/_fault/404")[0] == 404
    assert _get(origin + "/_fault/410")[0] == 410
    status, headers, _ = _get(origin + "/_fault/429")
    assert status == 429 and headers["Retry-After"] == "120"
    assert _get(origin + "/_fault/503")[0] == 503
    assert _get(origin + "/_fault/binary")[1]["Content-Type"] == "application/pdf"
    assert _get(origin + "/no/such/page.html")[0] == 404


def test_generator_scales_to_a_benchmark(tmp_path: Path) -> None:
    started = time.monotonic()
    m = generate_sites(
        tmp_path, articles_per_outlet=834, start_date=date(2025, 1, 1), end_date=date(2025, 12, 31)
    )
    assert len(m.articles) >= 5000
    assert time.monotonic() - started < 30  # about 2 s on one core
    dates = sorted(a["published_at"] for a in m.articles)
    assert dates[0] >= "2025-01-01" and dates[-1] < "2026-01-01"
