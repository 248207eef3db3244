"""Dataset exports for the CLI, the export DAG and the dashboards (one code path)."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from pathlib import Path

from models.db import session_factory
from models.export import ExportFilter, ExportFormat, write_export
from narrmon.database import open_engine
from narrmon.errors import NarrmonError
from narrmon.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExportSummary:
    """Where an export went and how many rows it wrote."""

    path: str
    format: str
    rows: int


def export_dataset(
    settings: Settings, fmt: ExportFormat, output: str, flt: ExportFilter | None = None
) -> ExportSummary:
    """Write the filtered dataset to ``output`` (a path, or ``-`` for stdout in csv/jsonl)."""
    if output == "-" and fmt == "parquet":
        raise NarrmonError("parquet cannot be written to stdout; give -o FILE")
    engine = open_engine(settings.database_url)
    try:
        with session_factory(engine)() as session:
            if output == "-":
                rows = write_export(session, fmt, sys.stdout, flt)
                sys.stdout.flush()
            else:
                Path(output).parent.mkdir(parents=True, exist_ok=True)
                tmp = f"{output}.partial"
                rows = write_export(session, fmt, tmp, flt)
                Path(tmp).replace(output)  # readers never see a half-written file
    finally:
        engine.dispose()
    log.info("exported %d rows as %s to %s", rows, fmt, output)
    return ExportSummary(path=output, format=fmt, rows=rows)
