"""Feed and sitemap writers: RSS 2.0, RSS 1.0, Atom, news sitemaps, sitemap index."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape, quoteattr

from demo_outlets.articles import ArticleSpec
from demo_outlets.outlets import Outlet
from demo_outlets.pages import article_url

TRACKING = "?utm_source=rss&utm_medium=feed&utm_campaign=world"


def _decl(charset: str) -> str:
    return f'<?xml version="1.0" encoding="{charset}"?>\n'


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


def rss2(outlet: Outlet, arts: list[ArticleSpec], extra_links: list[tuple[str, str]]) -> str:
    """RSS 2.0 with pubDate; ``extra_links`` are (url, title) items of another site."""
    home = article_url(outlet.id, "/")
    items = []
    for a in arts:
        link = article_url(outlet.id, a.path) + (TRACKING if outlet.tracking_params else "")
        items.append(
            f"<item><title>{escape(a.title)}</title><link>{escape(link)}</link>"
            f'<guid isPermaLink="false">{outlet.id}-{a.n}</guid>'
            f"<pubDate>{format_datetime(a.published, usegmt=True)}</pubDate>"
            f"<dc:creator>{escape(a.author)}</dc:creator>"
            f"<description>{escape(a.paragraphs[0][:200])}</description></item>"
        )
    for url, title in extra_links:
        items.append(f"<item><title>{escape(title)}</title><link>{escape(url)}</link></item>")
    return (
        _decl(outlet.charset)
        + '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>{escape(outlet.name)}</title><link>{escape(home)}</link>"
        f"<description>{escape(outlet.name)}</description>"
        f"<language>{outlet.language}</language>" + "".join(items) + "</channel></rss>\n"
    )


def rss1(outlet: Outlet, arts: list[ArticleSpec]) -> str:
    """RSS 1.0 (RDF) with dc:date."""
    home = article_url(outlet.id, "/")
    seq = "".join(
        f"<rdf:li rdf:resource={quoteattr(article_url(outlet.id, a.path))}/>" for a in arts
    )
    items = "".join(
        f"<item rdf:about={quoteattr(article_url(outlet.id, a.path))}>"
        f"<title>{escape(a.title)}</title><link>{escape(article_url(outlet.id, a.path))}</link>"
        f"<dc:date>{_iso(a.published)}</dc:date><dc:creator>{escape(a.author)}</dc:creator>"
        "</item>"
        for a in arts
    )
    return (
        _decl(outlet.charset) + '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<channel rdf:about={quoteattr(home + 'rss.rdf')}><title>{escape(outlet.name)}</title>"
        f"<link>{escape(home)}</link><description>{escape(outlet.name)}</description>"
        f"<dc:language>{outlet.language}</dc:language><items><rdf:Seq>{seq}</rdf:Seq></items>"
        f"</channel>{items}</rdf:RDF>\n"
    )


def atom(outlet: Outlet, arts: list[ArticleSpec]) -> str:
    """Atom 1.0 with published and updated."""
    home = article_url(outlet.id, "/")
    updated = _iso(arts[0].published) if arts else "2000-01-01T00:00:00Z"
    entries = "".join(
        f"<entry><title>{escape(a.title)}</title>"
        f'<link rel="alternate" type="text/html" href={quoteattr(article_url(outlet.id, a.path))}/>'
        f"<id>urn:{outlet.id}:{a.n}</id><published>{_iso(a.published)}</published>"
        f"<updated>{_iso(a.published)}</updated><author><name>{escape(a.author)}</name></author>"
        "</entry>"
        for a in arts
    )
    return (
        _decl(outlet.charset)
        + f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{outlet.language}">'
        f"<title>{escape(outlet.name)}</title><id>{escape(home)}</id>"
        f'<link rel="self" href={quoteattr(home + "atom.xml")}/><updated>{updated}</updated>'
        f"{entries}</feed>\n"
    )


def news_sitemap(outlet: Outlet, arts: list[ArticleSpec]) -> str:
    """A Google news sitemap with publication dates and titles."""
    urls = "".join(
        f"<url><loc>{escape(article_url(outlet.id, a.path))}</loc><news:news>"
        f"<news:publication><news:name>{escape(outlet.name)}</news:name>"
        f"<news:language>{outlet.language}</news:language></news:publication>"
        f"<news:publication_date>{_iso(a.published)}</news:publication_date>"
        f"<news:title>{escape(a.title)}</news:title></news:news></url>"
        for a in arts
    )
    return (
        _decl(outlet.charset) + '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + urls + "</urlset>\n"
    )


def sitemap_index(outlet: Outlet, arts: list[ArticleSpec]) -> dict[str, str]:
    """A sitemap index and one plain sitemap per month: {path: xml}."""
    by_month: dict[str, list[ArticleSpec]] = defaultdict(list)
    for a in arts:
        by_month[f"{a.published:%Y-%m}"].append(a)
    files: dict[str, str] = {}
    entries = []
    for month in sorted(by_month, reverse=True):
        group = by_month[month]
        path = f"/sitemaps/sitemap-{month}.xml"
        urls = "".join(
            f"<url><loc>{escape(article_url(outlet.id, a.path))}</loc>"
            f"<lastmod>{_iso(a.published)}</lastmod></url>"
            for a in group
        )
        files[path] = (
            _decl(outlet.charset)
            + '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + urls
            + "</urlset>\n"
        )
        newest = max(a.published for a in group)
        entries.append(
            f"<sitemap><loc>{escape(article_url(outlet.id, path))}</loc>"
            f"<lastmod>{_iso(newest)}</lastmod></sitemap>"
        )
    files["/sitemap.xml"] = (
        _decl(outlet.charset)
        + '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(entries)
        + "</sitemapindex>\n"
    )
    return files


def robots_txt(outlet: Outlet, sitemap_paths: list[str]) -> str:
    """robots.txt: everything allowed except the outlet's disallowed prefix."""
    lines = ["User-agent: *"]
    lines.append(f"Disallow: {outlet.robots_disallow}" if outlet.robots_disallow else "Disallow:")
    lines.append("Disallow: /search")
    lines.append("")
    lines += [f"Sitemap: {article_url(outlet.id, p)}" for p in sitemap_paths]
    return "\n".join(lines) + "\n"
