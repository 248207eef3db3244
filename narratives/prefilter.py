"""The cheap pre-check in front of the tagger: can this text satisfy any anchor at all?

Most crawled pages never name the alliance, the West, Russia or a Nordic state; they must
leave the tagger fast (issue 13: at least 1,000 articles/s per core without an anchor). The
check tokenises once, then asks per concept whether any of its terms could match: exact
words by set lookup, stems by binary search in the sorted vocabulary, infixes by substring.
(One regex over the terms was slower: Python's engine tries each alternative at every word.)
It is a superset of the lexicon's own matching (a phrase passes when each of its words
occurs, in any order), so it never refuses a text that :func:`narratives.rules.anchored`
accepts; ``tests/narratives/test_anchors.py`` checks this over every labelled passage and
real benchmark page.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from functools import cache

from narratives.lexicon import Element, term_elements
from narratives.normalize import FOLDS, WORD_KEEP
from narratives.taxonomy import compiled, raw_taxonomy

# Concepts that name a country or the alliance are rare in general news, words such as
# "member" or "war" common: trying the rare concept of an anchor first ends most checks.
_RARE = frozenset({"ALLIANCE", "STOCK", "RUSSIA", "UKRAINE", "NORDIC", "RUSENCIRCLE"})


@dataclass(frozen=True)
class _Vocabulary:
    """A text's distinct tokens, ready for the three kinds of lookup."""

    words: set[str]
    ordered: list[str]
    text: str  # the normalised text, for infixes

    def has(self, element: Element) -> bool:
        """Whether a term's word (``word``, ``stem*``, ``*part*``) matches some token."""
        if element.kind == "infix":
            return element.text in self.text
        if element.kind == "prefix":
            k = bisect_left(self.ordered, element.text)
            return k < len(self.ordered) and self.ordered[k].startswith(element.text)
        return element.text in self.words


@dataclass(frozen=True)
class _Concept:
    """One concept's terms in the five languages, grouped for fast lookup."""

    exact: frozenset[str]
    others: tuple[Element, ...]  # single stems and infixes
    phrases: tuple[tuple[Element, ...], ...]

    def found_in(self, vocab: _Vocabulary) -> bool:
        """Whether any term of the concept could match in the text."""
        if not self.exact.isdisjoint(vocab.words):
            return True
        if any(vocab.has(e) for e in self.others):
            return True
        return any(all(vocab.has(e) for e in phrase) for phrase in self.phrases)


@cache
def _concept(name: str) -> _Concept:
    """A concept's terms parsed by the lexicon's own term syntax (``term_elements``)."""
    exact: set[str] = set()
    others: set[Element] = set()
    phrases: set[tuple[Element, ...]] = set()
    for terms in raw_taxonomy()["concepts"][name].values():
        for term in terms:
            elements = term_elements(term)
            if not elements:
                continue
            if len(elements) > 1:
                phrases.add(elements)
            elif elements[0].kind == "exact":
                exact.add(elements[0].text)
            else:
                others.add(elements[0])
    return _Concept(frozenset(exact), tuple(others), tuple(phrases))


@cache
def _anchor_combos() -> tuple[tuple[str, ...], ...]:
    """The taxonomy's anchor combinations, each with its rarest concept first."""
    return tuple(
        tuple(sorted(anchor, key=lambda c: (c not in _RARE, c))) for anchor in compiled().anchors
    )


def _normalized(text: str) -> str:
    """``normalize_term``'s folding (``FOLDS``), done only for characters that occur: a
    per-character table over a whole page cost more than the rest of the check."""
    low = text.lower()
    for char, folded in FOLDS.items():
        if char in low:
            low = low.replace(char, folded)
    return low


def _vocabulary(low: str) -> _Vocabulary:
    """The tokens of ``narratives.normalize`` in both of its modes: words with inner
    apostrophes kept (uk, ru), and their parts (en/fr/de split there: l'otan -> otan)."""
    tokens = set(WORD_KEEP.findall(low))
    for token in [t for t in tokens if "'" in t]:
        tokens.update(token.split("'"))
    return _Vocabulary(tokens, sorted(tokens), low)


def mentions_anchor(text: str) -> bool:
    """False when the text cannot satisfy any anchor combination (``relevance_anchor``):
    it cannot carry a narrative. Each concept is looked up at most once per text."""
    vocab = _vocabulary(_normalized(text))
    found: dict[str, bool] = {}
    for combo in _anchor_combos():
        for name in combo:
            if name not in found:
                found[name] = _concept(name).found_in(vocab)
            if not found[name]:
                break
        else:
            return True
    return False
