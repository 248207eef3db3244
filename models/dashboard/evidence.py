"""The evidence workbench: one narrative's tagged articles, filtered, counted and paged,
with overlapping excerpts merged and a citation per article.

Reads ``narrative_tags`` (newest first on the (narrative_id, day) index) and the articles
of one page only; the count is one indexed aggregate.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.csv_cells import safe_cell
from models.dashboard.filters import (
    DashboardFilter,
    narrative_scope,
    narrative_table,
    tag_scope,
    with_outlet_ids,
)
from models.schema import Article, NarrativeTag, Source

# Cards per page: what an analyst reads before paging on.
PAGE_SIZE = 20
# Articles in the detail page's "latest articles": what fits on a screen.
LATEST_LIMIT = 20
# Characters of context either side of an evidence sentence in the article excerpt.
EXCERPT_CONTEXT = 160
# The evidence CSV holds at most this many articles (newest first): enough for a report
# appendix, bounded so a click cannot read a year of a frequent narrative into memory.
CSV_LIMIT = 5_000
# Evidence sentences at most this many characters apart (a space, a line break) are
# quoted as one passage, without " [...] " between them.
ADJACENT_GAP = 2
# What a card or a CSV row reads of a tag, in this order.
TAG_COLUMNS = (
    NarrativeTag.article_id,
    NarrativeTag.score,
    NarrativeTag.stance,
    NarrativeTag.evidence,
    NarrativeTag.day,
)
CSV_COLUMNS = (
    "article_id",
    "narrative_id",
    "day",
    "outlet",
    "stance",
    "score",
    "quote",
    "title",
    "url",
    "citation",
)


def count_evidence(session: Session, narrative_id: str, flt: DashboardFilter) -> int:
    """How many articles carry ``narrative_id`` under the filter (stance and outlet too).

    Summed from the narrative rollup (the stance split when stance narrows): the same
    count as the tags' (a tag's day, outlet and language are its article's), without
    walking a year of tags when a language or media type narrows.
    """
    table = narrative_table(flt)
    stmt = select(func.sum(table.articles)).where(table.narrative_id == narrative_id)
    return int(session.execute(narrative_scope(stmt, table, flt)).scalar_one() or 0)


def evidence_page(
    session: Session,
    narrative_id: str,
    flt: DashboardFilter,
    page: int = 0,
    page_size: int = PAGE_SIZE,
) -> list[dict[str, Any]]:
    """Page ``page`` (from 0) of the articles carrying the narrative, newest first.

    Each dict: ``article_id, title, url, outlet, media_type, day, published_at, language,
    score, stance, quote, evidence, citation, archived`` where evidence is the merged
    excerpts (:func:`merge_excerpts`), quote the evidence sentences
    (:func:`evidence_quote`) and ``archived`` says whether a WARC copy is stored. All
    strings are raw web text: escape them.
    """
    stmt = (
        select(*TAG_COLUMNS)
        .where(NarrativeTag.narrative_id == narrative_id)
        .order_by(NarrativeTag.day.desc(), NarrativeTag.article_id.desc())
        .offset(max(page, 0) * page_size)
        .limit(page_size)
    )
    outlets = with_outlet_ids(session, flt)
    if outlets is None:
        return []
    tags = session.execute(tag_scope(stmt, NarrativeTag, outlets)).all()
    if not tags:
        return []
    articles = {
        r.id: r
        for r in session.execute(
            select(
                Article.id,
                Article.title,
                Article.url,
                Article.published_at,
                Article.language,
                Article.text,
                Article.warc_path,
                Source.name.label("outlet"),
                Source.media_type,
            )
            .join(Source, Source.id == Article.source_id)
            .where(Article.id.in_([t.article_id for t in tags]))
        )
    }
    out: list[dict[str, Any]] = []
    for tag in tags:
        art = articles.get(tag.article_id)
        if art is None:
            continue
        evidence = merge_excerpts(art.text, tag.evidence or [])
        card = {
            "quote": evidence_quote(tag.evidence or []),
            "article_id": art.id,
            "title": art.title or "(untitled)",
            "url": art.url,
            "outlet": art.outlet,
            "media_type": art.media_type,
            "day": tag.day,
            "published_at": art.published_at,
            "language": art.language,
            "score": tag.score,
            "stance": tag.stance,
            "evidence": evidence,
            "archived": bool(art.warc_path),
        }
        card["citation"] = citation(card)
        out.append(card)
    return out


def merge_excerpts(
    text: str, evidence: Sequence[dict[str, Any]], context: int = EXCERPT_CONTEXT
) -> list[dict[str, Any]]:
    """Evidence spans with context, overlapping or touching excerpts merged into one.

    Each item: ``{text, start, end, before, after, marks}`` where ``text`` runs from the
    first to the last evidence span of the merged excerpt and ``marks`` lists the spans'
    (start, end) offsets within the article. Spans whose offsets do not fit the text fall
    back to the stored evidence text with no context.
    """
    spans = sorted(
        {
            (int(e["start"]), int(e["end"]))
            for e in evidence
            if isinstance(e.get("start"), int)
            and isinstance(e.get("end"), int)
            and 0 <= e["start"] < e["end"] <= len(text)
        }  # a span tagged twice is marked once
    )
    merged: list[list[Any]] = []
    for start, end in spans:
        # Two spans share an excerpt when their context windows would overlap.
        if merged and start - context <= merged[-1][1] + context:
            merged[-1][1] = max(merged[-1][1], end)
            merged[-1][2].append((start, end))
        else:
            merged.append([start, end, [(start, end)]])
    out = [
        {
            "text": text[start:end],
            "start": start,
            "end": end,
            "before": text[max(0, start - context) : start],
            "after": text[end : end + context],
            "marks": marks,
        }
        for start, end, marks in merged
    ]
    if not out:  # offsets lost (e.g. text re-extracted): the stored sentences, once each
        stored = dict.fromkeys(str(e.get("text") or "") for e in evidence)
        out = [
            {"text": t, "start": None, "end": None, "before": "", "after": "", "marks": []}
            for t in stored
            if t
        ]
    return out


def evidence_quote(evidence: Sequence[dict[str, Any]]) -> str:
    """One tag's evidence sentences as a quote: in text order, each once; sentences that
    follow each other in the article joined by a space, the others by " [...] ".

    Built from the stored sentences and their offsets alone, so the evidence CSV reads no
    article text. Sentences stored without offsets follow, in their stored order.
    """
    located: dict[tuple[int, int], str] = {}
    loose: list[str] = []
    for e in evidence:
        sentence = str(e.get("text") or "")
        start, end = e.get("start"), e.get("end")
        if isinstance(start, int) and isinstance(end, int) and start < end:
            located.setdefault((start, end), sentence)
        elif sentence:
            loose.append(sentence)
    parts: list[str] = []
    reach = -1  # end offset of the text quoted so far
    for (start, end), sentence in sorted(located.items()):
        if end <= reach:  # inside a sentence already quoted
            continue
        if parts and start < reach:  # overlaps the last one: only its new tail
            parts[-1] += sentence[reach - start :]
        elif parts and start - reach <= ADJACENT_GAP:
            parts[-1] += " " + sentence
        else:
            parts.append(sentence)
        reach = end
    parts += [t for t in dict.fromkeys(loose) if t not in parts]
    return " [...] ".join(" ".join(p.split()) for p in parts if p.strip())


def citation(card: dict[str, Any]) -> str:
    """A citation an analyst pastes into a report: quote, outlet, date (UTC), URL.

    The quote is the card's evidence sentences (:func:`evidence_quote`), else its title.
    """
    quote = str(card.get("quote") or "") or str(card.get("title") or "")
    day = card.get("day")
    when = f"{day:%d %b %Y}" if isinstance(day, date) else str(day or "undated")
    return f"\u201c{quote}\u201d \u2014 {card.get('outlet')}, {when} (UTC). {card.get('url')}"


def evidence_csv(
    session: Session, narrative_id: str, flt: DashboardFilter, limit: int = CSV_LIMIT
) -> str:
    """The filtered evidence as CSV (CSV_COLUMNS), newest first, at most ``limit`` rows.

    The cards' order, quote and citation, read in one query over the tags and their
    articles' title and URL (never the article text).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    outlets = with_outlet_ids(session, flt)
    if outlets is None:
        return buffer.getvalue()
    stmt = (
        select(*TAG_COLUMNS, Article.title, Article.url, Source.name.label("outlet"))
        .join(Article, Article.id == NarrativeTag.article_id)
        .join(Source, Source.id == Article.source_id)
        .where(NarrativeTag.narrative_id == narrative_id)
        .order_by(NarrativeTag.day.desc(), NarrativeTag.article_id.desc())
        .limit(max(limit, 0))
    )
    stmt = tag_scope(stmt, NarrativeTag, outlets, articles_joined=True)
    # One fetch: CSV_LIMIT rows of ids, titles, URLs and evidence sentences (no article
    # text) are a few MB; a server-side cursor's round trips cost more than they save.
    for article_id, score, stance, found, day, title, url, outlet in session.execute(stmt):
        quote = evidence_quote(found or [])
        title = title or "(untitled)"
        cited = citation({"quote": quote, "title": title, "day": day, "outlet": outlet, "url": url})
        # CSV_COLUMNS order; the web's text (not our ids, numbers and stances) made safe
        writer.writerow(
            (
                article_id,
                narrative_id,
                day,
                safe_cell(outlet),
                stance,
                score,
                safe_cell(quote),
                safe_cell(title),
                safe_cell(url),
                safe_cell(cited),
            )
        )
    return buffer.getvalue()


