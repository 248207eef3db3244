"""Behaviour of narratives.tag on paraphrase, traps, negation and languages."""

from __future__ import annotations

import pytest

from narratives import NarrativeTag, tag


def ids(text: str, language: str | None = "en") -> set[str]:
    return {t.id for t in tag(text, language)}


def by_id(tags: list[NarrativeTag]) -> dict[str, NarrativeTag]:
    return {t.id: t for t in tags}


# --- paraphrase (the examples and more) -------------------------------

PARAPHRASES = [
    (
        "Soviet negotiators left the 1990 talks believing the alliance would end at the Oder, "
        "a belief the Kremlin now calls a swindle.",
        "broken-promise",
    ),
    (
        "Allied warships and rotating battalions now exercise within sight of Russia's western "
        "frontier, and Moscow calls that a noose.",
        "encirclement",
    ),
    (
        "Moscow says Western leaders looked Gorbachev in the eye, swore their bloc would stay "
        "where it was, and then took in half of Eastern Europe behind his back.",
        "broken-promise",
    ),
    (
        "For the Kremlin, every new radar site and rotating brigade on the Baltic edge is "
        "another link in a chain being drawn tight around Russia.",
        "encirclement",
    ),
    (
        "Russia knocked on the door of the Western club in the 1990s and was told to wait "
        "outside like a defeated supplicant, the ambassador said.",
        "rejected-partnership",
    ),
    (
        "The commentator argued that Kyiv is merely the battering ram with which Washington "
        "intends to bleed Russia, whatever the cost in Ukrainian lives.",
        "ukraine-proxy",
    ),
    (
        "In the Kremlin's telling, the invasion was a forced reply to an alliance that had "
        "crept up to Ukraine and left Moscow no other choice.",
        "nato-provoked-war",
    ),
    (
        "Historians stress that nothing about the alliance's future membership was ever put in "
        "writing in 1990; the remarks were never codified.",
        "no-binding-pledge",
    ),
    (
        "Warsaw and Tallinn lobbied for years to be let into NATO; the application came from "
        "their own parliaments, not from Washington.",
        "sovereign-choice",
    ),
    (
        "The NATO spokesperson said the alliance is a purely defensive organisation and poses "
        "no threat to Russia or any other country.",
        "defensive-alliance",
    ),
    (
        "It was Russia's assault on Ukraine that drove neutral Finland and Sweden to apply to "
        "join NATO.",
        "aggression-drives-enlargement",
    ),
]


@pytest.mark.parametrize(("text", "narrative"), PARAPHRASES)
def test_paraphrase_is_caught(text: str, narrative: str) -> None:
    assert narrative in ids(text)


# --- traps ------------------------------------------------------------------------

TRAPS = [
    "The company promised not to expand the plant beyond its eastern fence, and workers now "
    "say management betrayed them by breaking that promise.",
    "Work began on Monday on the expansion of the NATO headquarters building in Brussels, "
    "adding a new conference wing and offices for national delegations.",
    "Supporters accused the football club of betrayal after it sold its captain to their "
    "bitter rivals, days after promising he would stay.",
    "NATO fighter jets based in Estonia were scrambled twice this week to identify Russian "
    "military aircraft flying near allied airspace without flight plans, the air command said.",
    "Ukrainian troops withdrew from the village to avoid encirclement as Russian forces "
    "pressed their offensive near Pokrovsk.",
    "Shareholders rejected the activist's proxy slate after a bitter battle over the chemicals "
    "group's promised expansion into Eastern Europe.",
    "Sovereign bond yields rose across Central Europe as investors reacted to U.S. inflation.",
]


@pytest.mark.parametrize("text", TRAPS)
def test_trap_is_not_tagged(text: str) -> None:
    assert tag(text, "en") == []


# --- negation and rebuttal ------------------------------------------------------------


def test_denial_carries_counter_and_rebutted_claim() -> None:
    text = (
        "Russian officials insist NATO broke its word on enlargement. "
        "But there was never any promise: nothing was signed, and no treaty limits membership."
    )
    tags = by_id(tag(text, "en"))
    assert "no-binding-pledge" in tags
    assert "broken-promise" in tags
    assert tags["broken-promise"].stance == "disputes"


