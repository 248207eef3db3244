"""The rule layer: concept co-occurrence rules of ``taxonomy.yaml`` per narrative.

Precise where a narrative is said in its stock ways; the learned layer
(``narratives.semantic``) confirms its hits and adds the paraphrases it misses.
"""

from __future__ import annotations

from dataclasses import dataclass

from narratives.matching import Analysis, Hit, match
from narratives.taxonomy import Taxonomy

# Concepts that make a sentence a place where a narrative claim can sit: the alliance,
# the West, Russia or Ukraine named, or a stock phrase.
ANCHOR_CONCEPTS = frozenset({"ALLIANCE", "WEST", "RUSSIA", "UKRAINE", "STOCK"})


@dataclass(frozen=True)
class RuleResult:
    """A narrative's rule score (noisy-or of its best windows) and their sentences."""

    score: float
    sentences: tuple[int, ...]


def anchored(analysis: Analysis, tax: Taxonomy) -> bool:
    """The text names the alliance, or the West with Russia/Ukraine, or talks of joining
    with Russia or a Nordic state in it (the taxonomy's ``relevance_anchor`` combinations)."""
    have = analysis.article_concepts()
    return any(anchor <= have for anchor in tax.anchors)


def anchor_concepts(analysis: Analysis, tax: Taxonomy) -> frozenset[str]:
    """The concepts that place a claim in this text: the standing anchors (the alliance, the
    West, Russia, Ukraine, a stock phrase) and those of every anchor combination the text
    satisfies ("membership" and "Finland" anchor a text about Finland's accession)."""
    have = analysis.article_concepts()
    found = set(ANCHOR_CONCEPTS)
    for anchor in tax.anchors:
        if anchor <= have:
            found |= anchor
    return frozenset(found)


def rule_layer(analysis: Analysis, tax: Taxonomy) -> dict[str, RuleResult]:
    """Every narrative whose rules fire somewhere in the text, with score and sentences."""
    max_evidence = int(tax.settings["max_evidence"])
    out: dict[str, RuleResult] = {}
    for narrative in tax.narratives:
        hits = match(narrative, analysis, tax.settings["pair_discount"])
        if not hits:
            continue
        chosen = _select(hits, max_evidence)
        sentences = tuple(dict.fromkeys(i for h in chosen for i in h.sentences))
        out[narrative.definition.id] = RuleResult(_noisy_or(chosen), sentences)
    return out


def _select(hits: list[Hit], limit: int) -> list[Hit]:
    """Strongest hits first, skipping windows that overlap an already chosen one."""
    chosen: list[Hit] = []
    used: set[int] = set()
    for h in sorted(hits, key=lambda h: (-h.weight, h.sentences)):
        if used.isdisjoint(h.sentences):
            chosen.append(h)
            used.update(h.sentences)
        if len(chosen) >= limit:
            break
    return chosen


def _noisy_or(hits: list[Hit]) -> float:
    """Independent pieces of evidence add up: 1 - prod(1 - weight)."""
    miss = 1.0
    for h in hits:
        miss *= 1.0 - h.weight
    return 1.0 - miss


def near_anchor(analysis: Analysis, tax: Taxonomy) -> list[int]:
    """Sentences with an anchor concept (:func:`anchor_concepts`) in themselves or a
    neighbour: the model's candidates."""
    cs = analysis.concepts
    n = len(cs)
    anchors = anchor_concepts(analysis, tax)
    return [
        i
        for i in range(n)
        if any(not anchors.isdisjoint(cs[j]) for j in (i - 1, i, i + 1) if 0 <= j < n)
    ]
