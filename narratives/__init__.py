"""Narrative tagger: taxonomy v1 of the NATO-enlargement narratives, with evidence.

Public API::

    tag(text, language=None) -> list[NarrativeTag]   # [] = not relevant
    is_relevant(tags) -> bool
    load_taxonomy() -> list[NarrativeDef]
    TAXONOMY_VERSION: str

Importable without Scrapy, Airflow, a database or network; lexicons are compiled
on the first call to :func:`tag` and cached for the process.
"""

from __future__ import annotations

from narratives.tagger import is_relevant, tag
from narratives.taxonomy import load_taxonomy, raw_taxonomy
from narratives.types import Evidence, NarrativeDef, NarrativeTag

TAXONOMY_VERSION: str = str(raw_taxonomy()["version"])

__all__ = [
    "TAXONOMY_VERSION",
    "Evidence",
    "NarrativeDef",
    "NarrativeTag",
    "is_relevant",
    "load_taxonomy",
    "tag",
]
