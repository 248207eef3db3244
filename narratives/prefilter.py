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

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache

from narratives.normalize import normalize_term
from narratives.taxonomy import compiled, raw_taxonomy

# The tokens of narratives.normalize: words with inner apostrophes kept (uk, ru) or numbers;
# a word with an apostrophe also gives its parts (en/fr/de split there: l'otan -> otan).
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*|\d+")
# narratives.normalize's character folding, applied only when such a character occurs.
_FOLD = (("’", "'"), ("ʼ", "'"), ("`", "'"), ("ё", "е"), ("ß", "ss"), ("œ", "oe"))

# Concepts that name a country or the alliance are rare in general news, words such as
# "member" or "war" common: trying the rare concept of an anchor first ends most checks.
_RARE = frozenset({"ALLIANCE", "STOCK", "RUSSIA", "UKRAINE", "NORDIC", "RUSENCIRCLE"})


@dataclass(frozen=True)
class _Vocabulary:
    """A text's distinct tokens, ready for the three kinds of lookup."""

    words: set[str]
    ordered: list[str]
    text: str  # the normalised text, for infixes

    def has(self, element: str) -> bool:
        """Whether a term's word (``word``, ``stem*``, ``*part*``) matches some token."""
        if element.startswith("*"):
            return element.strip("*") in self.text
        if element.endswith("*"):
            stem = element[:-1]
            k = bisect_left(self.ordered, stem)
            return k < len(self.ordered) and self.ordered[k].startswith(stem)
        return element in self.words


@dataclass(frozen=True)
class _Concept:
    """One concept's terms in the five languages, grouped for fast lookup."""

    exact: frozenset[str]
    others: tuple[str, ...]  # single stems and infixes
    phrases: tuple[tuple[str, ...], ...]

    def found_in(self, vocab: _Vocabulary) -> bool:
        """Whether any term of the concept could match in the text."""
        if not self.exact.isdisjoint(vocab.words):
            return True
        if any(vocab.has(e) for e in self.others):
            return True
        return any(all(vocab.has(w) for w in phrase) for phrase in self.phrases)


@cache
def _concept(name: str) -> _Concept:
    exact: set[str] = set()
    others: set[str] = set()
    phrases: set[tuple[str, ...]] = set()
    for terms in raw_taxonomy()["concepts"][name].values():
        for term in terms:
            words = tuple(normalize_term(term).split())
            if len(words) > 1:
                phrases.add(words)
            elif "*" in words[0]:
                others.add(words[0])
            else:
                exact.add(words[0])
    return _Concept(frozenset(exact), tuple(sorted(others)), tuple(sorted(phrases)))


@cache
def _anchor_combos() -> tuple[tuple[str, ...], ...]:
    """The taxonomy's anchor combinations, each with its rarest concept first."""
    return tuple(
        tuple(sorted(anchor, key=lambda c: (c not in _RARE, c))) for anchor in compiled().anchors
    )


def _normalized(text: str) -> str:
    """``normalize_term`` without its per-character table when nothing needs folding."""
    low = text.lower()
    for char, folded in _FOLD:
        if char in low:
            low = low.replace(char, folded)
    return low


def _vocabulary(low: str) -> _Vocabulary:
    tokens = set(_WORD.findall(low))
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
