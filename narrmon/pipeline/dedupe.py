"""Dedupe stage: gated article records in, the same records with the story id of the
story each copies (exact content hash first, then near copies within the window) out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy.orm import Session

from models import store
from models.records import ArticleRecord
from models.stories import StoryProbe, stored_story_matches
from models.story_match import WINDOW_DAYS, BatchIndex, Indexed
from narrmon.summary import SourceSummary


def assign_stories(
    session: Session,
    records: Sequence[ArticleRecord],
    summary: SourceSummary,
    *,
    window_days: int = WINDOW_DAYS,
) -> list[ArticleRecord]:
    """The records with their story ids; a copy of a stored or earlier story counts as
    syndicated (copies published up to ``window_days`` apart)."""
    stored_stories = store.story_ids_for_hashes(session, (r.content_hash for r in records))
    # Near copies among stored articles, looked up for the whole batch at once.
    stored_near = stored_story_matches(
        session,
        [StoryProbe(r.url, r.text, r.day, r.story_keys) for r in records if r.story_keys],
        window_days=window_days,
    )
    batch = BatchIndex(window_days)  # near copies within this batch
    out: list[ArticleRecord] = []
    for record in records:
        story = (
            stored_stories.get(record.content_hash)
            or batch.match(record.text, record.story_keys, record.day)
            or stored_near.get(record.url)
        )
        if story is not None:  # a copy of a story stored under another URL
            summary.syndicated += 1
            if story != record.story_id:
                record = replace(record, story_id=story)
        stored_stories.setdefault(record.content_hash, record.story_id)
        batch.add(Indexed(len(out), record.story_id, record.day, record.text), record.story_keys)
        out.append(record)
    return out
