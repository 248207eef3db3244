"""The learned layer: the bundled encoder, the shipped model, defined results on bad input."""

from __future__ import annotations

import time

import numpy as np
import pytest

import narratives
from narratives import embedding, tag
from narratives.semantic import MODEL_FILE, load_model
from narratives.tagger import MAX_TEXT_CHARS, tag_with

CLAIM = "The West promised Gorbachev in 1990 that NATO would not move one inch to the east."


def test_encoder_ships_inside_the_package_and_is_multilingual() -> None:
    vecs = embedding.embed(
        [
            "NATO promised not to expand to the east.",
            "НАТО обещало не расширяться на восток.",
            "The recipe needs two eggs and a cup of flour.",
        ]
    )
    assert vecs.shape == (3, embedding.DIM)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-3)
    same, other = float(vecs[0] @ vecs[1]), float(vecs[0] @ vecs[2])
    assert same > other + 0.05


def test_embedding_cache_returns_the_same_vector() -> None:
    first = embedding.embed([CLAIM])[0]
    hits = embedding.cache.hits
    again = embedding.embed([CLAIM])[0]
    assert embedding.cache.hits == hits + 1
    assert np.array_equal(first, again)


def test_model_file_covers_every_narrative() -> None:
    model = load_model()
    assert set(model.narratives) == {d.id for d in narratives.load_taxonomy()}
    for m in model.narratives.values():
        # own vector, neighbours' mean, concept indicators for the sentence and its neighbours
        assert m.weights.shape == (2 * embedding.DIM + 2 * len(model.concepts),)
        assert 0.0 < m.with_rule <= m.alone < 1.0
    assert model.stance_weights.shape[0] == 3


def test_tagger_version_names_the_model_file() -> None:
    import hashlib

    digest = hashlib.sha256(MODEL_FILE.read_bytes()).hexdigest()[:8]
    assert f"model.{digest}" in narratives.TAGGER_VERSION


@pytest.mark.parametrize(
    "text",
    ["", "   \n\t", "NATO", "!!!", "\x00\x01NATO\x02", "🙂 NATO 🙂 Russia 🙂"],
)
def test_degenerate_text_gives_a_defined_result(text: str) -> None:
    assert isinstance(tag(text, "en"), list)


@pytest.mark.parametrize("language", [None, "es", "zz", "", "EN-gb", "ru_RU"])
def test_any_language_hint_is_accepted(language: str | None) -> None:
    tags = tag(CLAIM, language)
    assert all(t.evidence for t in tags)


def test_non_text_input_returns_empty() -> None:
    assert tag(None, "en") == []  # type: ignore[arg-type]
    assert tag(b"NATO", "en") == []  # type: ignore[arg-type]


def test_mixed_scripts_keep_offsets_valid() -> None:
    text = (
        "NATO обещало не расширяться на восток, but the alliance moved east anyway. "
        "Die NATO hat ihr Wort gebrochen, sagte Lawrow. L'OTAN a trahi sa promesse."
    )
    for t in tag(text, None):
        for ev in t.evidence:
            assert text[ev.start : ev.end] == ev.text


def test_huge_text_is_bounded_and_offsets_valid() -> None:
    filler = "The committee discussed the budget for the new bridge over the river. " * 40_000
    text = CLAIM + " " + filler + CLAIM  # a claim inside the analysed part and one beyond it
    assert len(text) > MAX_TEXT_CHARS
    t0 = time.process_time()
    tags = tag(text, "en")
    assert time.process_time() - t0 < 30
    for t in tags:
        for ev in t.evidence:
            assert ev.end <= MAX_TEXT_CHARS and text[ev.start : ev.end] == ev.text


def test_text_without_any_anchor_never_reaches_the_model() -> None:
    embedding.cache.clear()
    assert (
        tag("The football club promised its fans a new stadium and then broke the promise.", "en")
        == []
    )
    assert embedding.cache.misses == 0


def test_layers_apart_return_the_same_record_type() -> None:
    for mode in ("rules", "model", "hybrid"):
        for t in tag_with(CLAIM, "en", mode):  # type: ignore[arg-type]
            assert t.stance in ("promotes", "reports", "disputes")
            assert 0.0 <= t.score <= 1.0
