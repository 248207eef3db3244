"""The export's long layout: one row per article x narrative (stance, score, evidence).

Built on :func:`models.export.iter_export_batches` (same selection, same batches, flat
memory). An article carrying no narrative keeps one row with empty narrative fields, so
the per-period denominators (all monitored articles) can be rebuilt from the file.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import IO, Any, Literal

from sqlalchemy.orm import Session

from models.csv_cells import safe_cell
from models.export import EXPORT_BATCH, FIELDS, ExportFilter, iter_export_batches

Layout = Literal["articles", "tags"]
LAYOUTS: tuple[Layout, ...] = ("articles", "tags")
# The nested layout's article fields minus the bulky or per-article-only ones (text,
# the narratives list), then one narrative's fields.
_DROPPED = ("author", "word_count", "relevant", "narratives", "text", "extractor_version")
TAG_FIELDS: tuple[str, ...] = (
    *(f for f in FIELDS if f not in _DROPPED and f != "taxonomy_version"),
    "narrative_id",
    "stance",
    "score",
    "evidence",
    "taxonomy_version",
)


def iter_tag_rows(
    session: Session, flt: ExportFilter | None = None, batch_size: int = EXPORT_BATCH
) -> Iterator[dict[str, Any]]:
    """Rows of the long layout (TAG_FIELDS), article by article, highest score first."""
    for batch in iter_export_batches(session, flt, batch_size):
        for rec in batch:
            base = {k: rec.get(k) for k in TAG_FIELDS if k in rec}
            narratives = rec["narratives"] or [None]
            for tag in narratives:
                yield {
                    **base,
                    "narrative_id": tag["id"] if tag else None,
                    "stance": tag["stance"] if tag else None,
                    "score": tag["score"] if tag else None,
                    "evidence": tag["evidence"] if tag else [],
                }


def write_tag_export(
    session: Session,
    fmt: Literal["csv", "jsonl"],
    out: IO[str],
    flt: ExportFilter | None = None,
    *,
    formula_safe: bool = False,
) -> int:
    """Write the long layout as CSV (evidence as a JSON string) or JSONL; returns rows.

    ``formula_safe`` as in :func:`models.export.write_export` (CSV only).
    """
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=list(TAG_FIELDS))
        writer.writeheader()
        for row in iter_tag_rows(session, flt):
            flat = {**row, "evidence": json.dumps(row["evidence"], ensure_ascii=False)}
            writer.writerow({k: safe_cell(v) for k, v in flat.items()} if formula_safe else flat)
            count += 1
        return count
    for row in iter_tag_rows(session, flt):
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count
