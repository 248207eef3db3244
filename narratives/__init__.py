"""Narrative tagger: taxonomy v1 of the NATO-enlargement narratives, with evidence.

Public API::

    tag(text, language=None) -> list[NarrativeTag]   # [] = not relevant
    is_relevant(tags) -> bool
    load_taxonomy() -> list[NarrativeDef]
    TAXONOMY_VERSION: str
    TAGGER_VERSION: str    # code version + digests of the trained model and the lexicons

Importable without Scrapy, Airflow, a database or network; lexicons are compiled
on the first call to :func:`tag` and cached for the process.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from narratives.tagger import is_relevant, tag
from narratives.taxonomy import load_taxonomy, raw_taxonomy
from narratives.tuned_encoder import LAYERS_FILE, layers_digest
from narratives.types import Evidence, NarrativeDef, NarrativeTag

TAXONOMY_VERSION: str = str(raw_taxonomy()["version"])
# Bumped by hand when the tagging code changes; the digests follow the data it judges by.
TAGGER_CODE_VERSION = "2.1"


def _digest(name: str) -> str:
    path = Path(__file__).parent / name
    return hashlib.sha256(path.read_bytes()).hexdigest()[:8] if path.exists() else "none"


# Tuned encoder layers (narratives/tuned_encoder.py) name themselves only when present, so
# the version of a tagger on the stock encoder stays what it was.
_ENCODER = f"+enc.{layers_digest(LAYERS_FILE)}" if LAYERS_FILE.exists() else ""
TAGGER_VERSION: str = (
    f"{TAGGER_CODE_VERSION}+model.{_digest('semantic_model.json')}{_ENCODER}"
    f"+lex.{_digest('taxonomy.yaml')}"
)

__all__ = [
    "TAGGER_VERSION",
    "TAXONOMY_VERSION",
    "Evidence",
    "NarrativeDef",
    "NarrativeTag",
    "is_relevant",
    "load_taxonomy",
    "tag",
]
