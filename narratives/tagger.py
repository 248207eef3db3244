"""The public tagging function: narratives, scores, stance and evidence.

Two layers decide together. The rule layer (``narratives.rules``) matches concept
co-occurrence in the five languages; the learned layer (``narratives.semantic``) embeds
the sentences near an anchor (NATO, the West with Russia or Ukraine) with a multilingual
sentence encoder and scores each narrative with a classifier trained on labelled
sentences. A narrative is carried when the model is confident on its own, or when a rule
fires and the model agrees. Stance comes from a classifier over the evidence sentences'
vectors and claim features (attribution, rebuttal cues, first person, the other side).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from narratives import embedding
from narratives.claims import claim_features
from narratives.matching import Analysis, analyse
from narratives.normalize import normalize_language
from narratives.prefilter import mentions_anchor
from narratives.rules import ANCHOR_CONCEPTS, RuleResult, anchored, near_anchor, rule_layer
from narratives.semantic import STANCES, SemanticModel, embed_sentences, load_model
from narratives.stance import stance as rule_stance
from narratives.taxonomy import Taxonomy, compiled
from narratives.types import Evidence, NarrativeTag

Mode = Literal["hybrid", "rules", "model"]

# Characters of one text that are analysed: a 200,000-character page is ~30,000 words,
# far beyond any article; the rest of a huge text is ignored (offsets stay valid).
MAX_TEXT_CHARS = 200_000
# Sentences per text given to the encoder (~30 ms each on one core): the rule hits and the
# anchored sentences richest in narrative concepts first. 6 covers every labelled passage
# whole (out-of-fold dev micro-F1 is the same from 3 to 8); on long articles it trades
# recall for cost: 800-word real anchored windows give 112 tags at 3.0/s with 8, 87 at
# 3.8/s with 6, 72 at 5.1/s with 4 (docs/BENCHMARKS.md).
MAX_MODEL_SENTENCES = 6
# Evidence sentences kept per narrative (strongest first).
MAX_EVIDENCE = 3


@dataclass(frozen=True)
class _Decision:
    nid: str
    score: float
    sentences: tuple[int, ...]
    source: str  # "model" (confident alone) or "rule+model" (a rule hit the model agrees with)


def tag(text: str, language: str | None = None) -> list[NarrativeTag]:
    """Tag ``text`` with the narratives it carries; ``[]`` means not relevant.

    ``language`` is an ISO 639-1 hint (``en``, ``ru``, ``uk``, ``de``, ``fr``;
    regional forms like ``en-GB`` are accepted); when missing or outside the five the
    language is guessed from the text. Evidence offsets index into ``text``. Empty,
    non-text or anchor-free input returns ``[]``; no input raises.
    """
    return tag_with(text, language, "hybrid")


def tag_with(
    text: str, language: str | None, mode: Mode, model: SemanticModel | None = None
) -> list[NarrativeTag]:
    """:func:`tag` with a chosen layer: ``hybrid`` (the default), ``rules`` or ``model`` only.

    ``model`` replaces the shipped model (benchmarks of an alternative encoder).
    """
    if not isinstance(text, str) or not text.strip():
        return []
    body = text[:MAX_TEXT_CHARS]
    if not mentions_anchor(body):
        return []
    tax = compiled()
    lang = normalize_language(language, body)
    analysis = analyse(body, lang, tax)
    if not anchored(analysis, tax):
        return []
    rules = rule_layer(analysis, tax)
    if mode == "rules":
        return _rules_only(text, analysis, rules, tax)
    model = model or load_model()
    chosen = candidates(analysis, rules, tax)
    if not chosen:
        return []
    x = embed_sentences(body, analysis.spans, analysis.concepts, chosen, model.concepts)
    logits = model.narrative_logits(x[chosen])
    probs = model.calibrated(logits)
    if not _confirmed_rule(model, rules, probs, tax) and not model.relevant(
        logits, x[chosen][:, : embedding.DIM]
    ):
        return []
    decisions = _decide(model, rules, chosen, probs, tax, mode)
    return _tags(text, analysis, decisions, model, x, tax)


def is_relevant(tags: list[NarrativeTag]) -> bool:
    """An article is relevant to the narrative space when it carries any narrative."""
    return bool(tags)


def candidates(analysis: Analysis, rules: dict[str, RuleResult], tax: Taxonomy) -> list[int]:
    """Sentences for the encoder: rule evidence first, then anchored ones rich in concepts."""
    ruled = [i for r in rules.values() for i in r.sentences]
    near = near_anchor(analysis, tax)
    richness = {i: len(analysis.concepts[i] - ANCHOR_CONCEPTS) for i in near}
    if len(analysis.spans) > MAX_MODEL_SENTENCES:
        # a long text: only sentences with some narrative concept besides the anchor itself
        near = [i for i in near if richness[i]]
    ranked = sorted(near, key=lambda i: (-richness[i], i))
    chosen = list(dict.fromkeys([*ruled, *ranked]))[:MAX_MODEL_SENTENCES]
    return sorted(chosen)


def _confirmed_rule(
    model: SemanticModel, rules: dict[str, RuleResult], probs: dict[str, np.ndarray], tax: Taxonomy
) -> bool:
    """A rule hit that the model also finds on its own: the text needs no relevance gate."""
    threshold = tax.settings["threshold"]
    return any(
        r.score >= threshold and float(probs[nid].max()) >= model.narratives[nid].alone
        for nid, r in rules.items()
    )


def _decide(
    model: SemanticModel,
    rules: dict[str, RuleResult],
    chosen: list[int],
    probs: dict[str, np.ndarray],
    tax: Taxonomy,
    mode: Mode,
) -> list[_Decision]:
    """Which narratives are carried, with score and evidence sentences."""
    threshold = tax.settings["threshold"]
    out = []
    for narrative in tax.narratives:
        nid = narrative.definition.id
        m = model.narratives[nid]
        p = probs[nid]
        best = float(p.max()) if len(p) else 0.0
        rule = rules.get(nid)
        ruled = rule is not None and rule.score >= threshold and mode == "hybrid"
        if best >= m.alone:
            source = "model"
            floor = m.with_rule if ruled else m.alone
        elif ruled and best >= m.with_rule:
            source = "rule+model"
            floor = m.with_rule
        else:
            continue
        order = np.argsort(-p, kind="stable")
        sentences = tuple(chosen[k] for k in order if p[k] >= floor)[:MAX_EVIDENCE]
        if source == "rule+model" and rule is not None:
            sentences = tuple(dict.fromkeys([*sentences, *rule.sentences]))[:MAX_EVIDENCE]
        score = best if source == "model" else max(best, (best + rule.score) / 2 if rule else best)
        out.append(_Decision(nid, round(score, 3), sentences, source))
    return out


def _tags(
    text: str,
    analysis: Analysis,
    decisions: list[_Decision],
    model: SemanticModel,
    x: np.ndarray,
    tax: Taxonomy,
) -> list[NarrativeTag]:
    """Build the tags: stance per narrative from the stance classifier, evidence spans."""
    side = {n.definition.id: n.definition.side for n in tax.narratives}
    by_side: dict[str, frozenset[int]] = {
        s: frozenset(i for d in decisions if side[d.nid] == s for i in d.sentences)
        for s in ("kremlin", "counter")
    }
    tags: dict[str, NarrativeTag] = {}
    for d in decisions:
        kremlin = side[d.nid] == "kremlin"
        claims = claim_features(
            text, analysis, d.sentences, kremlin, by_side["counter" if kremlin else "kremlin"]
        )
        vec = x[list(d.sentences)].mean(axis=0, keepdims=True)
        probs = model.stance_probabilities(vec, claims[None, :])[0]
        tags[d.nid] = NarrativeTag(
            id=d.nid,
            score=d.score,
            stance=STANCES[int(np.argmax(probs))],
            evidence=_evidence(text, analysis, d.sentences),
        )
    _add_implied(tags, tax)
    order = {n.definition.id: k for k, n in enumerate(tax.narratives)}
    return sorted(tags.values(), key=lambda t: order[t.id])


def _rules_only(
    text: str, analysis: Analysis, rules: dict[str, RuleResult], tax: Taxonomy
) -> list[NarrativeTag]:
    """The rule layer alone (the ablation, and the behaviour of tagger v1)."""
    threshold = tax.settings["threshold"]
    found = {nid: r for nid, r in rules.items() if r.score >= threshold}
    side = {n.definition.id: n.definition.side for n in tax.narratives}
    counter = frozenset(
        i for nid, r in found.items() if side[nid] == "counter" for i in r.sentences
    )
    tags = {
        nid: NarrativeTag(
            id=nid,
            score=round(r.score, 3),
            stance=rule_stance(
                side[nid], r.sentences, analysis, implied=False, counter_sentences=counter
            ),
            evidence=_evidence(text, analysis, r.sentences),
        )
        for nid, r in found.items()
    }
    _add_implied(tags, tax)
    order = {n.definition.id: k for k, n in enumerate(tax.narratives)}
    return sorted(tags.values(), key=lambda t: order[t.id])


def _evidence(text: str, analysis: Analysis, sentences: tuple[int, ...]) -> list[Evidence]:
    out = []
    for i in sentences:
        start, end = analysis.spans[i]
        out.append(Evidence(start=start, end=end, text=text[start:end]))
    return out


def _add_implied(tags: dict[str, NarrativeTag], tax: Taxonomy) -> None:
    """A rebuttal carries the claim it rebuts (e.g. no-binding-pledge -> broken-promise).

    When the claim was found too, a rebuttal the passage itself advances (stance promotes)
    makes the claim disputed: "Moscow insists NATO broke its word. But there was never any
    promise" disputes broken-promise, whatever the attributed first sentence alone says.
    """
    factor = tax.settings["implied_factor"]
    for narrative in tax.narratives:
        nid = narrative.definition.id
        if nid in tags:
            rebutted = any(
                tags[source].stance == "promotes"
                for source in narrative.implied_by
                if source in tags
            )
            if rebutted and tags[nid].stance != "disputes":
                tags[nid] = replace(tags[nid], stance="disputes")
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
