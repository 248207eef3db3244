"""Per-language concept lexicons compiled to fast token lookups.

Term syntax (in ``taxonomy.yaml``): ``word`` matches the token exactly, ``stem*``
matches any token starting with ``stem`` (covers Russian, Ukrainian, German and
French inflection), ``*part*`` matches tokens containing ``part`` (German
compounds), and space-separated terms match consecutive tokens (``not one inch``,
``пушечн* мяс*``). Tokens are normalised like terms (lowercase, ё->е, ß->ss).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from narratives.normalize import normalize_term

# Bound on the per-language token cache; vocabularies of news text fit easily.
_CACHE_LIMIT = 200_000


@dataclass(frozen=True)
class Element:
    """One element of a term: exact text, prefix or infix."""

    text: str
    kind: Literal["exact", "prefix", "infix"]

    def matches(self, token: str) -> bool:
        """True when ``token`` matches this element."""
        if self.kind == "exact":
            return token == self.text
        if self.kind == "prefix":
            return token.startswith(self.text)
        return self.text in token


def parse_element(raw: str) -> Element:
    """Parse ``word``, ``stem*`` or ``*part*``."""
    raw = normalize_term(raw)
    if raw.startswith("*") and raw.endswith("*") and len(raw) > 2:
        return Element(raw[1:-1], "infix")
    if raw.endswith("*"):
        return Element(raw[:-1], "prefix")
    return Element(raw, "exact")


def term_elements(term: str) -> tuple[Element, ...]:
    """A term's elements in order (a phrase has several; hyphens separate like spaces)."""
    return tuple(parse_element(p) for p in term.replace("-", " ").split())


@dataclass
class Lexicon:
    """Compiled lookups for one language."""

    exact: dict[str, set[str]] = field(default_factory=dict)
    prefix: dict[str, set[str]] = field(default_factory=dict)
    infix: list[tuple[str, str]] = field(default_factory=list)
    # phrase key -> (concept, remaining elements)
    phrases: dict[str, tuple[str, tuple[Element, ...]]] = field(default_factory=dict)
    prefix_lengths: tuple[int, ...] = ()
    _cache: dict[str, tuple[frozenset[str], tuple[str, ...]]] = field(default_factory=dict)

    def add(self, concept: str, term: str) -> None:
        """Register ``term`` (any syntax above) for ``concept``."""
        elems = term_elements(term)
        if not elems:
            return
        label = concept
        if len(elems) > 1:
            label = f"#{len(self.phrases)}"
            self.phrases[label] = (concept, tuple(elems[1:]))
        first = elems[0]
        if first.kind == "exact":
            self.exact.setdefault(first.text, set()).add(label)
        elif first.kind == "prefix":
            self.prefix.setdefault(first.text, set()).add(label)
        else:
            self.infix.append((first.text, label))

    def finish(self) -> None:
        """Freeze derived lookup data after all terms are added."""
        self.prefix_lengths = tuple(sorted({len(p) for p in self.prefix}, reverse=True))

    def lookup(self, token: str) -> tuple[frozenset[str], tuple[str, ...]]:
        """Concepts a single token carries, and phrase keys it may start."""
        hit = self._cache.get(token)
        if hit is not None:
            return hit
        labels: set[str] = set(self.exact.get(token, ()))
        n = len(token)
        for k in self.prefix_lengths:
            if k <= n:
                got = self.prefix.get(token[:k])
                if got:
                    labels |= got
        for part, label in self.infix:
            if part in token:
                labels.add(label)
        concepts = frozenset(x for x in labels if not x.startswith("#"))
        phrases = tuple(sorted(x for x in labels if x.startswith("#")))
        result = (concepts, phrases)
        if len(self._cache) > _CACHE_LIMIT:
            self._cache.clear()
        self._cache[token] = result
        return result

    def scan(self, toks: list[str]) -> list[frozenset[str]]:
        """Concepts found at each token, including multi-word terms starting there."""
        cache = self._cache
        out: list[frozenset[str]] = []
        n = len(toks)
        for i, tok in enumerate(toks):
            hit = cache.get(tok)
            if hit is None:
                hit = self.lookup(tok)
            single, phrase_keys = hit
            if phrase_keys:
                extra = set()
                for key in phrase_keys:
                    concept, rest = self.phrases[key]
                    if i + len(rest) < n and all(
                        e.matches(toks[i + 1 + j]) for j, e in enumerate(rest)
                    ):
                        extra.add(concept)
                if extra:
                    single = single | extra
            out.append(single)
        return out


def compile_lexicons(
    concepts: Mapping[str, Mapping[str, Iterable[str]]], languages: Iterable[str]
) -> dict[str, Lexicon]:
    """Build one :class:`Lexicon` per language; ``any`` terms go into every language."""
    out: dict[str, Lexicon] = {}
    for lang in languages:
        lex = Lexicon()
        for concept, by_lang in concepts.items():
            for term in list(by_lang.get(lang, ())) + list(by_lang.get("any", ())):
                lex.add(concept, str(term))
        lex.finish()
        out[lang] = lex
    return out