def archived_location(session: Session, article_id: int) -> dict[str, Any] | None:
    """Where an article's raw response sits in the WARC archive, with what to label it.

    ``{article_id, url, title, outlet, fetched_at, warc_path, warc_offset}``, or None when
    the article is unknown or has no archived copy.
    """
    row = session.execute(
        select(
            Article.id,
            Article.url,
            Article.title,
            Article.fetched_at,
            Article.warc_path,
            Article.warc_offset,
            Source.name.label("outlet"),
        )
        .join(Source, Source.id == Article.source_id)
        .where(Article.id == article_id)
    ).first()
    if row is None or not row.warc_path:
        return None
    return {
        "article_id": row.id,
        "url": row.url,
        "title": row.title,
        "outlet": row.outlet,
        "fetched_at": row.fetched_at,
        "warc_path": row.warc_path,
        "warc_offset": int(row.warc_offset or 0),
    }


def latest_articles(
    session: Session, narrative_id: str, flt: DashboardFilter, limit: int = LATEST_LIMIT
) -> list[dict[str, Any]]:
    """The newest articles carrying the narrative, each with its evidence excerpts: the
    first page of :func:`evidence_page` (see there for the keys). All strings are raw web
    text: escape them."""
    return evidence_page(session, narrative_id, flt, 0, limit)


def evidence_excerpts(
    text: str, evidence: Sequence[dict[str, Any]], context: int = EXCERPT_CONTEXT
) -> list[dict[str, Any]]:
    """Evidence spans with up to ``context`` characters of text before and after.

    Offsets outside the text fall back to the stored evidence text with no context.
    """
    out = []
    for item in evidence:
        start, end = item.get("start"), item.get("end")
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
            out.append(
                {
                    "text": text[start:end],
                    "start": start,
                    "end": end,
                    "before": text[max(0, start - context) : start],
                    "after": text[end : end + context],
                }
            )
        elif item.get("text"):
            out.append(
                {"text": str(item["text"]), "start": start, "end": end, "before": "", "after": ""}
            )
    return out
