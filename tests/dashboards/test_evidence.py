"""The evidence workbench: merged excerpts, counts and pages, citations, CSV, archived copy."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from crawlers.archive import WarcArchive
from dashboards import safe
from models import store
from models.dashboard import evidence
from models.dashboard.filters import DashboardFilter
from models.records import ArticleRecord, TagRecord
from models.rollups import rebuild_rollups
from narrmon.settings import Settings
from tests.dashboards.test_pages import open_app, rerun, table_with  # noqa: F401


def test_overlapping_excerpts_are_merged() -> None:
    text = "A" * 300 + "first claim. " + "B" * 20 + "second claim. " + "C" * 600 + "far claim."
    first = text.index("first claim.")
    second = text.index("second claim.")
    far = text.index("far claim.")
    spans = [
        {"text": "second claim.", "start": second, "end": second + 13},
        {"text": "first claim.", "start": first, "end": first + 12},
        {"text": "first claim.", "start": first, "end": first + 12},  # a duplicate
        {"text": "far claim.", "start": far, "end": far + 10},
    ]
    merged = evidence.merge_excerpts(text, spans, context=50)
    assert [m["text"][:5] for m in merged] == ["first", "far c"]
    assert merged[0]["text"].endswith("second claim.")
    body = safe.evidence_html(merged)
    assert body.count("<mark>") == 3  # first, second, far: each marked once
    lost = evidence.merge_excerpts("short", [{"text": "gone", "start": 90, "end": 99}] * 2)
    assert [m["text"] for m in lost] == ["gone"]


def test_pages_counts_and_filters(seeded: Session) -> None:
    flt = DashboardFilter(stances=("promotes",), sources=("src-00",))
    total = evidence.count_evidence(seeded, "broken-promise", flt)
    assert total > evidence.PAGE_SIZE
    first = evidence.evidence_page(seeded, "broken-promise", flt, 0)
    second = evidence.evidence_page(seeded, "broken-promise", flt, 1)
    assert len(first) == evidence.PAGE_SIZE
    assert not {c["article_id"] for c in first} & {c["article_id"] for c in second}
    assert {c["stance"] for c in first + second} == {"promotes"}
    assert {c["outlet"] for c in first + second} == {"Outlet 00"}
    assert [c["day"] for c in first] == sorted((c["day"] for c in first), reverse=True)
    card = first[0]
    assert card["citation"].startswith("\u201cMoscow says the West promised")
    assert f"{card['outlet']}, {card['day']:%d %b %Y} (UTC). {card['url']}" in card["citation"]
    rows = list(csv.DictReader(io.StringIO(evidence.evidence_csv(seeded, "broken-promise", flt))))
    assert len(rows) == total
    assert {r["stance"] for r in rows} == {"promotes"}
    assert rows[0]["citation"] == card["citation"]


def test_csv_cells_cannot_run_as_formulas(session: Session, settings: Settings) -> None:
    _article(session, '=HYPERLINK("http://evil")', None)
    data = evidence.evidence_csv(session, "broken-promise", DashboardFilter())
    row = next(csv.DictReader(io.StringIO(data)))
    assert row["title"].startswith("'=HYPERLINK")


def test_workbench_on_the_detail_page(seeded: Session) -> None:
    at = open_app("views/narrative.py")
    at.selectbox(key="detail_narrative").set_value("broken-promise")
    at.multiselect(key="cards_stance").set_value(["promotes"])
    rerun(at)
    total = evidence.count_evidence(
        seeded, "broken-promise", DashboardFilter(stances=("promotes",))
    )
    assert any(f"Articles 1–20 of {total:,}" in c.value for c in at.caption)
    citations = at.code[0].value.split("\n\n")
    assert len(citations) == 20 and all("(UTC). https://" in c for c in citations)
    at.number_input(key="cards_page").set_value(2)
    rerun(at)
    assert any(f"Articles 21–40 of {total:,}" in c.value for c in at.caption)
    assert "stance: promotes" in at.html[0].proto.body
    assert "stance: disputes" not in at.html[0].proto.body


def test_archived_copy_is_shown_as_text(session: Session, settings: Settings) -> None:
    archive = WarcArchive(settings.archive_dir / "run-1-src.warc.gz")
    body = "<html><script>alert(1)</script><p>Привет, NATO</p></html>".encode("windows-1251")
    record = archive.write_response(
        "https://outlet.example/a", 200, [("Content-Type", "text/html; charset=windows-1251")], body
    )
    archive.close()
    article_id = _article(session, "Archived", record)
    at = open_app("views/narrative.py")
    assert f'href="archive?article={article_id}"' in at.html[0].proto.body
    from streamlit.testing.v1 import AppTest

    from tests.dashboards.conftest import APP, APP_TIMEOUT_S

    page = AppTest.from_file(str(APP), default_timeout=APP_TIMEOUT_S)
    page.query_params["article"] = str(article_id)
    page.run()
    page.switch_page("views/archive.py").run()
    assert not page.exception
    shown = "\n".join(t.value for t in page.text)
    assert "<script>alert(1)</script><p>Привет, NATO</p>" in shown  # as text, decoded
    from dashboards.palette import READABLE_CSS

    # no HTML element but the app's own constant stylesheet
    assert [h.proto.body for h in page.get("html")] == [READABLE_CSS]
    assert not page.get("markdown")


def _article(session: Session, title: str, record: object) -> int:
    text = "Moscow says the West promised in 1990 that NATO would not move one inch east."
    published = datetime(2025, 1, 20, 12, tzinfo=UTC)
    stored = ArticleRecord(
        url="https://outlet00.example/news/archived",
        source_id="src-00",
        text=text,
        fetched_at=published,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        story_id="story-archived",
        extractor_version="test/1",
        title=title,
        published_at=published,
        language="en",
        word_count=len(text.split()),
        warc_path=getattr(record, "warc_path", None),
        warc_offset=getattr(record, "offset", None),
    )
    from bench.seed import synthetic_sources

    store.sync_sources(session, synthetic_sources(1))
    article_id = store.upsert_articles(session, [stored])[stored.url][0]
    ev = [{"text": text[:40], "start": 0, "end": 40}]
    store.replace_tags(
        session, {article_id: [TagRecord("broken-promise", 0.9, "promotes", ev)]}, "t"
    )
    rebuild_rollups(session, date(2025, 1, 20), date(2025, 1, 20))
    session.commit()
    return article_id


def test_quote_joins_neighbours_and_marks_gaps() -> None:
    text = "NATO promised. Not an inch. Later, much later, it grew. Then it grew again."
    first, second = text.index("NATO promised."), text.index("Not an inch.")
    third = text.index("Then it grew again.")

    def ev(start: int, end: int) -> dict[str, Any]:
        return {"text": text[start:end], "start": start, "end": end}

    spans = [
        ev(third, len(text)),
        ev(first, first + 14),
        ev(second, second + 12),
        ev(second, second + 12),  # tagged twice: quoted once
        ev(second + 4, second + 12),  # inside a quoted sentence
    ]
    quote = evidence.evidence_quote(spans)
    assert quote == "NATO promised. Not an inch. [...] Then it grew again."
    overlapping = [ev(0, 27), ev(15, 55)]  # the second starts inside the first
    assert evidence.evidence_quote(overlapping) == text[:55]
    loose: list[dict[str, Any]] = [{"text": "Stored without offsets."}, ev(third, len(text))]
    assert evidence.evidence_quote(loose) == "Then it grew again. [...] Stored without offsets."
    assert evidence.evidence_quote([]) == ""


def test_csv_rows_are_the_cards_under_every_filter(seeded: Session) -> None:
    """The CSV's one query (no article text) lists what the cards list, in their order."""
    languages = sorted({lang for (lang,) in seeded.execute(text("SELECT language FROM articles"))})
    flts = [
        DashboardFilter(),
        DashboardFilter(languages=(languages[0],)),
        DashboardFilter(stances=("disputes",), since=date(2025, 1, 10)),
        DashboardFilter(media_types=("state-affiliated",)),
    ]
    for flt in flts:
        cards = evidence.evidence_page(seeded, "encirclement", flt, 0, 5_000)
        rows = list(csv.DictReader(io.StringIO(evidence.evidence_csv(seeded, "encirclement", flt))))
        assert cards, flt
        assert [int(r["article_id"]) for r in rows] == [c["article_id"] for c in cards], flt
        assert [r["citation"] for r in rows] == [c["citation"] for c in cards], flt
    capped = evidence.evidence_csv(seeded, "encirclement", DashboardFilter(), limit=3)
    assert len(list(csv.DictReader(io.StringIO(capped)))) == 3
