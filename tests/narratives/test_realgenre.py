"""Issue-13 targets on the held-out test part of the real-genre passages, and the set itself.

Same evaluation code as ``bench/tagging.py``. The test part is never used to train or tune
(``narratives.training`` reads the dev part only); figures are in docs/BENCHMARKS.md.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import yaml

from narratives import load_taxonomy, tag
from narratives.evaluation import Report, evaluate, from_passages
from narratives.passages import PASSAGES, Passage, load, split_of

ROOT = Path(__file__).resolve().parents[2]
REALTEXT = ROOT.parent / "shared" / "realtext"


@pytest.fixture(scope="module")
def passages() -> list[Passage]:
    return load()


@pytest.fixture(scope="module")
def report() -> Report:
    return evaluate(from_passages(load(split="test")), tag, [d.id for d in load_taxonomy()])


# --- the labelled set ---------------------------------------------------------------


def test_set_size_languages_and_distractors(passages: list[Passage]) -> None:
    assert len(passages) >= 400
    langs = Counter(p.language for p in passages)
    assert set(langs) == {"en", "ru", "uk", "de", "fr"}
    distractors = [p for p in passages if not p.labels]
    hard = [p for p in distractors if p.hard]
    assert len(hard) >= len(passages) / 3, (len(hard), len(passages))
    # every narrative has held-out support to be measured on
    test_support = Counter(label.id for p in passages if p.split == "test" for label in p.labels)
    assert all(test_support[d.id] >= 8 for d in load_taxonomy()), test_support


def test_every_label_has_a_stance_and_evidence(passages: list[Passage]) -> None:
    for p in passages:
        for label in p.labels:
            assert label.stance in ("promotes", "reports", "disputes")
            assert label.evidence and all(0 <= s < e <= len(p.text) for s, e in label.evidence)


def test_split_is_the_documented_id_hash() -> None:
    assert split_of("en-wire-001") in ("dev", "test")
    ids = [p.id for p in load()]
    share = sum(split_of(i) == "test" for i in ids) / len(ids)
    assert 0.3 < share < 0.5


def test_references_store_no_third_party_text() -> None:
    for path in sorted(PASSAGES.glob("*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")):
            if "ref" in item:
                assert "text" not in item, item["id"]
                assert all("evidence" not in label for label in item.get("labels") or [])


def test_reference_offsets_resolve_into_the_licensed_documents(passages: list[Passage]) -> None:
    with (REALTEXT / "kremlin-en" / "documents.jsonl").open(encoding="utf-8") as fh:
        docs = {d["url"]: d["text"] for d in map(json.loads, fh)}
    refs = [p for p in passages if p.source == "kremlin-en"]
    assert refs
    for p in refs:
        assert p.text in docs.values() or any(p.text in d for d in docs.values())


# --- issue-13 targets on the held-out test part -------------------------------------


# Targets the tagger reaches on the held-out test part (docs/BENCHMARKS.md).


@pytest.mark.bench
def test_relevance_precision(report: Report) -> None:
    assert report.relevance.precision >= 0.95, round(report.relevance.precision, 3)


@pytest.mark.bench
def test_distractors(report: Report) -> None:
    assert report.distractor_rate <= 0.05, (report.distractors_tagged, report.distractors)


@pytest.mark.bench
def test_stance_agreement(report: Report) -> None:
    assert report.stance_agreement >= 0.80, round(report.stance_agreement, 3)


@pytest.mark.bench
def test_every_evidence_offset_valid(report: Report) -> None:
    assert report.tags and report.tags_with_valid_evidence == report.tags


# Targets not reached (figures of the shipped model in the reasons); each strict xfail turns
# into a failure the day the target is met, so the reason cannot go stale unnoticed.
MISSED = "issue 13 target not reached by tagger v2 (held-out test part, 652 passages): "


@pytest.mark.bench
@pytest.mark.xfail(strict=True, reason=MISSED + "micro-F1 0.690; target 0.85")
def test_micro_f1(report: Report) -> None:
    assert report.micro.f1 >= 0.85, round(report.micro.f1, 3)


@pytest.mark.bench
@pytest.mark.xfail(
    strict=True,
    reason=MISSED + "encirclement 0.63, rejected-partnership 0.71, ukraine-proxy 0.65, "
    "nato-provoked-war 0.66, sovereign-choice 0.61, aggression-drives-enlargement 0.65 "
    "below 0.75",
)
def test_every_narrative_f1(report: Report) -> None:
    low = {n: round(c.f1, 3) for n, c in report.per_narrative.items() if c.f1 < 0.75}
    assert not low


@pytest.mark.bench
@pytest.mark.xfail(strict=True, reason=MISSED + "non-English micro-F1 0.733; target 0.80")
def test_non_english_micro_f1(report: Report) -> None:
    assert report.non_english.f1 >= 0.80, round(report.non_english.f1, 3)


@pytest.mark.bench
@pytest.mark.xfail(strict=True, reason=MISSED + "relevance recall 0.671; target 0.90")
def test_relevance_recall(report: Report) -> None:
    assert report.relevance.recall >= 0.90, round(report.relevance.recall, 3)


@pytest.mark.bench
def test_no_regression_below_the_shipped_figures(report: Report) -> None:
    """Floors just under what the shipped model measures: a worse model fails here.

    Re-set on the 652-passage test part (192 more written passages and 173 more Kremlin
    references, 2026-12-05). The previous model scores micro-F1 0.697 and relevance recall
    0.694 on it; the shipped one trades recall for precision (docs/decisions.md). With the
    tuned encoder layers (2026-12-06): micro-F1 0.690, non-English 0.733, relevance P 0.978
    and R 0.671, lowest narrative 0.612; recall and lowest-narrative floors raised to match.
    """
    assert report.micro.f1 >= 0.68
    assert report.non_english.f1 >= 0.72
    assert report.relevance.precision >= 0.95
    assert report.relevance.recall >= 0.64
    assert report.distractor_rate <= 0.05
    assert min(c.f1 for c in report.per_narrative.values()) >= 0.60
