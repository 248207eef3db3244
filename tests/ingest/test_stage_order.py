"""The stages' order: only pages that pass the gate are tagged, and re-extracted text
passes the same gate as a run's (a rejected one goes to quarantine, not into articles)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select

import narratives
from crawlers.archive import WarcArchive
from crawlers.items import PageRecord
from crawlers.registry import parse_sources
from models import store
from models.db import make_engine, session_factory
from models.records import ArticleRecord
from models.schema import Article, NarrativeTag, QuarantineItem
from narrmon.bootstrap import source_record
from narrmon.maintenance.reextract import reextract_all
from narrmon.pipeline.articles import own_story, text_hash
from narrmon.pipeline.extract import page_task, process_page
from narrmon.pipeline.load import load_outcomes
from narrmon.settings import Settings, load_settings
from narrmon.summary import SourceSummary

CLAIM = (
    "Moscow again accused the West of breaking the promise it says was made in 1990 that NATO "
    "would not expand eastward, while alliance officials replied that no such pledge was ever "
    "written down and that every new member chose to join."
)
SOURCE = {
    "id": "herald",
    "name": "The Herald",
    "homepage": "https://www.herald.example/",
    "feeds": [{"type": "rss", "url": "https://www.herald.example/rss.xml"}],
    "language": "en",
    "country": "GB",
    "media_type": "commercial",
}


def page(title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        '<meta property="article:published_time" content="2025-04-02T08:00:00Z"></head>'
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    ).encode()


LONG = page(
    "Kremlin revives the 1990 promise dispute",
    [f"{CLAIM} Paragraph {i} adds detail on the talks and the reaction." for i in range(6)],
)
SHORT = page("Brief", ["NATO ministers met on Tuesday in Brussels."])


def archived(tmp_path: Path, pages: dict[str, bytes]) -> list[PageRecord]:
    """Write the pages to a WARC file; their page records, as the crawl lists them."""
    archive = WarcArchive(tmp_path / "run.warc.gz")
    records = []
    for url, body in pages.items():
        rec = archive.write_response(url, 200, [("Content-Type", "text/html")], body)
        records.append(
            PageRecord(
                url=url,
                warc_path=rec.warc_path,
                warc_offset=rec.offset,
                warc_record_id=rec.record_id,
                content_type="text/html",
                fetched_at="2025-04-02T09:00:00+00:00",
            )
        )
    archive.close()
    return records


def test_pages_the_gate_quarantines_are_not_tagged(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = "https://www.herald.example/world/promise"
    offsite = "https://elsewhere.example/world/promise-copy"  # not on the source's hosts
    records = archived(tmp_path, {kept: LONG, offsite: LONG.replace(b"1990", b"1991")})
    tagged: list[str] = []
    real_tag = narratives.tag

    def recording_tag(text: str, language: str | None = None) -> Any:
        tagged.append(text)
        return real_tag(text, language)

    monkeypatch.setattr(narratives, "tag", recording_tag)
    (source,) = parse_sources({"sources": [SOURCE]})
    engine = make_engine(settings.database_url)
    factory = session_factory(engine)
    with factory.begin() as s:
        store.sync_sources(s, [source_record(source)])
        summary = SourceSummary("herald")
        stored = load_outcomes(
            s,
            source,
            [process_page(page_task(r)) for r in records],
            "r1",
            summary,
            taxonomy_version="t",
            data_dir=settings.data_dir,
        )
    assert stored == [kept] and summary.quarantined == 1
    assert len(tagged) == 1 and "1990" in tagged[0]  # the quarantined text never reached it
    with factory() as s:
        (item,) = s.scalars(select(QuarantineItem)).all()
        assert item.url == offsite and item.reasons == ["url_on_source_domains"]
        (article_id,) = s.scalars(select(Article.id)).all()
        tags = s.scalars(
            select(NarrativeTag.narrative_id).where(NarrativeTag.article_id == article_id)
        )
        assert list(tags)  # the kept article carries its tags
    engine.dispose()


def test_reextracted_text_the_gate_rejects_goes_to_quarantine(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = "https://www.herald.example/world/brief"
    (record,) = archived(tmp_path, {url: SHORT})
    sources = tmp_path / "sources.yaml"
    sources.write_text(yaml.safe_dump({"sources": [SOURCE]}), encoding="utf-8")
    monkeypatch.setenv("NARRMON_SOURCES", str(sources))
    monkeypatch.setenv("NARRMON_WORKERS", "1")
    settings = load_settings()
    (source,) = parse_sources({"sources": [SOURCE]})
    # Stored by an older extractor that read more of the page than today's does.
    old_text = " ".join([CLAIM] * 4)
    engine = make_engine(settings.database_url)
    factory = session_factory(engine)
    with factory.begin() as s:
        store.sync_sources(s, [source_record(source)])
        store.upsert_articles(
            s,
            [
                ArticleRecord(
                    url=url,
                    source_id="herald",
                    text=old_text,
                    fetched_at=store.now_utc(),
                    content_hash=text_hash(old_text),
                    story_id=own_story(text_hash(old_text)),
                    extractor_version="old",
                    title="Brief",
                    language="en",
                    word_count=len(old_text.split()),
                    warc_path=record["warc_path"],
                    warc_offset=record["warc_offset"],
                    warc_record_id=record.get("warc_record_id"),
                )
            ],
        )

    out = reextract_all(settings)

    assert out.articles == 1 and out.failed == 1 and out.changed == 0
    with factory() as s:
        (article,) = s.scalars(select(Article)).all()
        assert article.text == old_text and article.extractor_version == "old"
        (item,) = s.scalars(select(QuarantineItem)).all()
        assert item.url == url and "text_min_words" in item.reasons
        assert "NATO ministers" in item.payload["text"]
    engine.dispose()
