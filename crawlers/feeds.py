"""Safe parsing of RSS 2.0, RSS 1.0 (RDF), Atom, sitemaps and news sitemaps.

Hostile XML is the norm on the open web, so the parser never resolves
entities, never touches the network, refuses huge trees, and any document
that declares entities in a DTD (XXE, billion laughs) is rejected outright.
No Scrapy import here.
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from lxml import etree

# A feed or sitemap larger than 50 MiB once decompressed is refused (the
# sitemap protocol caps files at 50 MB uncompressed).
MAX_XML_BYTES = 50 * 1024 * 1024

# The DOCTYPE, when present, sits in the prolog: the first 4 KiB in practice.
PROLOG_SCAN = 4096

NS_ATOM = "http://www.w3.org/2005/Atom"
NS_RSS1 = "http://purl.org/rss/1.0/"
NS_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
NS_DC = "http://purl.org/dc/elements/1.1/"
NS_SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
NS_NEWS = "http://www.google.com/schemas/sitemap-news/0.9"
NS_XML = "http://www.w3.org/XML/1998/namespace"


class FeedError(ValueError):
    """A feed or sitemap that cannot be parsed safely; ``code`` is a short reason."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


@dataclass
class FeedEntry:
    """One article link found in a feed or sitemap."""

    url: str
    title: str | None = None
    published: str | None = None
    language: str | None = None


@dataclass
class ParsedFeed:
    """Entries of a feed/sitemap, and child sitemaps of a sitemap index."""

    kind: str  # rss | rss1 | atom | sitemap | news-sitemap | sitemapindex
    entries: list[FeedEntry] = field(default_factory=list)
    sitemaps: list[FeedEntry] = field(default_factory=list)
    language: str | None = None


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
        recover=False,
    )


def maybe_gunzip(body: bytes, limit: int = MAX_XML_BYTES) -> bytes:
    """Decompress a gzip body (``sitemap.xml.gz``) with a size limit."""
    if not body.startswith(b"\x1f\x8b"):
        return body
    dec = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = dec.decompress(body, limit + 1)
    except zlib.error as exc:
        raise FeedError("bad_gzip", str(exc)) from exc
    if len(out) > limit:
        raise FeedError("too_large", f"decompressed feed exceeds {limit} bytes")
    return out


def parse_xml(body: bytes) -> etree._Element:
    """Parse XML bytes safely; raise :class:`FeedError` on anything suspicious."""
    body = maybe_gunzip(body)
    if len(body) > MAX_XML_BYTES:
        raise FeedError("too_large", f"feed exceeds {MAX_XML_BYTES} bytes")
    if not body.strip():
        raise FeedError("empty", "empty document")
    # Refuse entity declarations before libxml2 sees them (XXE, billion laughs).
    if b"<!DOCTYPE" in body[:PROLOG_SCAN].upper() and b"<!ENTITY" in body[:MAX_XML_BYTES]:
        raise FeedError("dtd_entities", "document declares DTD entities (refused)")
    try:
        tree = etree.parse(io.BytesIO(body), _parser())
    except etree.XMLSyntaxError as exc:
        raise FeedError("malformed_xml", str(exc)[:300]) from exc
    dtd = tree.docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise FeedError("dtd_entities", "document declares DTD entities (refused)")
    root = tree.getroot()
    if root is None:
        raise FeedError("empty", "no root element")
    # Any entity reference left unresolved means an undeclared/external entity.
    for _ in root.iter(etree.Entity):
        raise FeedError("dtd_entities", "document references entities (refused)")
    return root


def parse_feed(body: bytes) -> ParsedFeed:
    """Parse any supported feed or sitemap; the format is detected from the root."""
    root = parse_xml(body)
    tag = etree.QName(root).localname
    ns = etree.QName(root).namespace
    if tag == "rss":
        return _parse_rss2(root)
    if tag == "RDF" and ns == NS_RDF:
        return _parse_rss1(root)
    if tag == "feed" and ns == NS_ATOM:
        return _parse_atom(root)
    if tag == "urlset":
        return _parse_urlset(root)
    if tag == "sitemapindex":
        return _parse_sitemapindex(root)
    raise FeedError("unknown_format", f"unsupported root element <{tag}>")


def _text(el: etree._Element | None) -> str | None:
    if el is None:
        return None
    txt = "".join(el.itertext()).strip()
    return txt or None


def _child(el: etree._Element, ns: str | None, name: str) -> etree._Element | None:
    found = el.find(f"{{{ns}}}{name}" if ns else name)
    return found


