"""Anchors: which texts can carry a narrative, and the cheap pre-check in front of them.

A text reaches the rules and the model only when it satisfies one of the taxonomy's anchor
combinations. Besides the alliance named (or the West with Russia or Ukraine), talk of
membership with Russia, Ukraine or a Nordic state anchors a text: accession coverage often
never names NATO. The pre-check (a regex per concept) must never refuse an anchored text.
"""

from __future__ import annotations

import json

import pytest

from bench.tagging import EXTRACTION_GT
from narratives import embedding, tag
from narratives.matching import analyse
from narratives.normalize import normalize_language
from narratives.passages import load
from narratives.prefilter import mentions_anchor
from narratives.rules import anchored, near_anchor
from narratives.taxonomy import compiled

# Written for this test: accession coverage that never names the alliance.
UNNAMED = [
    (
        "Helsinki filed its membership application three months after the invasion began; "
        "support for joining had doubled in Finland within weeks.",
        "en",
    ),
    ("Die Schweden haben ihren Beitrittsantrag erst nach dem russischen Einmarsch gestellt.", "de"),
    ("Россия сама подталкивает соседей к вступлению: Финляндия тому пример.", "ru"),
]

# Written for this test: membership and war words with nothing of the narrative space.
PLAIN = [
    "Club members voted to rename the stand after the war veteran who founded the team.",
    "Mitglieder des Vereins stellten einen Antrag auf Aufnahme eines neuen Nachbarn.",
    "The application deadline for new members is close; the committee meets in minutes.",
]


@pytest.mark.parametrize(("text", "language"), UNNAMED)
def test_membership_talk_with_russia_or_a_nordic_state_is_anchored(
    text: str, language: str
) -> None:
    tax = compiled()
    analysis = analyse(text, language, tax)
    assert mentions_anchor(text)
    assert anchored(analysis, tax)
    # the membership sentence itself is where the model looks
    assert near_anchor(analysis, tax)


@pytest.mark.parametrize("text", PLAIN)
def test_generic_membership_or_war_words_anchor_nothing(text: str) -> None:
    tax = compiled()
    assert not anchored(analyse(text, normalize_language(None, text), tax), tax)
    embedding.cache.clear()
    assert tag(text, None) == []
    assert embedding.cache.misses == 0  # never reached the model


def _texts() -> list[tuple[str, str, str | None]]:
    out: list[tuple[str, str, str | None]] = [(p.id, p.text, p.language) for p in load()]
    if EXTRACTION_GT.exists():
        pages = json.loads(EXTRACTION_GT.read_text(encoding="utf-8"))
        out += [(f"page-{k}", str(v.get("articleBody") or ""), None) for k, v in pages.items()]
    return out


@pytest.mark.slow
def test_the_pre_check_never_refuses_an_anchored_text() -> None:
    """Over every labelled passage and every real page of the extraction benchmark."""
    tax = compiled()
    texts = _texts()
    anchored_texts = [
        (tid, text)
        for tid, text, lang in texts
        if anchored(analyse(text, normalize_language(lang, text), tax), tax)
    ]
    assert len(anchored_texts) > 1_000  # the passages are there (not an empty loop)
    assert [tid for tid, text in anchored_texts if not mentions_anchor(text)] == []


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Pour Moscou, l’OTAN s’est élargie malgré la promesse.", "fr"),  # curly apostrophes
        ("Die Nato-Osterweiterung war für Moskau ein Wortbruch.", "de"),  # a compound
        ("Ещё в 1990 году Запад обещал России не расширять альянс.", "ru"),  # ё folded
        ("Альянс пообіцяв Горбачову, що не рухатиметься на схід.", "uk"),
    ],
)
def test_the_pre_check_reads_forms_as_the_lexicon_does(text: str, language: str) -> None:
    tax = compiled()
    assert anchored(analyse(text, language, tax), tax)
    assert mentions_anchor(text)
