"""The labelled corpus: size, composition and fixed split (evidence over every article:
test_targets.py)."""

from __future__ import annotations

import collections
import hashlib
from pathlib import Path

import pytest

from narratives import load_taxonomy
from narratives.evaluation import LabelledArticle, load_corpus

CORPUS = Path(__file__).resolve().parent / "corpus"
IDS = {d.id for d in load_taxonomy()}


@pytest.fixture(scope="module")
def dev() -> list[LabelledArticle]:
    return load_corpus(CORPUS, "dev")


@pytest.fixture(scope="module")
def test_half() -> list[LabelledArticle]:
    return load_corpus(CORPUS, "test")


@pytest.fixture(scope="module")
def everything(
    dev: list[LabelledArticle], test_half: list[LabelledArticle]
) -> list[LabelledArticle]:
    return dev + test_half


def test_corpus_size_and_composition(everything: list[LabelledArticle]) -> None:
    langs = collections.Counter(a.language for a in everything)
    assert len(everything) >= 120
    assert langs["ru"] + langs["uk"] >= 15
    assert langs["de"] + langs["fr"] >= 10
    assert sum(a.distractor for a in everything) >= 30
    assert set(langs) == {"en", "ru", "uk", "de", "fr"}
    genres = {a.genre for a in everything}
    assert {
        "wire",
        "op-ed",
        "fact-check",
        "academic",
        "explainer",
        "interview",
        "live-blog",
        "brief",
    } <= genres


def test_labels_use_taxonomy_ids(everything: list[LabelledArticle]) -> None:
    for a in everything:
        assert a.narratives <= IDS, a.id
        # a denial of a binding pledge always carries the claim it rebuts
        if "no-binding-pledge" in a.narratives:
            assert "broken-promise" in a.narratives, a.id


def test_every_narrative_in_both_halves(
    dev: list[LabelledArticle], test_half: list[LabelledArticle]
) -> None:
    for half in (dev, test_half):
        counts = collections.Counter(n for a in half for n in a.narratives)
        assert set(counts) == IDS
        assert min(counts.values()) >= 5


def test_split_is_the_fixed_rule(
    dev: list[LabelledArticle], test_half: list[LabelledArticle]
) -> None:
    """Group by (language, distractor), sort by id, alternate dev/test."""
    assert not {a.id for a in dev} & {a.id for a in test_half}
    groups: dict[tuple[str, bool], list[tuple[str, str]]] = collections.defaultdict(list)
    for split, half in (("dev", dev), ("test", test_half)):
        for a in half:
            groups[(a.language, a.distractor)].append((a.id, split))
    for members in groups.values():
        for k, (_, split) in enumerate(sorted(members)):
            assert split == ("dev" if k % 2 == 0 else "test")


def test_test_half_unchanged_since_freeze() -> None:
    """The test half is byte-identical to the checksums recorded in corpus/README.md."""
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    for path in sorted((CORPUS / "test").glob("*.yaml")):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert f"{digest}  test/{path.name}" in readme, path.name
