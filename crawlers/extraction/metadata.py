"""Article metadata with an explicit precedence, on top of trafilatura's.

News pages state their metadata several times, not always consistently. We
take each field from the most deliberate statement available:

- published date: JSON-LD ``NewsArticle``/``Article`` ``datePublished`` >
  ``article:published_time`` (Open Graph) > other publication-date meta tags
  and ``itemprop=datePublished`` > htmldate (via trafilatura) > a date in the
  URL path > a date in the visible byline (``<time datetime>``);
- author: JSON-LD author (people before organisations) > author meta tags >
  the visible byline ("By ...") > trafilatura's guess;
- title: JSON-LD ``headline`` > trafilatura's title (og:title, ``<h1>``, ``<title>``),
  and the same sources read directly when trafilatura found no text;
- canonical URL: ``<link rel=canonical>`` > ``og:url`` > JSON-LD ``url``, made absolute.

All functions work on an already parsed lxml tree and never touch the network.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "backgroundnewsarticle",
        "reviewnewsarticle",
        "askpublicnewsarticle",
        "blogposting",
        "socialmediaposting",
        "liveblogposting",
        "scholarlyarticle",
        "techarticle",
        "report",
    }
)

_PUBLISHED_META = (
    # Open Graph article namespace: the de-facto standard for news pages
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
)
_OTHER_DATE_META = (
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publication_date",
    "article.published",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.created",
    "parsely-pub-date",
    "sailthru.date",
    "date",
)
_AUTHOR_META = (
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "dcterms.creator",
    "byl",
)

# Plausibility window for any date we accept: the web's news archives start in
# the 1990s; a date more than two days ahead is a parsing error or an event date.
_MIN_YEAR = 1990
_FUTURE_SLACK = timedelta(days=2)

# /2019/11/19/, /2019-11-19/, /2019/nov/19/, /20191119/ (date-like path segments)
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}
_URL_DATE = re.compile(
    r"(?<![\d])((?:19|20)\d\d)[/_.-]"
    r"(0?[1-9]|1[0-2]|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*[/_.-]"
    r"(0?[1-9]|[12]\d|3[01])(?![\d])",
    re.IGNORECASE,
)
_URL_DATE_COMPACT = re.compile(
    r"(?<![\d])((?:19|20)\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?![\d])"
)

# "By Jane Doe", "Von Jane Doe", "Par Jane Doe", "Автор: Иван Петров", "Текст: ..."
_BYLINE = re.compile(
    r"^\s*(?:by|von|par|por|di|door|автор|авторка|текст|от)\s*[:\-–—]?\s+"
    r"(?P<name>[^\n|•·,;]{3,80}?)"
    r"(?:\s*(?:[|•·,;]|\s[-–—]\s|\bupdated\b|\bpublished\b|\bon\s+\w+\s+\d|\d{1,2}[:/.]\d).*)?$",
    re.IGNORECASE | re.DOTALL,
)
# elements that carry a visible byline
_BYLINE_XPATH = (
    ".//*[@rel='author' or @itemprop='author' or contains(@class,'byline') or "
    "contains(@class,'Byline') or contains(@class,'author') or contains(@class,'Author') or "
    "contains(@id,'byline') or contains(@id,'Byline')]"
)
# a byline is a few words; longer text in such an element is an author bio
_MAX_BYLINE_CHARS = 200
_MAX_BYLINE_CANDIDATES = 8  # first few matches are the article's own byline


@dataclass(frozen=True, slots=True)
class Metadata:
    """Metadata fields chosen by precedence."""

    title: str | None
    author: str | None
    published_at: datetime | None
    date_source: str | None
    canonical_url: str | None
    description: str | None
    sitename: str | None


# --------------------------------------------------------------------------- dates


def _plausible(dt: datetime) -> bool:
    now = datetime.now(UTC)
    return dt.year >= _MIN_YEAR and dt <= now + _FUTURE_SLACK


def parse_datetime(value: object) -> datetime | None:
    """Parse an ISO 8601 / RFC 2822 / date-only string into an aware UTC datetime.

    Naive values are taken as UTC; implausible dates (before 1990 or in the
    future) give None.
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    dt: datetime | None = None
    iso = text.replace(" ", "T", 1) if re.match(r"\d{4}-\d\d-\d\d \d", text) else text
    if re.match(r"\d{4}-\d\d-\d\dT\d\d:?\d\d(?::?\d\d)?(?:\.\d+)?[+-]\d{4}$", iso):
        iso = iso[:-2] + ":" + iso[-2:]  # +0100 -> +01:00 for older producers
    try:
        dt = datetime.fromisoformat(iso)
    except ValueError:
        try:
            dt = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            m = re.match(r"(\d{4})-(\d\d)-(\d\d)", text)
            if m:
                try:
                    dt = datetime(int(m[1]), int(m[2]), int(m[3]))
                except ValueError:
                    dt = None
    if dt is None:
        return None
    dt = dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
    return dt if _plausible(dt) else None


