"""Generate the fixture outlets: pages, feeds, sitemaps, robots.txt, manifest."""

from __future__ import annotations

import json
import random
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml

from demo_outlets import feedgen
from demo_outlets.articles import ArticleSpec, build_articles, event_dates
from demo_outlets.outlets import OUTLET_IDS, Outlet, outlet_by_id
from demo_outlets.pages import article_url, render_article, render_home

MANIFEST = "manifest.json"
SOURCES = "sources.yaml"
OUTLETS_DIR = "outlets"
# First loopback port of the default layout written into sources.yaml.
DEFAULT_BASE_PORT = 8700
# A news sitemap lists only the latest stories (Google reads the last two days;
# 50 keeps a sitemap index necessary to reach the rest).
NEWS_SITEMAP_LATEST = 50
# Related/sidebar links are picked from this many neighbouring articles.
NEIGHBOURS = 12

FEED_PATHS = {
    "rss2": "/rss.xml",
    "rss1": "/rss.rdf",
    "atom": "/atom.xml",
    "news-sitemap": "/news-sitemap.xml",
    "sitemap-index": "/sitemap.xml",
}
SOURCE_FEED_TYPE = {
    "rss2": "rss",
    "rss1": "rss",
    "atom": "atom",
    "news-sitemap": "news-sitemap",
    "sitemap-index": "sitemap",
}


@dataclass
class SiteManifest:
    """What was generated: outlets, their feeds and the expected articles."""

    root: str
    seed: int
    start_date: str
    end_date: str
    event_dates: list[str]
    outlets: list[dict[str, Any]] = field(default_factory=list)
    articles: list[dict[str, Any]] = field(default_factory=list)

    def save(self) -> Path:
        """Write ``manifest.json`` into the root."""
        path = Path(self.root) / MANIFEST
        path.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1), encoding="utf-8")
        return path

    @classmethod
    def load(cls, root: str | Path) -> SiteManifest:
        """Read ``manifest.json`` from a generated root."""
        data = json.loads((Path(root) / MANIFEST).read_text(encoding="utf-8"))
        data["root"] = str(root)
        return cls(**data)

    def outlet(self, outlet_id: str) -> dict[str, Any]:
        """The manifest entry of one outlet."""
        for o in self.outlets:
            if o["id"] == outlet_id:
                return o
        raise KeyError(outlet_id)

    def articles_for(self, outlet_id: str, *, fetchable_only: bool = False) -> list[dict[str, Any]]:
        """Articles of one outlet (optionally only those a polite crawl may fetch)."""
        return [
            a
            for a in self.articles
            if a["outlet"] == outlet_id and (not fetchable_only or not a["robots_disallowed"])
        ]


def _write(path: Path, text: str, charset: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(charset, errors="xmlcharrefreplace"))


def _article_row(a: ArticleSpec) -> dict[str, Any]:
    return {
        "outlet": a.outlet,
        "path": a.path,
        "title": a.title,
        "author": a.author,
        "published_at": a.published.isoformat().replace("+00:00", "Z"),
        "language": a.language,
        "topic": a.topic,
        "narratives": a.narratives,
        "robots_disallowed": a.premium,
        "text": a.text,
    }


