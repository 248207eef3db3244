"""Language of the extracted text, by py3langid (ISO 639-1 codes)."""

from __future__ import annotations

import threading
from typing import Any

# Below this many letters the guess is a coin toss (a headline, a caption).
_MIN_LETTERS = 20
# py3langid's cost grows with the text; 1,500 characters (200-250 words) decide
# any language the service monitors with near-certainty.
_SAMPLE_CHARS = 1500
# Normalised probability under which we say "unknown" rather than guess.
_MIN_CONFIDENCE = 0.5

_LOCK = threading.Lock()
_IDENTIFIER: Any = None


def _identifier() -> Any:
    global _IDENTIFIER
    with _LOCK:
        if _IDENTIFIER is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            _IDENTIFIER = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return _IDENTIFIER


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text``, or None when too short or too uncertain.

    The model loads once per process on first use (about half a second).
    """
    sample = text[:_SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < _MIN_LETTERS:
        return None
    lang, confidence = _identifier().classify(sample)
    if not lang or lang == "und" or confidence < _MIN_CONFIDENCE:
        return None
    return str(lang)
