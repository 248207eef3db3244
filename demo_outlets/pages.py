"""HTML page templates for the fixture outlets (with realistic page noise)."""

from __future__ import annotations

import json
import random
from datetime import datetime
from html import escape

from demo_outlets.articles import ArticleSpec
from demo_outlets.outlets import Outlet, origin_token
from demo_outlets.texts import CHROME, COMMENTS

MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "de": [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ],
    "fr": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
}


def visible_date(dt: datetime, lang: str) -> str:
    """The date as a reader sees it in a byline, per language."""
    if lang == "ru":
        return f"{dt:%d.%m.%Y %H:%M}"
    if lang == "de":
        return f"{dt.day}. {MONTHS['de'][dt.month - 1]} {dt.year}, {dt:%H:%M} Uhr"
    if lang == "fr":
        return f"{dt.day} {MONTHS['fr'][dt.month - 1]} {dt.year} à {dt:%Hh%M}"
    return f"{MONTHS['en'][dt.month - 1]} {dt.day}, {dt.year} {dt:%H:%M} UTC"


def article_url(outlet_id: str, path: str) -> str:
    """Absolute URL (with the origin placeholder) of a path on an outlet."""
    return origin_token(outlet_id) + path


def _nav(outlet: Outlet) -> str:
    chrome = CHROME[outlet.language]
    items = "".join(
        f'<li><a href="/{escape(item.lower())}/">{escape(item)}</a></li>'
        for item in chrome["nav"].split("|")
    )
    return (
        f'<header class="site-header"><a class="logo" href="/">{escape(outlet.name)}</a>'
        f'<nav class="main-nav"><ul>{items}</ul></nav>'
        f'<form class="search" action="/search"><input name="q" placeholder="…"></form>'
        "</header>"
    )


def _cookie(outlet: Outlet) -> str:
    chrome = CHROME[outlet.language]
    return (
        '<div id="cookie-consent" class="cookie-banner" role="dialog">'
        f"<p>{escape(chrome['cookie'])}</p><button>{escape(chrome['accept'])}</button></div>"
    )


def _link_list(items: list[ArticleSpec]) -> str:
    return "".join(f'<li><a href="{escape(a.path)}">{escape(a.title)}</a></li>' for a in items)


_FIGURE = (
    '<figure class="lead-image"><img src="/static/photo.jpg" alt="" width="800" height="450">'
    "<figcaption>Illustration · Agency photo</figcaption></figure>"
)


def _also_block(outlet: Outlet, related: list[ArticleSpec]) -> str:
    """The "Also read" links inside the article body, in the outlet's house style."""
    label = escape(CHROME[outlet.language]["also"])
    first = related[0]
    if outlet.style == "paper":
        # Inline teaser paragraph, as many newspapers do: the hardest to strip.
        return (
            f'<p class="inline-teaser"><strong>{label}:</strong> '
            f'<a href="{escape(first.path)}">{escape(first.title)}</a></p>'
        )
    if outlet.style == "blog":
        return (
            f'<div class="wp-block-related"><h4>{label}</h4>'
            f"<ul>{_link_list(related[:2])}</ul></div>"
        )
    return (
        f'<aside class="also-read"><strong>{label}</strong>'
        f"<ul>{_link_list(related[:2])}</ul></aside>"
    )


def _jsonld(outlet: Outlet, art: ArticleSpec) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": art.title,
        "datePublished": art.published.isoformat(),
        "dateModified": art.published.isoformat(),
        "author": {"@type": "Person", "name": art.author},
        "inLanguage": art.language,
        "mainEntityOfPage": article_url(outlet.id, art.path),
        "publisher": {"@type": "Organization", "name": outlet.name},
    }
    text = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>'


def _byline(outlet: Outlet, art: ArticleSpec) -> str:
    chrome = CHROME[outlet.language]
    when = visible_date(art.published, outlet.language)
    if outlet.jsonld:
        return (
            f'<p class="byline">{escape(chrome["by"])} <a rel="author" href="/authors/">'
            f'{escape(art.author)}</a> · <time datetime="{art.published.isoformat()}">'
            f"{escape(when)}</time></p>"
        )
    # Only a visible date: no <time>, no meta tags, no JSON-LD.
    return (
        f'<div class="meta"><span class="author">{escape(art.author)}</span>, {escape(when)}</div>'
    )


def render_article(
    outlet: Outlet, art: ArticleSpec, others: list[ArticleSpec], rng: random.Random
) -> str:
    """The full HTML page of one article."""
    chrome = CHROME[outlet.language]
    related = rng.sample(others, k=min(3, len(others))) if others else []
    most_read = rng.sample(others, k=min(5, len(others))) if others else []
    paras = [f"<p>{escape(p)}</p>" for p in art.paragraphs]
    body = paras[:1] + ([_also_block(outlet, related)] if related else []) + paras[1:]
    if outlet.style == "portal":
        body.insert(0, _FIGURE)
    comments = "".join(
        f'<li class="comment"><b>user{rng.randint(10, 999)}</b><p>{escape(c)}</p></li>'
        for c in rng.sample(COMMENTS[outlet.language], k=2)
    )
    head_meta = ""
    if outlet.jsonld:
        head_meta = (
            f'<meta property="article:published_time" content="{art.published.isoformat()}">'
            f'<meta name="author" content="{escape(art.author)}">' + _jsonld(outlet, art)
        )
    canonical = article_url(outlet.id, art.path)
    article_cls = {
        "portal": "article-body",
        "paper": "artikel",
        "broadcaster": "story-body",
        "blog": "entry-content",
    }[outlet.style]
    return (
        f'<!DOCTYPE html>\n<html lang="{outlet.language}"><head>'
        f'<meta charset="{outlet.charset}">'
        f"<title>{escape(art.title)} | {escape(outlet.name)}</title>"
        f'<link rel="canonical" href="{escape(canonical)}">'
        f'<meta property="og:title" content="{escape(art.title)}">'
        f"{head_meta}"
        '<link rel="stylesheet" href="/static/site.css"></head><body>'
        f"{_cookie(outlet)}{_nav(outlet)}"
        '<div class="ad ad-top">Advertisement</div>'
        f'<main><article class="{article_cls}"><h1>{escape(art.title)}</h1>'
        f"{_byline(outlet, art)}{''.join(body)}"
        f'<div class="share">{escape(chrome["share"])}: <a href="#">X</a> <a href="#">FB</a></div>'
        f'</article><section class="related"><h2>{escape(chrome["related"])}</h2>'
        f"<ul>{_link_list(related)}</ul></section>"
        f'<section id="comments"><h2>{escape(chrome["comments"])}</h2><ol>{comments}</ol></section>'
        f'</main><aside class="sidebar"><h2>{escape(chrome["most_read"])}</h2>'
        f"<ol>{_link_list(most_read)}</ol></aside>"
        f'<footer class="site-footer"><p>© {art.published.year} {escape(outlet.name)}. '
        f'{escape(chrome["rights"])}</p><a href="/impressum/">Impressum</a> '
        '<a href="/privacy/">Privacy</a></footer></body></html>\n'
    )


def render_home(outlet: Outlet, latest: list[ArticleSpec]) -> str:
    """The outlet's front page: the latest headlines."""
    return (
        f'<!DOCTYPE html>\n<html lang="{outlet.language}"><head><meta charset="{outlet.charset}">'
        f"<title>{escape(outlet.name)}</title></head><body>{_cookie(outlet)}{_nav(outlet)}"
        f'<main><ul class="headlines">{_link_list(latest)}</ul></main></body></html>\n'
    )