def date_from_url(url: str) -> datetime | None:
    """A publication date written in the URL path (``/2019/11/19/``), at 00:00 UTC."""
    path = urlsplit(url).path
    for pattern in (_URL_DATE, _URL_DATE_COMPACT):
        m = pattern.search(path)
        if not m:
            continue
        month = m[2].lower()
        month_num = _MONTHS.get(month[:3]) if month[:1].isalpha() else int(month)
        if month_num is None:
            continue
        try:
            dt = datetime(int(m[1]), month_num, int(m[3]), tzinfo=UTC)
        except ValueError:
            continue
        if _plausible(dt):
            return dt
    return None


# --------------------------------------------------------------------------- JSON-LD


def _walk_jsonld(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, list):
        for item in node:
            yield from _walk_jsonld(item)
    elif isinstance(node, dict):
        yield node
        graph = node.get("@graph")
        if graph is not None:
            yield from _walk_jsonld(graph)


def jsonld_objects(tree: HtmlElement) -> list[dict[str, Any]]:
    """All JSON-LD objects of the page (``@graph`` flattened); bad JSON is skipped."""
    objects: list[dict[str, Any]] = []
    for script in tree.iterfind('.//script[@type="application/ld+json"]'):
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            # common breakage: raw newlines/tabs inside strings
            try:
                data = json.loads(re.sub(r"[\r\n\t]+", " ", raw))
            except ValueError:
                continue
        objects.extend(_walk_jsonld(data))
    return objects


def _types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type")
    names = t if isinstance(t, list) else [t]
    return {str(n).lower() for n in names if n}


