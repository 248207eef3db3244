"""Metadata precedence: JSON-LD > article:published_time > htmldate > URL date > byline."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from crawlers.extraction import extract
from crawlers.extraction.metadata import date_from_url, parse_datetime

PARAS = [
    "The harbour authority opened the new ferry terminal on Monday after three years of "
    "construction work that ran well over its original budget.",
    "Officials said the building can handle twice as many passengers as the old hall, "
    "which was closed in the spring after the roof began to leak badly.",
    "Local traders welcomed the opening but warned that parking near the quay remains "
    "scarce, especially on summer weekends when tourists arrive.",
    "The council plans to review the timetable in autumn, once it has data on how many "
    "travellers use the late evening crossings to the islands.",
]
TITLE = "Ferry terminal opens after delays"


def page(head: str = "", before: str = "", title: str = TITLE) -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAS)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title} | The Harbour Gazette</title>{head}</head><body>"
        "<header><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></header>"
        f"<main><article><h1>{title}</h1>{before}{body}</article></main>"
        "<footer><p>Harbour Gazette, 1 Quay Street</p></footer></body></html>"
    )


def jsonld(obj: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


NEWS_ARTICLE = {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    "headline": "Ferry terminal finally opens",
    "datePublished": "2024-03-05T08:30:00+01:00",
    "author": [
        {"@type": "Person", "name": "Maria Lindqvist"},
        {"@type": "Person", "name": "Tom Okafor"},
        {"@type": "Organization", "name": "Harbour Gazette"},
    ],
    "publisher": {"@type": "Organization", "name": "The Harbour Gazette"},
}
COMPETING_META = (
    '<meta property="article:published_time" content="2024-03-07T10:00:00Z">'
    '<meta name="author" content="Web Desk">'
)
COMPETING_BYLINE = (
    '<div class="byline">By Someone Else <time datetime="2024-03-09T12:00:00Z">9 March</time></div>'
)
URL_WITH_DATE = "https://gazette.example/news/2024/03/11/ferry-terminal"


def test_jsonld_news_article_wins() -> None:
    art = extract(
        page(jsonld(NEWS_ARTICLE) + COMPETING_META, before=COMPETING_BYLINE), URL_WITH_DATE
    )
    assert art.published_at == datetime(2024, 3, 5, 7, 30, tzinfo=UTC)
    assert art.published_at is not None and art.published_at.tzinfo is UTC
    assert art.date_source == "json-ld"
    assert art.author == "Maria Lindqvist; Tom Okafor"  # people before organisations
    assert art.title == "Ferry terminal finally opens"
    assert art.sitename == "The Harbour Gazette"


def test_jsonld_inside_graph() -> None:
    graph = {"@context": "https://schema.org", "@graph": [{"@type": "WebPage"}, NEWS_ARTICLE]}
    art = extract(page(jsonld(graph)), "https://gazette.example/ferry")
    assert art.date_source == "json-ld"
    assert art.author == "Maria Lindqvist; Tom Okafor"


def test_article_published_time_beats_url_and_byline() -> None:
    art = extract(page(COMPETING_META, before=COMPETING_BYLINE), URL_WITH_DATE)
    assert art.published_at == datetime(2024, 3, 7, 10, 0, tzinfo=UTC)
    assert art.date_source == "article:published_time"
    assert art.author == "Web Desk"


def test_date_in_url() -> None:
    art = extract(page(), URL_WITH_DATE)
    assert art.published_at == datetime(2024, 3, 11, tzinfo=UTC)
    # htmldate also reads URLs; either way the URL's date is the one found
    assert art.date_source in {"htmldate", "url"}


def test_date_from_url_forms() -> None:
    assert date_from_url("https://x.example/2019/11/19/story") == datetime(2019, 11, 19, tzinfo=UTC)
    assert date_from_url("https://x.example/2019/nov/19/story") == datetime(
        2019, 11, 19, tzinfo=UTC
    )
    assert date_from_url("https://x.example/news/2019-11-19-story") == datetime(
        2019, 11, 19, tzinfo=UTC
    )
    assert date_from_url("https://x.example/a/20191119/story") == datetime(2019, 11, 19, tzinfo=UTC)
    assert date_from_url("https://x.example/article/14848099.php") is None
    assert date_from_url("https://x.example/2019/13/45/bad") is None


def test_visible_byline() -> None:
    byline = (
        '<p class="article-byline">By Maria Lindqvist | '
        '<time datetime="2024-03-05T09:15:00+00:00">5 March 2024</time></p>'
    )
    art = extract(page(before=byline), "https://gazette.example/ferry")
    assert art.author == "Maria Lindqvist"
    assert art.published_at is not None
    assert art.published_at.date() == datetime(2024, 3, 5).date()
    assert "By Maria Lindqvist" not in art.text


def test_canonical_url_made_absolute() -> None:
    head = '<link rel="canonical" href="/news/ferry-terminal">'
    art = extract(page(head), "https://gazette.example/news/ferry-terminal?utm_source=rss")
    assert art.canonical_url == "https://gazette.example/news/ferry-terminal"


def test_og_url_when_no_canonical() -> None:
    head = '<meta property="og:url" content="https://gazette.example/news/ferry">'
    art = extract(page(head), "https://m.gazette.example/news/ferry")
    assert art.canonical_url == "https://gazette.example/news/ferry"


def test_parse_datetime() -> None:
    assert parse_datetime("2024-03-05T08:30:00+0100") == datetime(2024, 3, 5, 7, 30, tzinfo=UTC)
    assert parse_datetime("2024-03-05 08:30:00") == datetime(2024, 3, 5, 8, 30, tzinfo=UTC)
    assert parse_datetime("Tue, 05 Mar 2024 08:30:00 GMT") == datetime(
        2024, 3, 5, 8, 30, tzinfo=UTC
    )
    assert parse_datetime("2024-03-05") == datetime(2024, 3, 5, tzinfo=UTC)
    assert parse_datetime("3099-01-01") is None  # future: a parsing error, not a date
    assert parse_datetime("yesterday") is None
    assert parse_datetime(None) is None


def test_broken_jsonld_is_ignored() -> None:
    head = '<script type="application/ld+json">{"@type": "NewsArticle", oops</script>'
    art = extract(page(head + COMPETING_META), "https://gazette.example/ferry")
    assert art.date_source == "article:published_time"


def test_html_entities_in_jsonld_are_decoded() -> None:
    obj = dict(NEWS_ARTICLE, headline="Ferry fares rise to &#163;4 &amp; more")
    art = extract(page(jsonld(obj)), "https://gazette.example/ferry")
    assert art.title == "Ferry fares rise to £4 & more"
