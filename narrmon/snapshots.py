"""Dated dataset snapshots for researchers: Parquet, CSV, a data dictionary and a manifest.

The export DAG calls :func:`write_snapshot`; it writes through the same
:func:`narrmon.exporting.export_dataset` as ``narrmon export``. A snapshot for a day
lives in ``<NARRMON_DATA_DIR>/exports/<day>/`` and is rebuilt whole when written again,
so a retried or re-run export replaces its own day and nothing else.
"""

from __future__ import annotations

import csv
import json
import logging
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from models.export import DATA_DICTIONARY, ExportFilter, ExportFormat
from narrmon.exporting import export_dataset
from narrmon.settings import Settings

log = logging.getLogger(__name__)

# Parquet for analysis (typed, nested narratives), CSV for spreadsheets.
SNAPSHOT_FORMATS: tuple[ExportFormat, ...] = ("parquet", "csv")
DICTIONARY_CSV = "data_dictionary.csv"
DICTIONARY_MD = "data_dictionary.md"
MANIFEST = "manifest.json"


def snapshot_dir(settings: Settings, day: date) -> Path:
    """The folder of one day's snapshot."""
    return settings.exports_dir / day.isoformat()


def _write_dictionary(folder: Path) -> list[str]:
    csv_path = folder / DICTIONARY_CSV
    with csv_path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(("field", "type", "meaning"))
        writer.writerows(DATA_DICTIONARY)
    lines = [
        "# narrative-monitor dataset: data dictionary",
        "",
        "`narratives` is a nested list in Parquet and a JSON string in CSV.",
        "",
        "| field | type | meaning |",
        "|---|---|---|",
    ]
    lines += [f"| `{f}` | {t} | {m.replace('|', '/')} |" for f, t, m in DATA_DICTIONARY]
    (folder / DICTIONARY_MD).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [DICTIONARY_CSV, DICTIONARY_MD]


def write_snapshot(settings: Settings, day: date) -> dict[str, Any]:
    """Write the dataset of every article up to ``day`` as Parquet and CSV, with a dictionary.

    Files: ``narrmon-<day>.parquet``, ``narrmon-<day>.csv``, ``data_dictionary.csv`` and
    ``.md`` (field, type, meaning) and ``manifest.json`` (rows, files, when), written
    last, so a folder with a manifest is complete. Returns the manifest.
    """
    folder = snapshot_dir(settings, day)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MANIFEST).unlink(missing_ok=True)  # incomplete until rewritten below
    flt = ExportFilter(until=day)
    files: dict[str, dict[str, Any]] = {}
    for fmt in SNAPSHOT_FORMATS:
        name = f"narrmon-{day.isoformat()}.{fmt}"
        out = export_dataset(settings, fmt, str(folder / name), flt, force=True)
        files[name] = {"format": fmt, "rows": out.rows}
    for name in _write_dictionary(folder):
        files[name] = {"format": name.rsplit(".", 1)[1], "rows": len(DATA_DICTIONARY)}
    manifest: dict[str, Any] = {
        "day": day.isoformat(),
        "until": day.isoformat(),
        "rows": files[f"narrmon-{day.isoformat()}.parquet"]["rows"],
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "folder": str(folder),
        "files": files,
    }
    tmp = folder / (MANIFEST + ".partial")
    tmp.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    tmp.replace(folder / MANIFEST)
    log.info("snapshot %s: %d articles in %s", day, manifest["rows"], folder)
    return manifest
