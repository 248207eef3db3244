"""Training helpers that shape what the learned layer is fitted on."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from narratives import embedding
from narratives.matching import analyse
from narratives.taxonomy import compiled
from narratives.training import DIFFUSE_KEEP, Item, choose_gate, embed_items, narrow_diffuse

FEATURES = 16
SENTENCES = 5


def _item(k: int, carrying: int | None, whole: bool, rng: np.random.Generator) -> Item:
    """A five-sentence item; sentence ``carrying`` points along the first feature axis."""
    text = " ".join(f"Sentence number {i} of item {k} is here." for i in range(SENTENCES))
    analysis = analyse(text, "en", compiled())
    assert len(analysis.spans) == SENTENCES
    x = rng.normal(0.0, 0.3, size=(SENTENCES, FEATURES)).astype(np.float32)
    item = Item(f"i{k}", "en", text, analysis, frozenset({"n"} if carrying is not None else ()))
    if carrying is not None:
        x[carrying, 0] += 3.0
        item.positives["n"] = tuple(range(SENTENCES)) if whole else (carrying,)
    item.x = x
    return item


def test_whole_passage_labels_keep_the_sentences_the_model_ranks_highest() -> None:
    rng = np.random.default_rng(0)
    # plenty of precisely labelled items teach the direction; a few are labelled as a whole
    items = [_item(k, k % SENTENCES if k % 2 else None, whole=False, rng=rng) for k in range(60)]
    whole = [_item(100 + k, (k * 2) % SENTENCES, whole=True, rng=rng) for k in range(5)]
    items += whole
    changed = narrow_diffuse(items, ["n"], c=1.0)
    assert changed == len(whole)
    for k, it in enumerate(whole):
        carrying = (k * 2) % SENTENCES
        assert len(it.positives["n"]) == DIFFUSE_KEEP
        assert carrying in it.positives["n"], (it.positives, carrying)
    # precise labels are left alone
    assert all(len(it.positives.get("n", ())) <= 1 for it in items[:60])


def _fig(f1: float, distractors: float) -> dict[str, float]:
    return {"micro_f1": f1, "distractor_rate": distractors}


def test_gate_threshold_prefers_fewer_distractors_when_f1_is_tied() -> None:
    figs = [
        (0.0, _fig(0.720, 0.080)),  # best F1, over the budget
        (0.3, _fig(0.712, 0.048)),  # best F1 inside the budget, at its edge
        (0.4, _fig(0.710, 0.041)),  # tied within half a point, fewer distractors
        (0.5, _fig(0.709, 0.041)),
        (0.9, _fig(0.650, 0.010)),  # far fewer distractors, but F1 clearly lower
    ]
    assert choose_gate(figs) == 0.4


def test_gate_threshold_without_any_inside_the_budget_takes_the_fewest_distractors() -> None:
    figs = [(0.0, _fig(0.7, 0.09)), (0.5, _fig(0.6, 0.07)), (0.9, _fig(0.5, 0.07))]
    assert choose_gate(figs) == 0.5


def test_cross_fitted_vectors_replace_the_encoders_and_are_required(tmp_path) -> None:
    """`make train-tagger` fits on the vectors of the encoder that never saw a sentence's
    fold: they are used as given, never written back, and a missing file stops training."""
    rng = np.random.default_rng(1)
    item = _item(0, None, whole=False, rng=rng)
    item.x = None
    sentences = [item.text[s:e] for s, e in item.analysis.spans]
    keys = [" ".join(s[: embedding.MAX_CHARS].split()) for s in sentences]
    vecs = rng.normal(size=(len(keys), embedding.DIM)).astype(np.float32)
    path = tmp_path / "crossfit.pkl"
    path.write_bytes(pickle.dumps(dict(zip(keys, vecs, strict=True))))
    before = path.read_bytes()
    embedding.cache.clear()
    try:
        embed_items([item], tmp_path / "cache.pkl", crossfit=path)
        assert item.x is not None
        assert np.array_equal(item.x[:, : embedding.DIM], vecs)
        assert path.read_bytes() == before and not (tmp_path / "cache.pkl").exists()
        with pytest.raises(SystemExit, match="make train-encoder"):
            embed_items([item], None, crossfit=tmp_path / "missing.pkl")
    finally:
        embedding.cache.clear()
