"""Dataset export: stream articles with their tags as CSV, JSONL or Parquet, in batches.

Rows are read with ``yield_per`` (a server-side cursor on PostgreSQL) and written batch by
batch, so memory stays flat however many articles are exported.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import PurePath
from typing import IO, Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.csv_cells import safe_cell
from models.export_selection import ExportFilter as ExportFilter
from models.export_selection import selection
from models.schema import NarrativeTag

ExportFormat = Literal["csv", "jsonl", "parquet"]
FORMATS: tuple[ExportFormat, ...] = ("csv", "jsonl", "parquet")

# Articles per batch: one tag query and one Parquet row group per batch. 2,000 articles
# of ~1,000 words hold ~15 MB of text, which keeps peak memory low and flat.
EXPORT_BATCH = 2000

FIELDS: tuple[str, ...] = (
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

# The data dictionary researchers get beside every snapshot: field, type, meaning.
DATA_DICTIONARY: tuple[tuple[str, str, str], ...] = (
    ("article_id", "integer", "Stable numeric id of the stored article."),
    ("url", "string", "Canonical URL of the article (tracking parameters stripped)."),
    ("source_id", "string", "Id of the monitored source (see config/sources.yaml)."),
    ("outlet", "string", "Human-readable outlet name."),
    (
        "media_type",
        "string",
        "state-affiliated, public-broadcaster, commercial, independent, "
        "think-tank, blog or aggregator.",
    ),
    ("country", "string", "ISO 3166-1 alpha-2 country of the outlet."),
    ("language", "string", "ISO 639-1 language detected on the text (null when unknown)."),
    ("title", "string", "Headline as extracted."),
    ("author", "string", "Byline as extracted (null when absent)."),
    ("published_at", "timestamp (ISO 8601, UTC)", "Publication time, null when unknown."),
    ("fetched_at", "timestamp (ISO 8601, UTC)", "When the page was fetched."),
    ("word_count", "integer", "Words in the extracted text."),
    ("story_id", "string", "Shared by syndicated or mirrored copies of one story."),
    ("relevant", "boolean", "True when at least one narrative is present."),
    (
        "narratives",
        "list of {id, score, stance, evidence: [{text, start, end}]}",
        "Narratives carried; evidence offsets index into text. CSV: a JSON string.",
    ),
    ("text", "string", "Extracted article text."),
    (
        "taxonomy_version",
        "string",
        "Taxonomy version the article was tagged with, relevant or not (null if never tagged).",
    ),
    (
        "tagger_version",
        "string",
        "Tagger version (code + trained model + lexicons) that judged the article, relevant or "
        "not (null if never tagged; 'rules-1' for articles tagged before versions were stored).",
    ),
    ("extractor_version", "string", "Extractor version that produced the text."),
    (
        "page_url",
        "string",
        "URL of the page fetched (tracking parameters stripped); differs from url when "
        "the page named another canonical URL.",
    ),
    (
        "content_hash",
        "string",
        "SHA-256 (hex) of the text lower-cased with whitespace runs collapsed to one space; "
        "exact copies share it.",
    ),
    ("crawl_run_id", "string", "Id of the ingestion run that stored this version."),
    (
        "warc_file",
        "string",
        "File name of the WARC archive holding the raw HTTP response (null if not archived).",
    ),
    ("warc_record_id", "string", "WARC-Record-ID of the response inside that file."),
)

# One example value per field, for the data dictionary written beside CLI exports.
FIELD_EXAMPLES: dict[str, Any] = {
    "article_id": 4711,
    "url": "https://tass.com/politics/1234567",
    "source_id": "tass-en",
    "outlet": "TASS (English)",
    "media_type": "state-affiliated",
    "country": "RU",
    "language": "en",
    "title": "NATO expansion contradicts promises given in 1990, Lavrov says",
    "author": "Ivan Petrov",
    "published_at": "2025-03-14T09:30:00+00:00",
    "fetched_at": "2025-03-14T10:02:11+00:00",
    "word_count": 642,
    "story_id": "st-3f9a0c2b7d1e4a5b6c7d8e9f",
    "relevant": True,
    "narratives": [
        {
            "id": "broken-promise",
            "score": 0.91,
            "stance": "reports",
            "evidence": [{"text": "not one inch eastward", "start": 210, "end": 231}],
        }
    ],
    "text": "MOSCOW, March 14. /TASS/. ...",
    "taxonomy_version": "1.0.0",
    "tagger_version": "2.0+model.a6bd3e7c+lex.fe20c9c3",
    "extractor_version": "trafilatura-2.0.0/narrmon-1",
    "page_url": "https://tass.com/politics/1234567",
    "content_hash": "3f9a0c2b7d1e4a5b6c7d8e9f00112233445566778899aabbccddeeff00112233",
    "crawl_run_id": "20250314T100000Z-a1b2c3",
    "warc_file": "20250314T100000Z-a1b2c3-tass-en.warc.gz",
    "warc_record_id": "<urn:uuid:6f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b>",
}


def data_dictionary() -> dict[str, Any]:
    """The export's data dictionary: every field with its type, meaning and an example."""
    return {
        "dataset": "narrative-monitor articles with their narratives",
        "fields": [
            {"name": name, "type": kind, "meaning": meaning, "example": FIELD_EXAMPLES[name]}
            for name, kind, meaning in DATA_DICTIONARY
        ],
    }


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _narrative(tag: Any) -> dict[str, Any]:
    return {
        "id": tag.narrative_id,
        "score": tag.score,
        "stance": tag.stance,
        "evidence": [{k: e.get(k) for k in ("text", "start", "end")} for e in tag.evidence],
    }


