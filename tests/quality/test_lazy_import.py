"""Importing the quality package must not import Great Expectations (about 12 s)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_is_lazy() -> None:
    code = (
        "import sys\n"
        "import quality, quality.gate, quality.batch, quality.health, quality.records\n"
        "heavy = [m for m in ('great_expectations', 'pandas') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert out.stdout.strip() == ""


def test_parts_do_not_import_other_parts() -> None:
    forbidden = ("narrmon", "crawlers", "narratives", "dashboards", "dags")
    for path in (ROOT / "quality").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for name in forbidden:
            assert f"import {name}" not in text, (path.name, name)
            assert f"from {name}" not in text, (path.name, name)
