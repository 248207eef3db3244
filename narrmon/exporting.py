"""Dataset exports for the CLI, the export DAG and the dashboards (one code path)."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.db import session_factory
from models.export import ExportFilter, ExportFormat, data_dictionary, write_export
from models.schema import Narrative, Source
from narrmon.database import open_initialised
from narrmon.errors import NarrmonError
from narrmon.settings import Settings

log = logging.getLogger(__name__)

ISO_639_1 = re.compile(r"^[a-z]{2}$")


@dataclass(frozen=True)
class ExportSummary:
    """Where an export went and how many rows it wrote."""

    path: str
    format: str
    rows: int
    dictionary: str | None = None


def check_output(fmt: ExportFormat, output: str, *, force: bool = False) -> None:
    """Refuse an output that cannot or should not be written, before any work is done."""
    if output == "-":
        if fmt == "parquet":
            raise NarrmonError("parquet cannot be written to stdout; give -o FILE")
        return
    path = Path(output)
    if path.is_dir():
        raise NarrmonError(f"{output} is a directory; give a file name, e.g. {path / 'x.'}{fmt}")
    if path.exists() and not force:
        raise NarrmonError(f"{output} exists; pass --force to overwrite it")


def _unknown(asked: Sequence[str], known: set[str], what: str) -> None:
    unknown = sorted(set(asked) - known)
    if unknown:
        raise NarrmonError(
            f"unknown {what} {', '.join(unknown)}; known: {', '.join(sorted(known)) or 'none'}"
        )


def check_filter(session: Session, flt: ExportFilter) -> ExportFilter:
    """``flt`` normalised (language lower-case) and checked against what the database holds:
    unknown narrative or source ids and an empty date range are errors that list the fix."""
    if flt.since and flt.until and flt.since > flt.until:
        raise NarrmonError(f"--since {flt.since} is after --until {flt.until}")
    language = flt.language.strip().lower() if flt.language else None
    if language is not None and not ISO_639_1.match(language):
        raise NarrmonError(f"--language {flt.language!r}: expected a two-letter ISO 639-1 code")
    if flt.narratives:
        _unknown(flt.narratives, set(session.scalars(select(Narrative.id))), "narrative id(s)")
    if flt.sources:
        _unknown(flt.sources, set(session.scalars(select(Source.id))), "source id(s)")
    return dataclasses.replace(flt, language=language)


def export_dataset(
    settings: Settings,
    fmt: ExportFormat,
    output: str,
    flt: ExportFilter | None = None,
    *,
    force: bool = False,
    dictionary: bool = False,
    formula_safe: bool = False,
) -> ExportSummary:
    """Write the filtered dataset to ``output`` (a path, or ``-`` for stdout in csv/jsonl).

    A file is written beside the target and renamed over it at the end: readers never see
    half a file, and a failed export leaves nothing behind. With ``dictionary`` the data
    dictionary (every field: type, meaning, example) is written beside a file output as
    ``<name>.dictionary.json``. ``formula_safe``: CSV cells a spreadsheet would run as a
    formula get a leading apostrophe (models.csv_cells).
    """
    check_output(fmt, output, force=force)
    dict_path = dictionary_path(output) if dictionary and output != "-" else None
    if dict_path is not None:
        check_output("jsonl", str(dict_path), force=force)
    engine = open_initialised(settings.database_url, read_only=True)
    try:
        with session_factory(engine)() as session:
            flt = check_filter(session, flt or ExportFilter())
            if output == "-":
                rows = write_export(session, fmt, sys.stdout, flt, formula_safe=formula_safe)
                sys.stdout.flush()
            else:
                rows = _write_file(session, fmt, Path(output), flt, formula_safe)
    finally:
        engine.dispose()
    if dict_path is not None:
        tmp = dict_path.with_name(dict_path.name + ".partial")
        tmp.write_text(json.dumps(data_dictionary(), indent=2, ensure_ascii=False) + "\n", "utf-8")
        tmp.replace(dict_path)
    log.info("exported %d rows as %s to %s", rows, fmt, output)
    return ExportSummary(
        path=output, format=fmt, rows=rows, dictionary=str(dict_path) if dict_path else None
    )


def dictionary_path(output: str) -> Path:
    """Where the data dictionary of an export to ``output`` goes (``out.parquet`` ->
    ``out.dictionary.json``)."""
    path = Path(output)
    return path.with_name(path.name.split(".", 1)[0] + ".dictionary.json")


def _write_file(
    session: Session, fmt: ExportFormat, path: Path, flt: ExportFilter, formula_safe: bool
) -> int:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise NarrmonError(f"cannot create the folder of {path}: {exc.strerror}") from exc
    tmp = path.with_name(path.name + ".partial")
    try:
        rows = write_export(session, fmt, str(tmp), flt, formula_safe=formula_safe)
        tmp.replace(path)  # readers never see a half-written file
    except OSError as exc:
        raise NarrmonError(f"cannot write {path}: {exc.strerror or exc}") from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return rows
