"""The same-story policy on its hard cases, and the held-out corpus targets (issue 14)."""

from __future__ import annotations

import random

import numpy as np

from bench.dedup_quality import HELD_OUT_SEED, cluster_minhash
from bench.story_corpus import (
    _facts,
    follow_up,
    generate,
    independent_report,
    pair_scores,
    syndicated_copy,
    updated_version,
    wire_story,
)
from models.story_match import NUM_PERM, SEED, fingerprint, same_story, shingles, signature
from tests.stories.syndication_sites import OUTLETS, WIRE

# German rendering of the wire story's first three paragraphs (written for this test).
TRANSLATION = (
    "Schweden ist am Donnerstag offiziell das 32. Mitglied der Nordatlantikpakt-Organisation "
    "geworden, als Ministerpräsident Ulf Kristersson die Beitrittsurkunde in Washington den "
    "Vereinigten Staaten übergab und damit zwei Jahrhunderte militärischer Bündnisfreiheit "
    "beendete. Die Zeremonie im Außenministerium folgte auf eine Abstimmung im ungarischen "
    "Parlament in der vergangenen Woche, mit der nach fast zwei Jahren Verzögerung das "
    "letzte Hindernis beseitigt wurde. Kristersson sagte, Schweden werde seinen Teil der "
    "Last tragen und die Streitkräfte würden die Verteidigung der Ostseeregion stärken."
)


def _story(seed: int) -> tuple[random.Random, dict[str, str], list[str]]:
    rng = random.Random(seed)
    facts = _facts(rng)
    return rng, facts, wire_story(rng, facts)


def test_copies_with_edits_and_updates_are_the_same_story() -> None:
    for seed in range(20):
        rng, facts, paras = _story(seed)
        wire = fingerprint("\n\n".join(paras))
        assert same_story(wire, fingerprint(syndicated_copy(rng, paras, facts)))
        # An update of the wire story with paragraphs added: the same story.
        assert same_story(wire, fingerprint(updated_version(rng, paras, facts)))


def test_follow_ups_and_independent_reports_are_different_stories() -> None:
    for seed in range(20):
        rng, facts, paras = _story(seed)
        wire = fingerprint("\n\n".join(paras))
        # A follow-up reuses the background paragraph word for word: still a new story.
        assert not same_story(wire, fingerprint(follow_up(rng, paras, facts)))
        # Same people, places and numbers in the reporter's own words: a different story.
        assert not same_story(wire, fingerprint(independent_report(rng, facts)))


def test_translation_is_a_different_story() -> None:
    # Out of scope: a translation shares no word shingles, so it is a story of its own.
    assert not same_story(fingerprint(" ".join(WIRE[:3])), fingerprint(TRANSLATION))


def test_fixture_outlets_follow_the_policy() -> None:
    texts = {o: " ".join(spec["paragraphs"]) for o, spec in OUTLETS.items()}
    own = {o: " ".join(spec["own"]) for o, spec in OUTLETS.items()}
    outlets = list(OUTLETS)
    for a in outlets:
        for b in outlets:
            assert same_story(fingerprint(texts[a]), fingerprint(texts[b]))
            assert not same_story(fingerprint(texts[a]), fingerprint(own[b]))
            assert (a == b) == same_story(fingerprint(own[a]), fingerprint(own[b]))


def test_held_out_pair_precision_and_recall_meet_the_targets() -> None:
    docs = generate(HELD_OUT_SEED)
    assert len({d.story for d in docs if d.kind == "wire"}) >= 150
    precision, recall = pair_scores(docs, cluster_minhash(docs))
    assert precision >= 0.99 and recall >= 0.95


def test_signatures_are_datasketch_minhashes() -> None:
    """The workers' numpy MinHash equals datasketch's affine32 MinHash bit for bit."""
    from datasketch import MinHash

    for doc in generate(HELD_OUT_SEED, stories=20):
        sh = shingles(doc.text)
        reference = MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32")
        reference.update_batch([s.encode("utf-8") for s in sh])
        assert np.array_equal(signature(sh), reference.hashvalues)
    assert set(signature(set())) == {2**32 - 1}  # an empty set: datasketch's empty sketch
