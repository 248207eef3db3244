"""Training helpers that shape what the learned layer is fitted on."""

from __future__ import annotations

import numpy as np

from narratives.matching import analyse
from narratives.taxonomy import compiled
from narratives.training import DIFFUSE_KEEP, Item, narrow_diffuse

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
