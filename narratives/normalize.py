"""Tokenisation with offsets, token normalisation and a light language guess."""

from __future__ import annotations

import re

# Words (letters; inner apostrophes kept for Ukrainian/Russian) or numbers.
WORD_KEEP = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*|\d+")
_WORD_SPLIT = re.compile(r"[^\W\d_]+|\d+")
# Characters folded in tokens and terms alike (apostrophes unified, ё->е, ß->ss, œ->oe).
FOLDS = {"’": "'", "ʼ": "'", "`": "'", "ё": "е", "ß": "ss", "œ": "oe"}
_APOS = str.maketrans(FOLDS)
# Latin-script languages split at apostrophes: l'OTAN -> l, otan; wouldn't -> wouldn, t.
_SPLIT_APOS = frozenset({"en", "fr", "de"})

_UK_LETTERS = frozenset("іїєґ")
_RU_LETTERS = frozenset("ыэъё")
_STOP = {
    "en": frozenset(("the", "and", "of", "to", "in", "that", "is", "was", "with", "for", "on")),
    "de": frozenset(("der", "die", "das", "und", "nicht", "ist", "mit", "von", "den", "dem", "zu")),
    "fr": frozenset(("le", "la", "les", "et", "des", "est", "une", "un", "que", "dans", "pour")),
}


def normalize_language(language: str | None, text: str) -> str:
    """Map a language hint (``en``, ``en-GB``, ``None``) to one of en/ru/uk/de/fr."""
    if language:
        code = language.strip().lower().replace("_", "-").split("-")[0]
        if code in ("en", "ru", "uk", "de", "fr"):
            return code
    return detect_language(text)


def detect_language(text: str) -> str:
    """Guess en/ru/uk/de/fr from the script and a few stop words (first 2,000 chars)."""
    sample = text[:2000].lower()
    cyr = sum(1 for ch in sample if "а" <= ch <= "я" or ch in "іїєґё")
    if cyr > len(sample) // 10:
        uk = sum(1 for ch in sample if ch in _UK_LETTERS)
        ru = sum(1 for ch in sample if ch in _RU_LETTERS)
        return "uk" if uk > ru else "ru"
    words = re.findall(r"[a-zäöüéèàçâêôûœ]+", sample)
    best, best_n = "en", -1
    for lang, stop in _STOP.items():
        n = sum(1 for w in words if w in stop)
        if n > best_n:
            best, best_n = lang, n
    return best


def words(sentence: str, language: str) -> list[str]:
    """Normalised word tokens of one sentence, in order.

    Lowercased, apostrophes unified, ё->е, ß->ss. Latin-script languages split at
    apostrophes (l'OTAN -> l, otan; wouldn't -> wouldn, t); Ukrainian keeps them
    inside words (пам'ять).
    """
    pattern = _WORD_SPLIT if language in _SPLIT_APOS else WORD_KEEP
    return pattern.findall(sentence.lower().translate(_APOS))


def normalize_term(term: str) -> str:
    """Normalise a lexicon term the same way tokens are normalised."""
    return term.lower().translate(_APOS)
