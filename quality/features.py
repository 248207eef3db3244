"""Derived columns the expectations judge, computed for a whole batch at once (pandas).

Each check of the article suite looks at one column of the frame built here; composite
rules (paywall teaser, listing page, on-domain) become one boolean column each, so every
failure is still one named Great Expectations result. Nothing here imports Great
Expectations.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

import numpy as np
import pandas as pd

from quality.patterns import MARKUP_PATTERN, SUBSCRIBE_PATTERN, URL_PATTERN
from quality.records import GateRow
from quality.thresholds import Thresholds

_URL_RE = re.compile(URL_PATTERN)


def _lang(code: str | None) -> str | None:
    """ISO 639-1 primary subtag, lower case (``pt-BR`` → ``pt``); blank → None."""
    if not code or not code.strip():
        return None
    return code.strip().lower().replace("_", "-").split("-", 1)[0]


def _word_stats(texts: Sequence[str], prose_min_words: int) -> tuple[np.ndarray, np.ndarray]:
    """Per text: words, and words in paragraphs of at least ``prose_min_words`` words.

    One pass of ``str.split`` per paragraph: measured faster than pandas' regex counting
    and explode (0.04 s against 0.5 s for 1,000 texts of 600 words).
    """
    words = np.zeros(len(texts))
    prose = np.zeros(len(texts))
    for i, text in enumerate(texts):
        total = in_prose = 0
        for line in text.split("\n"):
            n = len(line.split())
            total += n
            if n >= prose_min_words:
                in_prose += n
        words[i] = total
        prose[i] = in_prose
    return words, prose


def build_frame(rows: Sequence[GateRow], thresholds: Thresholds) -> pd.DataFrame:
    """The batch as a frame: identifying columns plus one judged column per check."""
    n = len(rows)
    keys = [r.key for r in rows]
    urls = [r.url for r in rows]
    texts = [r.text or "" for r in rows]
    text = pd.Series(texts, dtype="str")
    stripped_chars = text.str.strip().str.len().astype("int64")
    word_counts, prose_words = _word_stats(texts, thresholds.prose_min_words)
    words = pd.Series(word_counts).where(stripped_chars > 0)
    prose_share = pd.Series(
        np.divide(prose_words, word_counts, out=np.zeros(n), where=word_counts > 0)
    )

    url_ok = [bool(_URL_RE.match(u or "")) for u in urls]
    on_domain: list[bool | None] = [
        r.on_source_hosts if ok else None for u, r, ok in zip(urls, rows, url_ok, strict=True)
    ]

    langs = [_lang(r.language) for r in rows]
    lang_expected: list[bool | None] = [
        None if lang is None else lang in {_lang(e) for e in r.expected_languages}
        for lang, r in zip(langs, rows, strict=True)
    ]

    aware: list[bool | None] = []
    lead_h = np.full(n, np.nan)
    age_d = np.full(n, np.nan)
    for i, r in enumerate(rows):
        pub = r.published_at
        if pub is None:
            aware.append(None)
            continue
        ok = isinstance(pub, datetime) and pub.utcoffset() is not None
        aware.append(ok)
        if ok and r.fetched_at.utcoffset() is not None:
            delta = (pub - r.fetched_at).total_seconds()
            lead_h[i] = delta / 3600.0
            age_d[i] = -delta / 86400.0

    markup_hits = text.str.count(MARKUP_PATTERN).astype("int64")
    subscribe = text.str.contains(SUBSCRIBE_PATTERN, regex=True).astype("bool")
    teaser = subscribe & (words.fillna(0) < thresholds.paywall_max_words)

    density = pd.Series([float(r.link_density or 0.0) for r in rows], dtype="float64")
    listing = (density >= thresholds.listing_min_link_density) & (
        prose_share < thresholds.listing_max_prose_share
    )

    titles = pd.Series([r.title or "" for r in rows], dtype="str")
    return pd.DataFrame(
        {
            "key": pd.Series(keys, dtype="str"),
            "source_id": pd.Series([r.source_id for r in rows], dtype="str"),
            "url": pd.Series(urls, dtype="str"),
            "text_chars": stripped_chars,
            "words": words,
            "title_chars": titles.str.strip().str.len().astype("int64"),
            "on_domain": pd.Series(on_domain, dtype="object"),
            "language": pd.Series(langs, dtype="object"),
            "language_expected": pd.Series(lang_expected, dtype="object"),
            "published_aware": pd.Series(aware, dtype="object"),
            "published_lead_hours": lead_h,
            "published_age_days": age_d,
            "markup_hits": markup_hits,
            "subscribe_prompt": subscribe,
            "paywall_teaser": teaser.astype("bool"),
            "link_density": density,
            "prose_share": prose_share.round(4),
            "listing_page": listing.astype("bool"),
            "duplicate_of": pd.Series([r.duplicate_of for r in rows], dtype="object"),
        }
    )