def iter_export_batches(
    session: Session, flt: ExportFilter | None = None, batch_size: int = EXPORT_BATCH
) -> Iterator[list[dict[str, Any]]]:
    """Yield export records (DESIGN.md's export fields) in batches of ``batch_size``.

    Plain column rows, no ORM objects: nothing accumulates in the session's identity map.
    """
    stmt = selection(flt or ExportFilter()).execution_options(yield_per=batch_size)
    for partition in session.execute(stmt).partitions(batch_size):
        ids = [row.id for row in partition]
        tags: dict[int, list[Any]] = defaultdict(list)
        tag_rows = session.execute(
            select(
                NarrativeTag.article_id,
                NarrativeTag.narrative_id,
                NarrativeTag.score,
                NarrativeTag.stance,
                NarrativeTag.evidence,
                NarrativeTag.taxonomy_version,
            )
            .where(NarrativeTag.article_id.in_(ids))
            .order_by(NarrativeTag.article_id, NarrativeTag.score.desc(), NarrativeTag.narrative_id)
        )
        for tag in tag_rows:
            tags[tag.article_id].append(tag)
        batch = []
        for row in partition:
            article_tags = tags.get(row.id, [])
            batch.append(
                {
                    "article_id": row.id,
                    "url": row.url,
                    "source_id": row.source_id,
                    "outlet": row.outlet,
                    "media_type": row.media_type,
                    "country": row.country,
                    "language": row.language,
                    "title": row.title,
                    "author": row.author,
                    "published_at": _iso(row.published_at),
                    "fetched_at": _iso(row.fetched_at),
                    "word_count": row.word_count,
                    "story_id": row.story_id,
                    "relevant": bool(article_tags),
                    "narratives": [_narrative(t) for t in article_tags],
                    "text": row.text,
                    "taxonomy_version": row.taxonomy_version
                    or (article_tags[0].taxonomy_version if article_tags else None),
                    "tagger_version": row.tagger_version,
                    "extractor_version": row.extractor_version,
                    "page_url": row.page_url or row.url,
                    "content_hash": row.content_hash,
                    "crawl_run_id": row.crawl_run_id,
                    "warc_file": PurePath(row.warc_path).name if row.warc_path else None,
                    "warc_record_id": row.warc_record_id,
                }
            )
        yield batch


