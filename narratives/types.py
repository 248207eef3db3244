"""Public record types returned by the tagger."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Evidence:
    """A span of the tagged text: ``text[start:end] == evidence.text``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class NarrativeTag:
    """One narrative carried by an article, with its score, stance and evidence."""

    id: str
    score: float
    stance: str | None
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(frozen=True)
class NarrativeDef:
    """A narrative definition from the taxonomy (what the core stores)."""

    id: str
    side: str
    label: str
    definition: str
