"""Near-duplicate signatures and the same-story rule (pure functions, no database).

A text becomes a set of word 4-shingles; a MinHash of 48 permutations (datasketch's
affine32 scheme, see :func:`signature`) sketches the set, and its signature is cut into
LSH bands (16 bands of 3 rows). Each band becomes one 64-bit key: two texts share a key
when their MinHashes agree on a whole band, which happens with probability
1 - (1 - J^3)^16 for shingle Jaccard J. Candidates found by key are then checked on the
exact shingle sets (hashed, :func:`fingerprint`) with :func:`same_story`: the rule that
decides, so the LSH only has to find, not judge.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import numpy as np

# Words per shingle: 4-word shingles are shared by copies of one text but rarely by two
# texts that only share names, places and numbers (measured on bench/story_corpus.py).
SHINGLE_WORDS = 4
# 16 bands of 3 rows: recall 0.88 per pair at shingle Jaccard 0.5 and 0.99 at 0.65 (a copy
# only has to reach one earlier copy), a chance candidate 1.6% at Jaccard 0.1 (reports
# sharing names and numbers). On bench/story_corpus.py 16x4 lost recall (0.968) and 32x3
# or 21x3 gained < 0.3% for 2x or 1.3x the stored keys (docs/bench/dedup-quality.md).
BANDS = 16
ROWS = 3
# Permutations of the MinHash: one per row of every band.
NUM_PERM = BANDS * ROWS
# Fixed seed of the MinHash permutations: keys stay comparable across runs and machines.
SEED = 14
# Syndicated copies appear within days of each other; a window keeps the lookup small.
WINDOW_DAYS = 7
# Below this many words a text has too few shingles to tell copies from reports.
MIN_WORDS = 50
# Same story when this share of the shorter text's shingles is in the other text: copies
# with a trimmed, added or rewritten paragraph measured 0.70-1.0; independent reports and
# follow-ups that reuse a background paragraph at most 0.40 (bench/story_corpus.py, seed 1).
MIN_CONTAINMENT = 0.5

_WORD = re.compile(r"\w+", re.UNICODE)
# Agency prefixes and datelines ("(Reuters) -", "MOSCOW, March 7 (TASS) -") at the start.
_DATELINE = re.compile(
    r"^\s*(?:[A-Z][A-Z .'-]+,?\s+)?(?:[A-Z][a-z]+\.?\s+\d{1,2}\s*)?"
    r"(?:\([^)]{1,40}\))?\s*[-\u2013\u2014]\s+"
)


def shingles(text: str) -> set[str]:
    """The word 4-shingles of ``text`` (lower case, punctuation and dateline dropped)."""
    words = _WORD.findall(_DATELINE.sub("", text, count=1).lower())
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


# The MinHash is datasketch 2.0.0's "affine32" scheme (sha1_hash32 of each shingle, the
# MurmurHash3 finalizer, then h -> a*h + b mod 2^32 with odd a), computed here in numpy so
# that the extraction workers need not import datasketch: its package imports scipy and
# redis (+64 MB and seconds per process, measured). tests/stories/test_story_policy.py
# checks that the signatures equal datasketch.MinHash(num_perm, seed=SEED,
# scheme="affine32") bit for bit.
_FMIX32 = (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16)


@lru_cache(maxsize=4)
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 permutation parameters for ``num_perm`` and SEED."""
    gen = np.random.RandomState(SEED)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


# Multipliers of the rolling shingle hash (odd 64-bit constants; products wrap mod 2^64).
_ROLL = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5],
    dtype=np.uint64,
)


def fingerprint(text: str) -> np.ndarray:
    """The text's word 4-shingles as sorted unique 64-bit hashes, for the same-story check.

    Built on Python's ``hash`` of each word, which differs between processes: compare
    fingerprints made in one process, never store them (the stored keys use MinHash).
    """
    words = _WORD.findall(_DATELINE.sub("", text, count=1).lower())
    hashed = np.fromiter(map(hash, words), dtype=np.int64, count=len(words)).view(np.uint64)
    n = len(hashed) - SHINGLE_WORDS + 1
    if n <= 0:
        return np.unique(hashed)
    rolled = np.zeros(n, dtype=np.uint64)
    for i in range(SHINGLE_WORDS):
        rolled += hashed[i : i + n] * _ROLL[i]
    return np.unique(rolled)


def _sha1_hash32(data: bytes) -> int:
    return int.from_bytes(hashlib.sha1(data).digest()[:4], "little")


