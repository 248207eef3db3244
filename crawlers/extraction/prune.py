"""Page regions removed (or rescued) before trafilatura sees the page.

- ``unwrap_embedded_posts``: lift embedded social posts (``blockquote.twitter-tweet``
  and kin) out of the widget wrappers trafilatura discards, so a statement quoted
  as a post stays in the text as a quote.
- ``prune_tree``: drop regions whose markup says what they are (``<aside>``,
  ``<form>``, ``<footer>``, comment threads, newsletter/related/share boxes named
  by class or id). trafilatura prunes many such names already; these add the
  ones news pages use inside the article container. Regions holding much of the
  page's text or several prose paragraphs are never pruned.

Both work in place on an lxml tree the caller owns (a copy of the parsed page).
"""

from __future__ import annotations

import re

from lxml.etree import Element, _Element
from lxml.html import HtmlElement

# class/id tokens of regions that are never article text; matched on whole
# tokens (separated by space, "-", "_") so "share" does not hit "shared-content"
_NOISE_TOKENS = re.compile(
    r"(?:^|[\s_-])(?:"
    r"related|relatedposts|also-?read|read-?also|read-?more|more-?stories|recommended|recirc|"
    r"newsletters?|subscribe|subscription|signup|sign-?up|"
    r"share|sharing|sharebar|social-?share|share-?tools|"
    r"comments?|comment-?list|commentlist|disqus|"
    r"promo|promos|teaser-?list|outbrain|taboola|"
    r"references|reflist|footnotes|bibliography"
    r")(?:$|[\s_-])",
    re.IGNORECASE,
)
_PRUNE_TAGS = ("aside", "form", "footer")
_PRUNE_CANDIDATES = "//*[@class or @id] | //aside | //form | //footer"
# a region holding more than this share of the page text is the article itself
# (e.g. <div class="article comments-enabled">), never pruned
_MAX_PRUNE_SHARE = 0.3
# ... and so is a region holding several paragraphs of prose ("entry-content-read-more"):
# teaser boxes hold headlines, newsletter boxes one or two sentences
_PROSE_WORDS = 25  # a paragraph of at least this many words is prose
_MAX_PROSE_PARAGRAPHS = 2  # more prose paragraphs than this: article text, keep


def prune_tree(tree: HtmlElement, page_chars: int) -> int:
    """Remove noise regions from ``tree`` in place; return how many were removed."""
    doomed: list[_Element] = []
    for el in tree.xpath(_PRUNE_CANDIDATES):
        if not isinstance(el.tag, str) or el.tag in ("html", "body", "article", "main"):
            continue
        hit = el.tag in _PRUNE_TAGS
        if not hit:
            names = f"{el.get('class', '')} {el.get('id', '')}"
            hit = bool(names.strip()) and _NOISE_TOKENS.search(names) is not None
        if hit:
            doomed.append(el)
    removed = 0
    for el in doomed:
        parent = el.getparent()
        if parent is None:
            continue
        if page_chars and len(el.text_content()) > _MAX_PRUNE_SHARE * page_chars:
            continue
        if _prose_paragraphs(el) > _MAX_PROSE_PARAGRAPHS:
            continue
        _remove_keep_tail(el)
        removed += 1
    return removed


# Embedded social posts (X/Twitter, Instagram, Threads, Mastodon, Telegram): quotes the
# journalist chose, often the statement the story is about. Sites wrap them in widget
# containers that trafilatura discards, so they are lifted out of their wrappers first.
_EMBEDDED_POST = re.compile(
    r"(?:^|\s)(?:twitter-tweet|instagram-media|text-post-media|mastodon-embed|"
    r"telegram-post|tiktok-embed)(?:\s|$)"
)
_WRAPPER_SLACK = 1.2  # a wrapper with at most 20% text of its own is only chrome
_MAX_WRAPPER_DEPTH = 4  # widget wrappers seen in the wild nest 2-3 deep


def unwrap_embedded_posts(tree: HtmlElement) -> int:
    """Replace the widget wrappers of embedded social posts by a plain ``<blockquote>``."""
    count = 0
    for quote in list(tree.iter("blockquote")):
        if not _EMBEDDED_POST.search(quote.get("class", "")):
            continue
        size = len(quote.text_content().strip())
        if not size:
            continue
        outer: _Element = quote
        for _ in range(_MAX_WRAPPER_DEPTH):
            parent = outer.getparent()
            if parent is None or parent.tag in ("body", "article", "main", "html"):
                break
            if len(parent.text_content().strip()) > _WRAPPER_SLACK * size:
                break
            outer = parent
        plain = Element("blockquote")
        plain.text = quote.text
        plain.extend(list(quote))
        plain.tail = outer.tail
        holder = outer.getparent()
        if holder is None:
            continue
        holder.replace(outer, plain)
        count += 1
    return count


def _prose_paragraphs(el: _Element) -> int:
    count = 0
    for p in el.iter("p"):
        if len(p.text_content().split()) >= _PROSE_WORDS:
            count += 1
            if count > _MAX_PROSE_PARAGRAPHS:
                break
    return count


def _remove_keep_tail(el: _Element) -> None:
    parent = el.getparent()
    if parent is None:
        return
    if el.tail and el.tail.strip():
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)
