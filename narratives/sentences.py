"""Sentence splitting that keeps character offsets into the original text."""

from __future__ import annotations

import re

# A boundary is end punctuation (optionally closed by quotes/brackets) followed by
# whitespace, or a line break. Abbreviations are checked separately.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’»)\]]*\s+|\n+")
_ABBREV = frozenset(
    (
        *("mr", "mrs", "ms", "dr", "st", "gen", "lt", "col", "sen", "rep", "gov", "prof"),
        *("jr", "sr", "vs", "etc", "no", "nos", "jan", "feb", "mar", "apr", "aug", "sept"),
        *("sep", "oct", "nov", "dec", "fig", "approx", "ca", "bzw", "usw", "vgl", "ggf"),
        *("m", "me", "mm", "г", "гг", "ст", "им"),
    )
)
_WORD_BEFORE = re.compile(r"(\w+(?:\.\w+)*)$")
_LOOKBEHIND = 24  # characters; longer than any abbreviation checked


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` spans of sentences, whitespace-trimmed, in order."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        if m.group(0)[0] in ".!?…" and "\n" not in m.group(0) and _is_abbreviation(text, m):
            continue
        _add(text, start, m.start() + len(m.group(0).rstrip()), spans)
        start = m.end()
    _add(text, start, len(text), spans)
    return spans


def _is_abbreviation(text: str, m: re.Match[str]) -> bool:
    """True when the period ends an abbreviation or initial and the next word is lowercase."""
    if m.group(0)[0] != ".":
        return False
    # look only at the last few characters: searching the whole prefix is quadratic
    before = _WORD_BEFORE.search(text, max(0, m.start() - _LOOKBEHIND), m.start())
    if before is None:
        return False
    word = before.group(1).lower()
    nxt = text[m.end() : m.end() + 1]
    if nxt.islower():
        return True
    # Single letters ("U.S.", "J. Baker") and known abbreviations do not end a sentence.
    return (len(word) == 1 and word.isalpha()) or word in _ABBREV or "." in word


def _add(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    """Append the trimmed span if it holds any word character."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start and any(ch.isalnum() for ch in text[start:end]):
        spans.append((start, end))
