"""The bundled demo sources file matches what the demo generator serves."""

from __future__ import annotations

from pathlib import Path

import yaml

from crawlers.registry import load_sources
from narrmon.demo import (
    DEMO_ARTICLES_PER_OUTLET,
    DEMO_END,
    DEMO_PORT,
    DEMO_SEED,
    DEMO_SOURCES,
    DEMO_START,
)
from narrmon.demo_sites import generate_sites

ROOT = Path(__file__).resolve().parents[2]


def test_demo_sources_match_the_generated_outlets(tmp_path: Path) -> None:
    manifest = generate_sites(
        tmp_path,
        seed=DEMO_SEED,
        articles_per_outlet=2,
        start_date=DEMO_START,
        end_date=DEMO_END,
        base_port=DEMO_PORT,
    )
    generated = yaml.safe_load((tmp_path / "sources.yaml").read_text(encoding="utf-8"))
    bundled = yaml.safe_load((ROOT / DEMO_SOURCES).read_text(encoding="utf-8"))
    assert bundled == generated
    sources = load_sources(ROOT / DEMO_SOURCES)
    assert len(sources) >= 6 and {s.language for s in sources} >= {"en", "ru", "de", "fr"}
    assert all(s.politeness.delay == 0 for s in sources)
    assert manifest.root
    assert (DEMO_END - DEMO_START).days >= 365 and DEMO_ARTICLES_PER_OUTLET * len(sources) >= 600