def _write_csv(
    batches: Iterator[list[dict[str, Any]]], out: IO[str], formula_safe: bool = False
) -> int:
    writer = csv.DictWriter(out, fieldnames=list(FIELDS), extrasaction="raise")
    writer.writeheader()
    count = 0
    for batch in batches:
        for rec in batch:
            flat = dict(rec)
            flat["narratives"] = json.dumps(rec["narratives"], ensure_ascii=False)
            flat["relevant"] = "true" if rec["relevant"] else "false"
            if formula_safe:
                flat = {k: safe_cell(v) for k, v in flat.items()}
            writer.writerow(flat)
        count += len(batch)
    return count


def _write_jsonl(batches: Iterator[list[dict[str, Any]]], out: IO[str]) -> int:
    count = 0
    for batch in batches:
        out.write("".join(json.dumps(rec, ensure_ascii=False) + "\n" for rec in batch))
        count += len(batch)
    return count


def parquet_schema() -> Any:
    """The Arrow schema of Parquet exports (nested narratives, typed timestamps)."""
    import pyarrow as pa

    evidence = pa.struct([("text", pa.string()), ("start", pa.int64()), ("end", pa.int64())])
    narrative = pa.struct(
        [
            ("id", pa.string()),
            ("score", pa.float64()),
            ("stance", pa.string()),
            ("evidence", pa.list_(evidence)),
        ]
    )
    ts = pa.timestamp("us", tz="UTC")
    types = {
        "article_id": pa.int64(),
        "word_count": pa.int64(),
        "relevant": pa.bool_(),
        "published_at": ts,
        "fetched_at": ts,
        "narratives": pa.list_(narrative),
    }
    meanings = {name: (kind, meaning) for name, kind, meaning in DATA_DICTIONARY}
    return pa.schema(
        [
            pa.field(
                name,
                types.get(name, pa.string()),
                metadata={"type": meanings[name][0], "description": meanings[name][1]},
            )
            for name in FIELDS
        ]
    )


def _write_parquet(batches: Iterator[list[dict[str, Any]]], path: str) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = parquet_schema()
    count = 0
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for batch in batches:
            columns: dict[str, list[Any]] = {name: [] for name in FIELDS}
            for rec in batch:
                for name in FIELDS:
                    value = rec[name]
                    if name in ("published_at", "fetched_at") and value is not None:
                        value = datetime.fromisoformat(value)
                    columns[name].append(value)
            writer.write_table(pa.table(columns, schema=schema))
            count += len(batch)
        if count == 0:
            writer.write_table(schema.empty_table())
    return count


def write_export(
    session: Session,
    fmt: ExportFormat,
    out: IO[str] | str,
    flt: ExportFilter | None = None,
    batch_size: int = EXPORT_BATCH,
    *,
    formula_safe: bool = False,
) -> int:
    """Write the filtered articles as ``fmt`` to a text stream or a path; returns rows written.

    Parquet needs a path (it is a binary, seekable format); CSV and JSONL take either.
    ``formula_safe`` (CSV only) writes text a spreadsheet would run as a formula with a
    leading apostrophe (:func:`models.csv_cells.safe_cell`); the default is the exact text.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    batches = iter_export_batches(session, flt, batch_size)
    if fmt == "parquet":
        if not isinstance(out, str):
            raise ValueError("parquet export needs a file path, not a stream")
        return _write_parquet(batches, out)
    if isinstance(out, str):
        with open(out, "w", encoding="utf-8", newline="") as fh:
            if fmt == "csv":
                return _write_csv(batches, fh, formula_safe)
            return _write_jsonl(batches, fh)
    return _write_csv(batches, out, formula_safe) if fmt == "csv" else _write_jsonl(batches, out)


def day_after(day: date) -> date:
    """The next calendar day (helper for inclusive ranges)."""
    return day + timedelta(days=1)
