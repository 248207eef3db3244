"""Escaping of web text: every string that came from a crawled page goes through here.

Titles, URLs and evidence are attacker-controlled. The only HTML the dashboards emit is
built here, with ``html.escape`` on every web string, and rendered by ``st.html`` (which
also sanitises with DOMPurify). Markdown gets backslash-escaped text, so ``*``, ``[``,
``<`` or ``$`` in a headline stay literal characters.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

# Every ASCII punctuation character may be backslash-escaped in CommonMark; escaping all
# of them turns any web string into literal text (no links, emphasis, HTML, math, emoji).
_MARKDOWN_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")


def md_text(value: object) -> str:
    """``value`` as Markdown that renders literally (all punctuation backslash-escaped)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(value)).replace("\n", " ")


def safe_href(url: object) -> str | None:
    """The URL, HTML-escaped, when it is http(s); None for javascript:, data: and the like."""
    text = str(url or "").strip()
    try:
        scheme = urlsplit(text).scheme.lower()
    except ValueError:
        return None
    return html.escape(text, quote=True) if scheme in ("http", "https") else None


def _marked(item: Mapping[str, Any]) -> str:
    """The excerpt's text, escaped, with each evidence span (``marks``) in ``<mark>``."""
    text = str(item.get("text") or "")
    start = item.get("start")
    marks = item.get("marks") or []
    if not isinstance(start, int) or len(marks) < 2:
        return f"<mark>{html.escape(text)}</mark>"
    parts, cursor = [], 0
    for mark_start, mark_end in marks:
        a, b = max(mark_start - start, cursor), max(mark_end - start, cursor)
        parts.append(html.escape(text[cursor:a]))
        if b > a:  # a span inside the previous one is already marked
            parts.append(f"<mark>{html.escape(text[a:b])}</mark>")
        cursor = b
    parts.append(html.escape(text[cursor:]))
    return "".join(parts)


def evidence_html(items: Sequence[Mapping[str, Any]]) -> str:
    """Evidence excerpts as escaped HTML with the evidence sentence in ``<mark>``."""
    parts = []
    for item in items:
        before = html.escape(str(item.get("before") or ""))
        marked = _marked(item)
        after = html.escape(str(item.get("after") or ""))
        lead = "…" if before else ""
        tail = "…" if after else ""
        parts.append(
            '<blockquote style="margin:0.3em 0;border-left:3px solid #ccc;padding-left:0.6em">'
            f"{lead}{before}{marked}{after}{tail}</blockquote>"
        )
    return "".join(parts)


def article_card(article: Mapping[str, Any]) -> str:
    """One article of the drill-down: linked title, outlet line and highlighted evidence."""
    title = html.escape(str(article.get("title") or "(untitled)"))
    href = safe_href(article.get("url"))
    heading = (
        f'<a href="{href}" target="_blank" rel="noopener noreferrer nofollow">{title}</a>'
        if href
        else title
    )
    meta = " · ".join(
        html.escape(str(v))
        for v in (
            article.get("outlet"),
            article.get("day"),
            article.get("language"),
            f"stance: {article['stance']}" if article.get("stance") else None,
            f"score {article['score']:.2f}" if article.get("score") is not None else None,
        )
        if v
    )
    archive = ""
    if article.get("archived") and isinstance(article.get("article_id"), int):
        archive = (
            f' · <a href="archive?article={article["article_id"]}" target="_blank" '
            'rel="noopener noreferrer">archived copy</a>'
        )
    return (
        '<div style="margin-bottom:1em">'
        f'<div style="font-weight:600">{heading}</div>'
        f'<div style="color:#595959;font-size:0.85em">{meta}{archive}</div>'
        f"{evidence_html(article.get('evidence') or [])}</div>"
    )