def _write_outlet(
    root: Path, outlet: Outlet, arts: list[ArticleSpec], all_specs: dict[str, list[ArticleSpec]]
) -> dict[str, Any]:
    site = root / OUTLETS_DIR / outlet.id
    rng = random.Random(f"pages:{outlet.id}")
    for i, art in enumerate(arts):
        lo, hi = max(0, i - NEIGHBOURS // 2), i + NEIGHBOURS // 2
        others = [o for o in arts[lo:hi] if o is not art]
        rel = art.path.lstrip("/")
        file_rel = rel if rel.endswith(".html") else rel + ".html"
        _write(site / file_rel, render_article(outlet, art, others, rng), outlet.charset)
    _write(site / "index.html", render_home(outlet, arts[:20]), outlet.charset)
    _write(site / "static/site.css", "body{font-family:sans-serif}\n", "utf-8")
    feeds: list[dict[str, str]] = []
    offsite: list[dict[str, str]] = []
    sitemap_paths: list[str] = []
    for fmt in outlet.feeds:
        path = FEED_PATHS[fmt]
        if fmt == "rss2":
            extra: list[tuple[str, str]] = []
            if outlet.syndicates_from and all_specs.get(outlet.syndicates_from):
                other = all_specs[outlet.syndicates_from][0]
                extra.append((article_url(other.outlet, other.path), other.title))
                offsite.append({"outlet": other.outlet, "path": other.path})
            text = feedgen.rss2(outlet, arts, extra)
        elif fmt == "rss1":
            text = feedgen.rss1(outlet, arts)
        elif fmt == "atom":
            text = feedgen.atom(outlet, arts)
        elif fmt == "news-sitemap":
            latest = arts[:NEWS_SITEMAP_LATEST] if "sitemap-index" in outlet.feeds else arts
            text = feedgen.news_sitemap(outlet, latest)
            sitemap_paths.append(path)
        else:
            for child, child_text in feedgen.sitemap_index(outlet, arts).items():
                _write(site / child.lstrip("/"), child_text, outlet.charset)
            sitemap_paths.append(path)
            feeds.append({"type": SOURCE_FEED_TYPE[fmt], "format": fmt, "path": path})
            continue
        _write(site / path.lstrip("/"), text, outlet.charset)
        feeds.append({"type": SOURCE_FEED_TYPE[fmt], "format": fmt, "path": path})
    _write(site / "robots.txt", feedgen.robots_txt(outlet, sitemap_paths), "utf-8")
    return {
        "id": outlet.id,
        "name": outlet.name,
        "language": outlet.language,
        "country": outlet.country,
        "media_type": outlet.media_type,
        "charset": outlet.charset,
        "jsonld": outlet.jsonld,
        "feeds": feeds,
        "robots_disallow": outlet.robots_disallow,
        "tracking_params": outlet.tracking_params,
        "offsite_links": offsite,
    }


def render_sources(manifest: SiteManifest, origins: dict[str, str]) -> str:
    """The sources file (DESIGN.md format) for the generated outlets at ``origins``."""
    sources = []
    for o in manifest.outlets:
        origin = origins[o["id"]]
        sources.append(
            {
                "id": f"demo-{o['id']}",
                "name": o["name"],
                "homepage": origin + "/",
                "feeds": [{"type": f["type"], "url": origin + f["path"]} for f in o["feeds"]],
                "language": o["language"],
                "country": o["country"],
                "media_type": o["media_type"],
                # Loopback: no delay and no AutoThrottle; robots.txt is still obeyed.
                "politeness": {"delay": 0, "concurrency": 8},
            }
        )
    header = "# Generated by demo_outlets: fixture outlets on loopback.\n"
    return header + yaml.safe_dump(
        {"sources": sources}, allow_unicode=True, sort_keys=False, width=100
    )


def default_origins(
    outlet_ids: Iterable[str], base_port: int = DEFAULT_BASE_PORT
) -> dict[str, str]:
    """Origins of the default port layout: outlet i on ``base_port + i``."""
    return {oid: f"http://127.0.0.1:{base_port + i}" for i, oid in enumerate(outlet_ids)}


def generate_sites(
    out_dir: str | Path,
    *,
    seed: int = 7,
    outlets: Iterable[str] = OUTLET_IDS,
    articles_per_outlet: int = 40,
    start_date: date = date(2025, 1, 1),
    end_date: date = date(2025, 12, 31),
    base_port: int = DEFAULT_BASE_PORT,
    newest_on_end: bool = False,
) -> SiteManifest:
    """Write the fixture outlets under ``out_dir`` and return their manifest.

    With ``newest_on_end`` every outlet's newest article is published on ``end_date``.

    Also writes ``sources.yaml`` for the default port layout (outlet i on
    ``base_port + i``, matching ``serve_sites(out_dir, port=base_port)``).
    """
    if end_date < start_date:
        raise ValueError("end_date is before start_date")
    root = Path(out_dir)
    root.mkdir(parents=True, exist_ok=True)
    chosen = [outlet_by_id(o) for o in outlets]
    specs = {
        o.id: build_articles(
            o, articles_per_outlet, start_date, end_date, seed, newest_on_end=newest_on_end
        )
        for o in chosen
    }
    manifest = SiteManifest(
        root=str(root),
        seed=seed,
        start_date=start_date.isoformat(),
        end_date=end_date.isoformat(),
        event_dates=[d.isoformat() for d in event_dates(start_date, end_date)],
    )
    for outlet in chosen:
        manifest.outlets.append(_write_outlet(root, outlet, specs[outlet.id], specs))
        manifest.articles.extend(_article_row(a) for a in specs[outlet.id])
    manifest.save()
    origins = default_origins([o.id for o in chosen], base_port)
    (root / SOURCES).write_text(render_sources(manifest, origins), encoding="utf-8")
    return manifest


def generated_at() -> str:
    """Current UTC time (for logs)."""
    return datetime.now(UTC).isoformat(timespec="seconds")