def article_object(objects: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The first JSON-LD object typed as an article (NewsArticle, BlogPosting...)."""
    for obj in objects:
        if _types(obj) & ARTICLE_TYPES:
            return obj
    return None


def _looks_like_url(text: str) -> bool:
    return bool(re.match(r"(?:https?:)?//|www\.", text.strip()))


def _person_names(node: Any) -> tuple[list[str], list[str]]:
    """(people, organisations) named in a JSON-LD author value."""
    people: list[str] = []
    orgs: list[str] = []
    for item in node if isinstance(node, list) else [node]:
        if isinstance(item, str):
            if item.strip() and not _looks_like_url(item):
                people.append(item.strip())
        elif isinstance(item, dict):
            name = item.get("name")
            if isinstance(name, list):
                name = ", ".join(str(n) for n in name)
            if isinstance(name, str) and name.strip() and not _looks_like_url(name):
                target = orgs if "organization" in _types(item) else people
                target.append(name.strip())
    return people, orgs


def _clean_author(name: str | None) -> str | None:
    if not name:
        return None
    name = html.unescape(name)
    name = re.sub(r"^\s*(?:by|von|par|por)\s+", "", name.strip(), flags=re.IGNORECASE)
    name = re.sub(r"\s+", " ", name).strip(" ,;|-–—")
    if not name or _looks_like_url(name) or len(name) > 120:  # 120: a few names, not prose
        return None
    return name


def _dedupe(names: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for n in names:
        if n.lower() not in seen:
            seen.add(n.lower())
            out.append(n)
    return out


# --------------------------------------------------------------------------- meta tags


def meta_values(tree: HtmlElement) -> dict[str, str]:
    """First value of each ``<meta>`` by lower-cased name/property/itemprop."""
    values: dict[str, str] = {}
    for meta in tree.iterfind(".//meta"):
        content = meta.get("content")
        if not content or not content.strip():
            continue
        for attr in ("property", "name", "itemprop"):
            key = meta.get(attr)
            if key:
                values.setdefault(key.strip().lower(), content.strip())
    return values


def canonical_url(
    tree: HtmlElement, url: str, meta: dict[str, str], art: dict[str, Any] | None
) -> str | None:
    """``<link rel=canonical>`` > ``og:url`` > JSON-LD url, absolute, http(s) only."""
    candidates: list[str] = []
    for link in tree.iterfind(".//link[@rel]"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            candidates.append(str(link.get("href")))
    if meta.get("og:url"):
        candidates.append(meta["og:url"])
    if art:
        for key in ("url", "mainEntityOfPage"):
            value = art.get(key)
            if isinstance(value, dict):
                value = value.get("@id") or value.get("url")
            if isinstance(value, str):
                candidates.append(value)
    for cand in candidates:
        absolute = urljoin(url, cand.strip())
        if urlsplit(absolute).scheme in ("http", "https") and urlsplit(absolute).netloc:
            return absolute
    return None


# --------------------------------------------------------------------------- byline


def visible_byline(tree: HtmlElement) -> tuple[str | None, datetime | None]:
    """Author name and date from the page's visible byline, if there is one."""
    author: str | None = None
    when: datetime | None = None
    for i, el in enumerate(tree.xpath(_BYLINE_XPATH)):
        if i >= _MAX_BYLINE_CANDIDATES:
            break
        if el.tag in ("meta", "link", "script", "style", "body", "html"):
            continue
        text = " ".join(el.text_content().split())
        if not text or len(text) > _MAX_BYLINE_CHARS:
            continue
        if author is None:
            m = _BYLINE.match(text)
            if m:
                author = _clean_author(m["name"])
            elif el.get("rel") == "author" or el.get("itemprop") == "author":
                author = _clean_author(text) if len(text.split()) <= 6 else None  # 6: a name
        if when is None:
            for t in el.iter("time"):
                when = parse_datetime(t.get("datetime"))
                if when:
                    break
        if author and when:
            break
    if when is None:
        first_time = tree.find(".//time[@datetime]")
        if first_time is not None:
            when = parse_datetime(first_time.get("datetime"))
    return author, when


# --------------------------------------------------------------------------- all


def _first_str(*values: object) -> str | None:
    for v in values:
        if isinstance(v, str) and v.strip():
            # JSON-LD is often written with HTML entities left in ("&#163;", "&amp;")
            return " ".join(html.unescape(v).split())
    return None


def collect(
    tree: HtmlElement,
    url: str,
    *,
    traf_title: str | None = None,
    traf_author: str | None = None,
    traf_date: str | None = None,
    traf_description: str | None = None,
    traf_sitename: str | None = None,
) -> Metadata:
    """Choose each metadata field by the precedence in the module docstring.

    ``traf_*`` are trafilatura's own findings (``traf_date`` comes from htmldate).
    """
    objects = jsonld_objects(tree)
    art = article_object(objects)
    meta = meta_values(tree)
    byline_author, byline_date = visible_byline(tree)

    # date
    published: datetime | None = None
    source: str | None = None
    if art:
        published = parse_datetime(art.get("datePublished")) or parse_datetime(
            art.get("dateCreated")
        )
        source = "json-ld" if published else None
    if published is None:
        for key in _PUBLISHED_META:
            published = parse_datetime(meta.get(key))
            if published:
                source = "article:published_time"
                break
    if published is None:
        for key in _OTHER_DATE_META:
            published = parse_datetime(meta.get(key))
            if published:
                source = "meta"
                break
    if published is None:
        el = tree.find('.//*[@itemprop="datePublished"]')
        if el is not None:
            published = parse_datetime(el.get("datetime") or el.get("content"))
            source = "itemprop" if published else None
    if published is None and traf_date:
        published = parse_datetime(traf_date)
        source = "htmldate" if published else None
    if published is None:
        published = date_from_url(url)
        source = "url" if published else None
    if published is None and byline_date is not None:
        published, source = byline_date, "byline"

    # author
    author: str | None = None
    if art and art.get("author") is not None:
        people, orgs = _person_names(art.get("author"))
        names = _dedupe([n for n in map(_clean_author, people or orgs) if n])
        author = "; ".join(names) or None
    if author is None:
        for key in _AUTHOR_META:
            author = _clean_author(meta.get(key))
            if author:
                break
    author = author or byline_author or _clean_author(traf_author)

    # title, description, site name
    title = _first_str(
        art.get("headline") if art else None,
        traf_title,
        meta.get("og:title"),
        tree.findtext(".//title"),
        tree.findtext(".//h1"),
    )
    description = _first_str(art.get("description") if art else None, traf_description)
    publisher = art.get("publisher") if art else None
    sitename = _first_str(
        publisher.get("name") if isinstance(publisher, dict) else None,
        meta.get("og:site_name"),
        traf_sitename,
    )
    return Metadata(
        title=title,
        author=author,
        published_at=published,
        date_source=source,
        canonical_url=canonical_url(tree, url, meta, art),
        description=description,
        sitename=sitename,
    )
