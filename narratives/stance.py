"""Stance of an article towards a narrative: promotes, reports or disputes."""

from __future__ import annotations

from narratives.matching import Analysis

PROMOTES = "promotes"
REPORTS = "reports"
DISPUTES = "disputes"


def stance(
    side: str,
    sentences: tuple[int, ...],
    analysis: Analysis,
    implied: bool,
    counter_sentences: frozenset[int] = frozenset(),
) -> str:
    """Decide the stance from cue concepts around the evidence sentences.

    A Kremlin-side claim next to rebuttal cues (myth, false, no evidence, archival
    record ...) or implied by a rebuttal is *disputed*; a claim attributed to a
    speaker (said, claims, according to, заявил, sagte, selon ...) is *reported*;
    an unattributed assertion is *promoted*. A Kremlin-side claim next to (within
    one sentence of) counter-narrative evidence is disputed too. Counter-narratives
    are reported when attributed and promoted otherwise.
    """
    if implied:
        return DISPUTES
    cs = analysis.concepts
    window: set[str] = set()
    for i in sentences:
        for j in (i - 1, i, i + 1):
            if 0 <= j < len(cs):
                window |= cs[j]
    own: set[str] = set()
    for i in sentences:
        own |= cs[i]
    if side == "kremlin":
        near = {j for i in sentences for j in (i - 1, i, i + 1)}
        if "DISPUTE" in window or not near.isdisjoint(counter_sentences):
            return DISPUTES
    if "ATTRIB" in own:
        return REPORTS
    return PROMOTES
