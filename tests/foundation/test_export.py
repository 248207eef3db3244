"""Export: CSV, JSONL and Parquet carry DESIGN.md's fields; filters; repeatable output."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from sqlalchemy.orm import Session

from bench.seed import EVIDENCE, seed
from models.export import DATA_DICTIONARY, FIELDS, ExportFilter, write_export


def test_export_fields_match_the_contract() -> None:
    assert FIELDS == (
        "article_id",
        "url",
        "source_id",
        "outlet",
        "media_type",
        "country",
        "language",
        "title",
        "author",
        "published_at",
        "fetched_at",
        "word_count",
        "story_id",
        "relevant",
        "narratives",
        "text",
        "taxonomy_version",
        "tagger_version",
        "extractor_version",
        "page_url",
        "content_hash",
        "crawl_run_id",
        "warc_file",
        "warc_record_id",
    )
    assert [d[0] for d in DATA_DICTIONARY] == list(FIELDS)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_export_of_empty_database(session: Session, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"out.{fmt}"
    assert write_export(session, fmt, str(out)) == 0  # type: ignore[arg-type]
    assert out.exists()
    if fmt == "parquet":
        table = pq.read_table(out)
        assert table.num_rows == 0 and table.column_names == list(FIELDS)


def test_jsonl_records_and_evidence_offsets(session: Session) -> None:
    seed(session, 60, n_sources=5, days=30, words=20)
    buf = io.StringIO()
    assert write_export(session, "jsonl", buf, batch_size=7) == 60
    records = [json.loads(line) for line in buf.getvalue().splitlines()]
    assert len({r["article_id"] for r in records}) == 60
    for rec in records:
        assert set(rec) == set(FIELDS)
        assert rec["relevant"] == bool(rec["narratives"])
        for n in rec["narratives"]:
            for ev in n["evidence"]:
                assert rec["text"][ev["start"] : ev["end"]] == ev["text"] == EVIDENCE
        if rec["relevant"]:
            assert rec["taxonomy_version"] == "synthetic-1"
    # every 10th synthetic article carries no narrative
    assert sum(not r["relevant"] for r in records) == 6


def test_export_twice_gives_the_same_rows(session: Session, tmp_path: Path) -> None:
    seed(session, 40, n_sources=4, days=10, words=10)
    first, second = io.StringIO(), io.StringIO()
    write_export(session, "csv", first, batch_size=9)
    write_export(session, "csv", second, batch_size=13)
    assert first.getvalue() == second.getvalue()
    rows = list(csv.DictReader(io.StringIO(first.getvalue())))
    assert len(rows) == 40 and list(rows[0]) == list(FIELDS)
    assert isinstance(json.loads(rows[0]["narratives"]), list)


def test_parquet_nested_narratives(session: Session, tmp_path: Path) -> None:
    seed(session, 25, n_sources=3, days=5, words=10)
    out = tmp_path / "out.parquet"
    assert write_export(session, "parquet", str(out), batch_size=10) == 25
    table = pq.read_table(out)
    assert table.num_rows == 25
    first = table.slice(1, 1).to_pylist()[0]
    assert first["narratives"][0]["evidence"][0]["text"] == EVIDENCE
    assert str(table.schema.field("published_at").type) == "timestamp[us, tz=UTC]"


def test_filters_narrow_the_export(session: Session) -> None:
    seed(session, 100, n_sources=5, days=20, words=10)

    def rows(flt: ExportFilter) -> list[dict[str, Any]]:
        buf = io.StringIO()
        write_export(session, "jsonl", buf, flt)
        return [json.loads(x) for x in buf.getvalue().splitlines()]

    everything = rows(ExportFilter())
    by_source = rows(ExportFilter(sources=["src-01"]))
    assert by_source and {r["source_id"] for r in by_source} == {"src-01"}
    by_lang = rows(ExportFilter(language="ru"))
    assert by_lang and {r["language"] for r in by_lang} == {"ru"}
    by_narr = rows(ExportFilter(narratives=["encirclement"]))
    assert by_narr and all("encirclement" in {n["id"] for n in r["narratives"]} for r in by_narr)
    assert len(by_narr) < len(everything)
    window = rows(ExportFilter(since=date(2025, 1, 5), until=date(2025, 1, 9)))
    assert window and all(
        "2025-01-05" <= str(r["published_at"])[:10] <= "2025-01-09" for r in window
    )
    assert rows(ExportFilter(sources=["'; DROP TABLE articles; --"])) == []
    assert len(rows(ExportFilter())) == len(everything)


def test_unknown_format_is_refused(session: Session) -> None:
    with pytest.raises(ValueError, match="unknown export format"):
        write_export(session, "xml", io.StringIO())  # type: ignore[arg-type]


def test_csv_is_exact_by_default_and_formula_safe_on_request(session: Session) -> None:
    from sqlalchemy import select, update

    from models.export_tags import write_tag_export
    from models.schema import Article

    seed(session, 12, n_sources=2, days=3, words=10)
    first, second = session.scalars(select(Article.id).order_by(Article.id).limit(2)).all()
    session.execute(update(Article).where(Article.id == first).values(title='=HYPERLINK("x")'))
    session.execute(update(Article).where(Article.id == second).values(title="-5 % en mai"))
    session.commit()

    def titles(write: Any, **kwargs: Any) -> dict[str, str]:
        buf = io.StringIO()
        write(session, "csv", buf, **kwargs)
        return {r["article_id"]: r["title"] for r in csv.DictReader(io.StringIO(buf.getvalue()))}

    for write in (write_export, write_tag_export):
        exact, safe = titles(write), titles(write, formula_safe=True)
        assert exact[str(first)] == '=HYPERLINK("x")'  # a program reading the file gets the text
        assert safe[str(first)] == '\'=HYPERLINK("x")'  # a spreadsheet shows it as text
        assert safe[str(second)] == "'-5 % en mai"
        others = set(exact) - {str(first), str(second)}
        assert others and all(safe[k] == exact[k] for k in others)  # only those two change


def test_count_is_the_number_of_rows_written_under_every_filter(session: Session) -> None:
    """count_articles (the tags' path with narratives or stances, the selection's without)
    agrees with the file, whichever filters combine."""
    from models.export_selection import count_articles

    seed(session, 150, n_sources=5, days=20, words=10)
    narrative_sets: list[tuple[str, ...]] = [
        (),
        ("encirclement",),
        ("broken-promise", "ukraine-proxy"),
    ]
    stance_sets: list[tuple[str, ...]] = [(), ("disputes",), ("promotes", "unknown")]
    outlet_filters = [
        {},
        {"sources": ("src-01", "src-03")},
        {"language": "ru"},
        {"media_types": ("state-affiliated",)},
        {"since": date(2025, 1, 4), "until": date(2025, 1, 12)},
    ]
    checked = 0
    for narratives in narrative_sets:
        for stances in stance_sets:
            for extra in outlet_filters:
                flt = ExportFilter(narratives=narratives, stances=stances, **extra)  # type: ignore[arg-type]
                buf = io.StringIO()
                written = write_export(session, "jsonl", buf, flt)
                assert count_articles(session, flt) == written, flt
                checked += written > 0
    assert checked >= 30  # most combinations select something
