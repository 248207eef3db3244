"""Concept detection per sentence and rule matching over sentence windows."""

from __future__ import annotations

from dataclasses import dataclass, field

from narratives.normalize import words
from narratives.sentences import split_sentences
from narratives.taxonomy import Derived, Narrative, Taxonomy


@dataclass
class Analysis:
    """Sentences of one text with the concepts found in each."""

    spans: list[tuple[int, int]]
    concepts: list[set[str]]
    everywhere: set[str]
    index: dict[str, set[int]]  # concept -> sentences that contain it
    _pair_index: dict[str, set[int]] = field(default_factory=dict)

    def article_concepts(self) -> set[str]:
        """Union of concepts over the whole text."""
        return self.everywhere

    def sentences_with(self, concepts: frozenset[str]) -> set[int]:
        """Sentences containing any of ``concepts``."""
        out: set[int] = set()
        for c in concepts:
            got = self.index.get(c)
            if got:
                out |= got
        return out

    def pairs_with(self, concepts: frozenset[str]) -> set[int]:
        """Pairs ``(i, i + 1)``, named by ``i``, where either sentence has one of ``concepts``."""
        out: set[int] = set()
        last = len(self.spans) - 1
        for c in concepts:
            got = self._pair_index.get(c)
            if got is None:
                idx = self.index.get(c, set())
                got = {i for i in idx if i < last} | {i - 1 for i in idx if i > 0}
                self._pair_index[c] = got
            out |= got
        return out


@dataclass(frozen=True)
class Hit:
    """A rule that fired on one sentence or a sentence pair."""

    narrative: str
    weight: float
    sentences: tuple[int, ...]


def analyse(text: str, language: str, tax: Taxonomy) -> Analysis:
    """Split ``text`` into sentences and collect the concepts in each one."""
    spans = split_sentences(text)
    lex = tax.lexicons[language]
    concepts: list[set[str]] = []
    for start, end in spans:
        per_tok = lex.scan(words(text[start:end], language))
        found: set[str] = set().union(*per_tok)
        for d in tax.derived:
            if d.name in found or d.targets.isdisjoint(found) or d.trigger.isdisjoint(found):
                continue
            if any(
                not d.targets.isdisjoint(c) and _triggered(d, per_tok, j)
                for j, c in enumerate(per_tok)
            ):
                found.add(d.name)
        concepts.append(found)
    everywhere: set[str] = set().union(*concepts)
    index: dict[str, set[int]] = {}
    for i, found in enumerate(concepts):
        for c in found:
            index.setdefault(c, set()).add(i)
    return Analysis(spans, concepts, everywhere, index)


def _triggered(d: Derived, per_tok: list[frozenset[str]], j: int) -> bool:
    """True when a trigger token lies within ``d.max_gap`` of target ``j`` with no block between."""
    if d.after:
        window = range(j + 1, min(len(per_tok), j + 1 + d.max_gap))
    else:
        window = range(j - 1, max(-1, j - 1 - d.max_gap), -1)
    for k in window:
        if not d.block.isdisjoint(per_tok[k]):
            return False
        if not d.trigger.isdisjoint(per_tok[k]):
            return True
    return False


def match(narrative: Narrative, analysis: Analysis, pair_discount: float) -> list[Hit]:
    """All windows where one of the narrative's rules fires (best weight per window).

    Uses the concept -> sentence index: a rule's windows are the intersection of
    its slots' sentence sets, minus windows holding an ``unless`` concept. A pair
    window (i, i + 1) is only considered where sentence i does not fire alone.
    """
    best: dict[tuple[int, ...], float] = {}
    everywhere = analysis.everywhere
    nid = narrative.definition.id
    for rule in narrative.rules:
        if any(slot.isdisjoint(everywhere) for slot in rule.slots + rule.article):
            continue
        single = set.intersection(*(analysis.sentences_with(slot) for slot in rule.slots))
        if single and rule.unless:
            single -= analysis.sentences_with(rule.unless)
        for i in single:
            key: tuple[int, ...] = (i,)
            best[key] = max(best.get(key, 0.0), rule.weight)
        if rule.scope != "pair":
            continue
        pairs = set.intersection(*(analysis.pairs_with(slot) for slot in rule.slots))
        pairs -= single
        if pairs and rule.unless:
            pairs -= analysis.pairs_with(rule.unless)
        weight = rule.weight * pair_discount
        for i in pairs:
            key = (i, i + 1)
            best[key] = max(best.get(key, 0.0), weight)
    return [Hit(nid, w, k) for k, w in best.items()]
