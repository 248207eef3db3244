"""Evaluation of the tagger on a labelled corpus (shared by the bench and the tests).

The corpus is YAML: a list of ``{id, language, genre, narratives, text}`` per file,
in ``<root>/<split>/*.yaml``. ``narratives: []`` marks a distractor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from narratives.types import NarrativeTag

Tagger = Callable[[str, str | None], list[NarrativeTag]]


@dataclass(frozen=True)
class LabelledArticle:
    """One corpus article with its gold narratives."""

    id: str
    language: str
    genre: str
    narratives: frozenset[str]
    text: str
    stances: tuple[tuple[str, str], ...] = ()  # (narrative, gold stance) where labelled

    @property
    def distractor(self) -> bool:
        """True when the article carries no narrative."""
        return not self.narratives


@dataclass
class Counts:
    """True positives, false positives and false negatives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """tp / (tp + fp); 1.0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """tp / (tp + fn); 1.0 when nothing was expected."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        """Number of gold positives."""
        return self.tp + self.fn


@dataclass
class Report:
    """Metrics over one corpus split."""

    n_articles: int = 0
    per_narrative: dict[str, Counts] = field(default_factory=dict)
    micro: Counts = field(default_factory=Counts)
    relevance: Counts = field(default_factory=Counts)
    per_language: dict[str, Counts] = field(default_factory=dict)
    per_language_relevance: dict[str, Counts] = field(default_factory=dict)
    non_english: Counts = field(default_factory=Counts)
    distractors: int = 0
    distractors_tagged: int = 0
    tags: int = 0
    tags_with_valid_evidence: int = 0
    stance_total: int = 0  # correctly found narratives that have a gold stance
    stance_agree: int = 0  # ... whose predicted stance equals it
    stance_confusion: dict[tuple[str, str], int] = field(default_factory=dict)  # (gold, predicted)
    errors: list[str] = field(default_factory=list)

    @property
    def stance_agreement(self) -> float:
        """Share of correctly found narratives whose stance agrees with the annotator."""
        return self.stance_agree / self.stance_total if self.stance_total else 1.0

    @property
    def distractor_rate(self) -> float:
        """Share of distractors that received any tag."""
        return self.distractors_tagged / self.distractors if self.distractors else 0.0


def load_corpus(root: Path, split: str) -> list[LabelledArticle]:
    """Load every article of ``root/split/*.yaml`` (sorted by file, then file order)."""
    out: list[LabelledArticle] = []
    for path in sorted((root / split).glob("*.yaml")):
        with path.open(encoding="utf-8") as fh:
            items = yaml.safe_load(fh) or []
        for item in items:
            out.append(
                LabelledArticle(
                    id=str(item["id"]),
                    language=str(item["language"]),
                    genre=str(item.get("genre", "")),
                    narratives=frozenset(item.get("narratives") or ()),
                    text=str(item["text"]),
                )
            )
    return out


def evidence_valid(text: str, tags: Iterable[NarrativeTag]) -> bool:
    """Every tag has at least one evidence span and each span matches the text."""
    for t in tags:
        if not t.evidence:
            return False
        for ev in t.evidence:
            if not (0 <= ev.start < ev.end <= len(text)) or text[ev.start : ev.end] != ev.text:
                return False
    return True


def evaluate(articles: Iterable[LabelledArticle], tagger: Tagger, ids: Iterable[str]) -> Report:
    """Tag every article and compare with the gold labels."""
    rep = Report(per_narrative={i: Counts() for i in ids})
    for art in articles:
        rep.n_articles += 1
        tags = tagger(art.text, art.language)
        predicted = {t.id for t in tags}
        rep.tags += len(tags)
        rep.tags_with_valid_evidence += sum(1 for t in tags if evidence_valid(art.text, [t]))
        lang = rep.per_language.setdefault(art.language, Counts())
        lang_rel = rep.per_language_relevance.setdefault(art.language, Counts())
        pools = (rep.micro, lang) + ((rep.non_english,) if art.language != "en" else ())
        for nid, counts in rep.per_narrative.items():
            gold, pred = nid in art.narratives, nid in predicted
            for c in (counts, *pools):
                c.tp += gold and pred
                c.fp += pred and not gold
                c.fn += gold and not pred
        gold_rel, pred_rel = bool(art.narratives), bool(predicted)
        for c in (rep.relevance, lang_rel):
            c.tp += gold_rel and pred_rel
            c.fp += pred_rel and not gold_rel
            c.fn += gold_rel and not pred_rel
        by_id = {t.id: t for t in tags}
        for nid, gold_stance in art.stances:
            if nid in by_id:
                got = str(by_id[nid].stance)
                rep.stance_total += 1
                rep.stance_agree += got == gold_stance
                key = (gold_stance, got)
                rep.stance_confusion[key] = rep.stance_confusion.get(key, 0) + 1
        if art.distractor:
            rep.distractors += 1
            rep.distractors_tagged += pred_rel
        missed = sorted(art.narratives - predicted)
        extra = sorted(predicted - art.narratives)
        if missed or extra:
            rep.errors.append(f"{art.id}: missed {missed} extra {extra}")
    return rep


def from_passages(passages: Iterable[Any]) -> list[LabelledArticle]:
    """Real-genre passages (``narratives.passages.Passage``) as labelled articles."""
    return [
        LabelledArticle(
            id=p.id,
            language=p.language,
            genre=p.genre,
            narratives=p.narratives,
            text=p.text,
            stances=tuple((label.id, label.stance) for label in p.labels),
        )
        for p in passages
    ]


# Targets from issue 4 (test half).
TARGET_MICRO_F1 = 0.90
TARGET_NARRATIVE_F1 = 0.80
TARGET_NON_ENGLISH_F1 = 0.85
TARGET_RELEVANCE_PRECISION = 0.95
TARGET_RELEVANCE_RECALL = 0.90
TARGET_DISTRACTOR_RATE = 0.05
TARGET_ARTICLES_PER_SECOND = 200.0


def target_failures(rep: Report) -> list[str]:
    """Human-readable list of the quality targets ``rep`` misses (empty = all met)."""
    out: list[str] = []
    if rep.micro.f1 < TARGET_MICRO_F1:
        out.append(f"micro-F1 {rep.micro.f1:.3f} < {TARGET_MICRO_F1}")
    for nid, c in rep.per_narrative.items():
        if c.f1 < TARGET_NARRATIVE_F1:
            out.append(f"{nid} F1 {c.f1:.3f} < {TARGET_NARRATIVE_F1}")
    if rep.non_english.f1 < TARGET_NON_ENGLISH_F1:
        out.append(f"non-English micro-F1 {rep.non_english.f1:.3f} < {TARGET_NON_ENGLISH_F1}")
    if rep.relevance.precision < TARGET_RELEVANCE_PRECISION:
        out.append(f"relevance precision {rep.relevance.precision:.3f}")
    if rep.relevance.recall < TARGET_RELEVANCE_RECALL:
        out.append(f"relevance recall {rep.relevance.recall:.3f}")
    if rep.distractor_rate > TARGET_DISTRACTOR_RATE:
        out.append(f"distractors tagged {rep.distractor_rate:.3f} > {TARGET_DISTRACTOR_RATE}")
    if rep.tags_with_valid_evidence != rep.tags:
        out.append(f"{rep.tags - rep.tags_with_valid_evidence} tags without valid evidence")
    return out


def long_articles(articles: list[LabelledArticle], words: int, count: int) -> list[tuple[str, str]]:
    """Build ``count`` articles of at least ``words`` words by joining corpus texts.

    Texts of one language are concatenated in a rotating order, so each long
    article mixes several stories (realistic sentence and vocabulary load).
    Returns ``(text, language)`` pairs.
    """
    by_lang: dict[str, list[str]] = {}
    for a in articles:
        by_lang.setdefault(a.language, []).append(a.text)
    langs = sorted(by_lang)
    out: list[tuple[str, str]] = []
    k = 0
    while len(out) < count:
        lang = langs[len(out) % len(langs)]
        pool = by_lang[lang]
        parts: list[str] = []
        n = 0
        while n < words:
            text = pool[k % len(pool)]
            parts.append(text)
            n += len(text.split())
            k += 1
        out.append(("\n\n".join(parts), lang))
    return out