def test_bare_never_any_promise_implies_broken_promise() -> None:
    text = "On NATO expansion, there was never any promise made to Gorbachev in 1990."
    got = ids(text)
    assert {"no-binding-pledge", "broken-promise"} <= got


def test_broken_word_is_not_a_denial() -> None:
    text = "Putin said the West did not keep its word to Gorbachev that NATO would not move east."
    got = ids(text)
    assert "broken-promise" in got
    assert "no-binding-pledge" not in got


def test_stance_reports_attributed_claim() -> None:
    text = "Putin said the West deceived Russia in 1990 by expanding NATO to the east."
    tags = by_id(tag(text, "en"))
    assert tags["broken-promise"].stance == "reports"


def test_stance_promotes_unattributed_claim() -> None:
    text = "The West deceived Russia in 1990 and then pushed NATO to the east."
    tags = by_id(tag(text, "en"))
    assert tags["broken-promise"].stance == "promotes"


# --- languages ------------------------------------------------------------------------

LANGUAGE_CASES = [
    (
        "ru",
        "Запад обманул Россию: в 1990 году обещали, что НАТО не будет расширяться на восток.",
        "broken-promise",
    ),
    (
        "ru",
        "Военные базы альянса подходят всё ближе к нашим границам, кольцо сжимается.",
        "encirclement",
    ),
    (
        "ru",
        "Никакого юридически обязывающего обещания о нерасширении НАТО не существовало.",
        "no-binding-pledge",
    ),
    (
        "uk",
        "Кремль стверджує, що Захід використовує Україну як інструмент проти Росії.",
        "ukraine-proxy",
    ),
    (
        "uk",
        "Саме російська агресія штовхнула Фінляндію і Швецію до вступу в НАТО.",
        "aggression-drives-enlargement",
    ),
    (
        "de",
        "Die NATO ist ein Verteidigungsbündnis und bedroht niemanden, sagte der Sprecher.",
        "defensive-alliance",
    ),
    (
        "de",
        "Moskau behauptet, der Westen habe Russland 1990 getäuscht und die NATO trotz "
        "Zusagen nach Osten erweitert.",
        "broken-promise",
    ),
    (
        "fr",
        "Selon le Kremlin, l'élargissement de l'OTAN a provoqué la guerre en Ukraine : "
        "Moscou n'avait pas le choix.",
        "nato-provoked-war",
    ),
    (
        "fr",
        "La Pologne et les pays baltes ont adhéré à l'OTAN de leur propre chef, "
        "personne ne les y a contraints.",
        "sovereign-choice",
    ),
]


@pytest.mark.parametrize(("language", "text", "narrative"), LANGUAGE_CASES)
def test_each_language(language: str, text: str, narrative: str) -> None:
    assert narrative in ids(text, language)


def test_language_is_detected_when_missing() -> None:
    text = "Запад обманул Россию: в 1990 году обещали, что НАТО не будет расширяться на восток."
    assert "broken-promise" in ids(text, None)
    assert "broken-promise" in ids(text, "ru-RU")


# --- contract ------------------------------------------------------------------------------


def test_evidence_offsets_and_scores() -> None:
    text = (
        "Headline: Kremlin repeats old grievance\n\n"
        "MOSCOW - Putin said the alliance had been brought up to Russia's borders in violation "
        "of assurances given in 1990. NATO rejected the claim, saying it is a defensive alliance."
    )
    tags = tag(text, "en")
    assert tags
    for t in tags:
        assert 0.0 < t.score <= 1.0
        assert t.stance in ("promotes", "reports", "disputes")
        assert t.evidence
        for ev in t.evidence:
            assert text[ev.start : ev.end] == ev.text


def test_empty_and_irrelevant_text() -> None:
    assert tag("", "en") == []
    assert tag("   ", None) == []
    assert tag("The central bank held its key rate at 21 percent on Friday.", "en") == []
