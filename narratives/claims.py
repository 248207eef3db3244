"""Claim features for stance: who is speaking and whether the claim is rebutted.

Computed from the concepts of the evidence sentences and their neighbours; the stance
classifier (``narratives.semantic``) weighs them together with the sentence vectors.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from narratives.matching import Analysis

FEATURES = (
    "kremlin_side",  # the narrative is a Kremlin-side claim (else a counter-narrative)
    "attrib_own",  # a reporting verb / "according to" in an evidence sentence
    "attrib_near",  # ... in a neighbouring sentence
    "dispute_own",  # rebuttal cue (myth, false, so-called ...) in an evidence sentence
    "dispute_near",  # ... in a neighbouring sentence
    "first_person",  # we / us / our: the text's own voice (speeches, commentary)
    "quoted",  # quotation marks in an evidence sentence
    "negated",  # a negation in an evidence sentence
    "opposite_near",  # a narrative of the other side has evidence within one sentence
    "opposite_any",  # a narrative of the other side is carried anywhere in the text
)
_QUOTES = frozenset('"“”«»„‟‹›')


def claim_features(
    text: str,
    analysis: Analysis,
    sentences: tuple[int, ...],
    kremlin_side: bool,
    opposite_sentences: frozenset[int],
) -> NDArray[np.float32]:
    """The :data:`FEATURES` vector for one narrative's evidence sentences."""
    cs = analysis.concepts
    n = len(cs)
    own: set[str] = set()
    for i in sentences:
        own |= cs[i]
    near_idx = {j for i in sentences for j in (i - 1, i + 1) if 0 <= j < n} - set(sentences)
    near: set[str] = set()
    for j in near_idx:
        near |= cs[j]
    window = set(sentences) | near_idx
    quoted = any(
        not _QUOTES.isdisjoint(text[analysis.spans[i][0] : analysis.spans[i][1]]) for i in sentences
    )
    values = (
        kremlin_side,
        "ATTRIB" in own,
        "ATTRIB" in near,
        "DISPUTE" in own,
        "DISPUTE" in near,
        "FIRSTPERSON" in own,
        quoted,
        "NEG" in own,
        not opposite_sentences.isdisjoint(window),
        bool(opposite_sentences),
    )
    return np.asarray(values, dtype=np.float32)
