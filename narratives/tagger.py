"""The public tagging function: narratives, scores, stance and evidence."""

from __future__ import annotations

from narratives.matching import Analysis, Hit, analyse, match
from narratives.normalize import normalize_language
from narratives.stance import stance
from narratives.taxonomy import Narrative, Taxonomy, compiled
from narratives.types import Evidence, NarrativeTag


def tag(text: str, language: str | None = None) -> list[NarrativeTag]:
    """Tag ``text`` with the narratives it carries; ``[]`` means not relevant.

    ``language`` is an ISO 639-1 hint (``en``, ``ru``, ``uk``, ``de``, ``fr``;
    regional forms like ``en-GB`` are accepted); when missing or unsupported the
    language is guessed from the text. Evidence offsets index into ``text``.
    """
    if not text or not text.strip():
        return []
    tax = compiled()
    lang = normalize_language(language, text)
    analysis = analyse(text, lang, tax)
    if not _anchored(analysis, tax):
        return []
    threshold = tax.settings["threshold"]
    max_evidence = int(tax.settings["max_evidence"])
    found: list[tuple[Narrative, float, tuple[int, ...]]] = []
    for narrative in tax.narratives:
        hits = match(narrative, analysis, tax.settings["pair_discount"])
        chosen = _select(hits, max_evidence)
        score = _score(chosen)
        if score >= threshold:
            # evidence sentences, strongest window first, each sentence once
            sentences = tuple(dict.fromkeys(i for h in chosen for i in h.sentences))
            found.append((narrative, score, sentences))
    counter = frozenset(
        i for n, _, sentences in found if n.definition.side == "counter" for i in sentences
    )
    tags: dict[str, NarrativeTag] = {}
    for narrative, score, sentences in found:
        side = narrative.definition.side
        tags[narrative.definition.id] = NarrativeTag(
            id=narrative.definition.id,
            score=round(score, 3),
            stance=stance(side, sentences, analysis, implied=False, counter_sentences=counter),
            evidence=_evidence(text, analysis, sentences),
        )
    _add_implied(tags, tax)
    order = {n.definition.id: k for k, n in enumerate(tax.narratives)}
    return sorted(tags.values(), key=lambda t: order[t.id])


def is_relevant(tags: list[NarrativeTag]) -> bool:
    """An article is relevant to the narrative space when it carries any narrative."""
    return bool(tags)


def _anchored(analysis: Analysis, tax: Taxonomy) -> bool:
    """The article must mention the alliance, or the West together with Russia/Ukraine."""
    have = analysis.article_concepts()
    return any(anchor <= have for anchor in tax.anchors)


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


def _score(hits: list[Hit]) -> float:
    """Noisy-or of the hit weights: independent pieces of evidence add up."""
    miss = 1.0
    for h in hits:
        miss *= 1.0 - h.weight
    return 1.0 - miss


def _evidence(text: str, analysis: Analysis, sentences: tuple[int, ...]) -> list[Evidence]:
    out = []
    for i in sentences:
        start, end = analysis.spans[i]
        out.append(Evidence(start=start, end=end, text=text[start:end]))
    return out


def _add_implied(tags: dict[str, NarrativeTag], tax: Taxonomy) -> None:
    """A rebuttal carries the claim it rebuts (e.g. no-binding-pledge -> broken-promise)."""
    factor = tax.settings["implied_factor"]
    for narrative in tax.narratives:
        nid = narrative.definition.id
        if nid in tags:
            continue
        for source in narrative.implied_by:
            if source in tags:
                src = tags[source]
                tags[nid] = NarrativeTag(
                    id=nid,
                    score=round(src.score * factor, 3),
                    stance="disputes",
                    evidence=list(src.evidence),
                )
                break