def signature(shingle_set: set[str], num_perm: int = NUM_PERM) -> np.ndarray:
    """The MinHash signature (``num_perm`` unsigned 32-bit values) of a shingle set."""
    if not shingle_set:
        return np.full(num_perm, (1 << 32) - 1, dtype=np.uint32)
    hv = np.fromiter(
        (_sha1_hash32(s.encode("utf-8")) for s in shingle_set),
        dtype=np.uint32,
        count=len(shingle_set),
    ).reshape(-1, 1)
    s1, m1, s2, m2, s3 = (np.uint32(c) for c in _FMIX32)
    hv = hv ^ (hv >> s1)
    hv = hv * m1
    hv = hv ^ (hv >> s2)
    hv = hv * m2
    hv = hv ^ (hv >> s3)
    a, b = _permutations(num_perm)
    minima: np.ndarray = (hv * a + b).min(axis=0)
    return minima


def _signed64(digest: bytes) -> int:
    return int.from_bytes(digest, "big", signed=True)


def band_keys(hashvalues: np.ndarray, bands: int = BANDS, rows: int = ROWS) -> tuple[int, ...]:
    """One signed 64-bit key per LSH band (the band number is part of the key)."""
    values = np.asarray(hashvalues, dtype=np.uint64)
    return tuple(
        _signed64(
            hashlib.blake2b(
                bytes([band]) + values[band * rows : (band + 1) * rows].tobytes(), digest_size=8
            ).digest()
        )
        for band in range(bands)
    )


def story_keys(text: str) -> tuple[int, ...]:
    """The LSH keys of an article text; empty for a text under MIN_WORDS words."""
    if len(text.split()) < MIN_WORDS:
        return ()
    return band_keys(signature(shingles(text)))


@dataclass(frozen=True, slots=True)
class Resemblance:
    """How much two shingle sets overlap."""

    jaccard: float
    containment: float  # of the smaller set in the larger one


def resemblance(a: np.ndarray, b: np.ndarray) -> Resemblance:
    """Jaccard and containment of two fingerprints (:func:`fingerprint`)."""
    if not len(a) or not len(b):
        return Resemblance(0.0, 0.0)
    common = len(np.intersect1d(a, b, assume_unique=True))
    return Resemblance(common / (len(a) + len(b) - common), common / min(len(a), len(b)))


def same_story(a: np.ndarray, b: np.ndarray) -> bool:
    """The rule: one text is a copy (trimmed, extended, reworded) of the other.

    Policy (docs/decisions.md, issue 14): copies of a wire story across or within outlets
    and an update that adds paragraphs are the same story; a follow-up, an independent
    report of the same event and a translation are different stories.
    """
    return resemblance(a, b).containment >= MIN_CONTAINMENT


def best_candidate(
    probe: np.ndarray, candidates: Sequence[tuple[int, str, np.ndarray]]
) -> tuple[int, str] | None:
    """The candidate ``(order, story id, fingerprint)`` the probe copies, as (order, story).

    The most contained candidate wins, then the most similar (Jaccard), then the
    earliest (lowest order); None when no candidate passes :func:`same_story`.
    """
    best: tuple[float, float, int, str] | None = None
    for order, story, other in candidates:
        r = resemblance(probe, other)
        rank = (-r.containment, -r.jaccard, order, story)
        if r.containment >= MIN_CONTAINMENT and (best is None or rank < best):
            best = rank
    return None if best is None else (best[2], best[3])


def best_match(probe: np.ndarray, candidates: Sequence[tuple[int, str, np.ndarray]]) -> str | None:
    """The story of :func:`best_candidate`, or None."""
    found = best_candidate(probe, candidates)
    return None if found is None else found[1]


@dataclass(frozen=True, slots=True)
class Indexed:
    """An article already clustered: its order (id), story, day and text."""

    order: int
    story: str
    day: date
    text: str


class BatchIndex:
    """The in-memory twin of the database lookup: LSH keys of articles clustered so far.

    The load path uses it for copies within one batch; the evaluation corpus uses it to
    measure the rule without a database. Fingerprints are computed only for candidates.
    """

    def __init__(self, window_days: int = WINDOW_DAYS) -> None:
        self.window = timedelta(days=window_days)
        self._by_key: dict[int, list[Indexed]] = {}
        self._prints: dict[int, np.ndarray] = {}

    def fingerprint_of(self, item: Indexed) -> np.ndarray:
        """The (cached) fingerprint of an indexed article."""
        if item.order not in self._prints:
            self._prints[item.order] = fingerprint(item.text)
        return self._prints[item.order]

    def match(self, text: str, keys: Sequence[int], day: date) -> str | None:
        """The story of an indexed article within the window that ``text`` copies."""
        found: dict[int, Indexed] = {}
        for key in keys:
            for item in self._by_key.get(key, ()):
                if abs(item.day - day) <= self.window:
                    found[item.order] = item
        if not found:
            return None
        probe = fingerprint(text)
        options = [(i.order, i.story, self.fingerprint_of(i)) for i in found.values()]
        return best_match(probe, options)

    def add(self, item: Indexed, keys: Sequence[int]) -> None:
        """Index an article under its LSH keys."""
        for key in keys:
            self._by_key.setdefault(key, []).append(item)