def iso_date(value: str | None) -> str | None:
    """Normalise an RFC 822 or ISO 8601 date to ISO 8601 UTC; None if unparseable."""
    if not value:
        return None
    value = value.strip()
    dt: datetime | None = None
    try:
        dt = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        dt = None
    if dt is None:
        iso = value.replace("Z", "+00:00")
        try:
            dt = datetime.fromisoformat(iso)
        except ValueError:
            return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _parse_rss2(root: etree._Element) -> ParsedFeed:
    channel = root.find("channel")
    if channel is None:
        raise FeedError("unknown_format", "RSS without <channel>")
    lang = _text(channel.find("language"))
    feed = ParsedFeed(kind="rss", language=lang)
    for item in channel.iter("item"):
        link = _text(item.find("link"))
        if not link:
            guid = item.find("guid")
            if guid is not None and guid.get("isPermaLink", "true") != "false":
                link = _text(guid)
        if not link:
            continue
        published = _text(item.find("pubDate")) or _text(_child(item, NS_DC, "date"))
        feed.entries.append(
            FeedEntry(
                url=link,
                title=_text(item.find("title")),
                published=iso_date(published),
                language=_text(_child(item, NS_DC, "language")) or lang,
            )
        )
    return feed


def _parse_rss1(root: etree._Element) -> ParsedFeed:
    channel = root.find(f"{{{NS_RSS1}}}channel")
    lang = _text(_child(channel, NS_DC, "language")) if channel is not None else None
    feed = ParsedFeed(kind="rss1", language=lang)
    for item in root.iter(f"{{{NS_RSS1}}}item"):
        link = _text(_child(item, NS_RSS1, "link")) or item.get(f"{{{NS_RDF}}}about")
        if not link:
            continue
        feed.entries.append(
            FeedEntry(
                url=link,
                title=_text(_child(item, NS_RSS1, "title")),
                published=iso_date(_text(_child(item, NS_DC, "date"))),
                language=_text(_child(item, NS_DC, "language")) or lang,
            )
        )
    return feed


def _atom_link(entry: etree._Element) -> str | None:
    fallback = None
    for link in entry.iterfind(f"{{{NS_ATOM}}}link"):
        href = str(link.get("href") or "")
        if not href:
            continue
        rel = link.get("rel", "alternate")
        if rel == "alternate" and link.get("type", "text/html") in ("text/html", ""):
            return href
        fallback = fallback or (href if rel == "alternate" else None)
    return fallback


def _parse_atom(root: etree._Element) -> ParsedFeed:
    lang = root.get(f"{{{NS_XML}}}lang")
    feed = ParsedFeed(kind="atom", language=lang)
    for entry in root.iterfind(f"{{{NS_ATOM}}}entry"):
        link = _atom_link(entry)
        if not link:
            continue
        published = _text(_child(entry, NS_ATOM, "published")) or _text(
            _child(entry, NS_ATOM, "updated")
        )
        feed.entries.append(
            FeedEntry(
                url=link,
                title=_text(_child(entry, NS_ATOM, "title")),
                published=iso_date(published),
                language=entry.get(f"{{{NS_XML}}}lang") or lang,
            )
        )
    return feed


def _parse_urlset(root: etree._Element) -> ParsedFeed:
    feed = ParsedFeed(kind="sitemap")
    for url_el in root.iterfind(f"{{{NS_SITEMAP}}}url"):
        loc = _text(_child(url_el, NS_SITEMAP, "loc"))
        if not loc:
            continue
        news = _child(url_el, NS_NEWS, "news")
        title = published = language = None
        if news is not None:
            feed.kind = "news-sitemap"
            title = _text(_child(news, NS_NEWS, "title"))
            published = _text(_child(news, NS_NEWS, "publication_date"))
            pub = _child(news, NS_NEWS, "publication")
            if pub is not None:
                language = _text(_child(pub, NS_NEWS, "language"))
        published = published or _text(_child(url_el, NS_SITEMAP, "lastmod"))
        feed.entries.append(
            FeedEntry(url=loc, title=title, published=iso_date(published), language=language)
        )
    return feed


def _parse_sitemapindex(root: etree._Element) -> ParsedFeed:
    feed = ParsedFeed(kind="sitemapindex")
    for sm in root.iterfind(f"{{{NS_SITEMAP}}}sitemap"):
        loc = _text(_child(sm, NS_SITEMAP, "loc"))
        if loc:
            lastmod = iso_date(_text(_child(sm, NS_SITEMAP, "lastmod")))
            feed.sitemaps.append(FeedEntry(url=loc, published=lastmod))
    return feed


__all__ = [
    "FeedEntry",
    "FeedError",
    "ParsedFeed",
    "iso_date",
    "maybe_gunzip",
    "parse_feed",
    "parse_xml",
]
