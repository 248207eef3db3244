"""The learned layer: per-narrative sentence classifiers and a stance classifier.

Each candidate sentence is embedded (``narratives.embedding``) and described by its own
vector and the mean vector of its neighbours (a claim and its NATO mention are often one
sentence apart). Per narrative, a logistic regression trained on the labelled development
passages gives the probability that the sentence carries it; a second, multinomial
regression over the same vector plus the claim features (attribution, rebuttal cues, side)
gives the stance. Weights live in ``semantic_model.json`` beside this module, written by
``python -m narratives.training`` from the dev part only.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from narratives import embedding

MODEL_FILE = Path(__file__).resolve().parent / "semantic_model.json"
STANCES = ("promotes", "reports", "disputes")
Vector = NDArray[np.float32]


@dataclass(frozen=True)
class NarrativeModel:
    """A narrative's sentence classifier and its decision thresholds (tuned on dev)."""

    weights: Vector
    bias: float
    calib_a: float  # Platt scaling of the sentence logit to a passage-level probability
    calib_b: float
    alone: float  # the model fires by itself at or above this probability
    with_rule: float  # a rule hit is kept when the model gives at least this


@dataclass(frozen=True)
class SemanticModel:
    """All trained weights, with the version string stored on every tagged article."""

    version: str
    narratives: dict[str, NarrativeModel]
    stance_weights: NDArray[np.float32]  # (3, features)
    stance_bias: NDArray[np.float32]  # (3,)
    stance_features: tuple[str, ...]  # names of the claim features after the vector
    concepts: tuple[str, ...]  # rule-layer concepts used as indicator features
    relevance_weights: NDArray[np.float32]  # the relevance gate over relevance_input()
    relevance_bias: float
    relevance_threshold: float  # below it a text carries no narrative at all

    def narrative_logits(self, x: NDArray[np.float32]) -> dict[str, NDArray[np.float32]]:
        """Per narrative, the raw classifier score of each row of ``x`` (sentences x features)."""
        return {
            nid: (x @ m.weights + m.bias).astype(np.float32) for nid, m in self.narratives.items()
        }

    def narrative_probabilities(self, x: NDArray[np.float32]) -> dict[str, NDArray[np.float32]]:
        """Per narrative, the calibrated probability for each row of ``x``."""
        return self.calibrated(self.narrative_logits(x))

    def calibrated(self, logits: dict[str, NDArray[np.float32]]) -> dict[str, NDArray[np.float32]]:
        """Platt-scaled probabilities from raw scores."""
        return {
            nid: _sigmoid(self.narratives[nid].calib_a * z + self.narratives[nid].calib_b)
            for nid, z in logits.items()
        }

    def relevant(self, logits: dict[str, NDArray[np.float32]], own: NDArray[np.float32]) -> bool:
        """The relevance gate: does the text carry any narrative at all?"""
        z = float(relevance_input(logits, self.calibrated(logits), own) @ self.relevance_weights)
        return float(_sigmoid(np.asarray(z + self.relevance_bias))) >= self.relevance_threshold

    def stance_probabilities(
        self, x: NDArray[np.float32], claims: NDArray[np.float32]
    ) -> NDArray[np.float32]:
        """Stance probabilities (promotes, reports, disputes) for each row."""
        z = stance_input(x, claims) @ self.stance_weights.T + self.stance_bias
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        result: NDArray[np.float32] = (e / e.sum(axis=1, keepdims=True)).astype(np.float32)
        return result


def relevance_input(
    logits: dict[str, NDArray[np.float32]],
    probs: dict[str, NDArray[np.float32]],
    own: NDArray[np.float32],
) -> NDArray[np.float32]:
    """Relevance-gate features of one text: each narrative's best raw score, the best
    calibrated probability, and the max- and mean-pooled vectors of the model's sentences."""
    best = np.asarray([float(z.max()) if len(z) else -30.0 for z in logits.values()])
    top = max((float(p.max()) for p in probs.values() if len(p)), default=0.0)
    pooled = own.max(axis=0) if len(own) else np.zeros(embedding.DIM, dtype=np.float32)
    mean = own.mean(axis=0) if len(own) else np.zeros(embedding.DIM, dtype=np.float32)
    return np.hstack([best, [top], pooled, mean]).astype(np.float32)


def stance_input(x: NDArray[np.float32], claims: NDArray[np.float32]) -> NDArray[np.float32]:
    """Stance features: the evidence's own vector and claim features, and both again signed
    by the narrative's side (+1 Kremlin, -1 counter).

    The sign lets a linear model flip with the side: a text in the Kremlin's voice promotes
    a Kremlin narrative and disputes a counter-narrative it carries, and vice versa.
    """
    own = x[:, : embedding.DIM]
    sign = (claims[:, :1] * 2.0 - 1.0).astype(np.float32)  # claims[0] is kremlin_side
    return np.hstack([own, claims, sign * own, sign * claims]).astype(np.float32)


def _sigmoid(z: NDArray[Any]) -> NDArray[np.float32]:
    result: NDArray[np.float32] = (1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))).astype(np.float32)
    return result


def features(
    vectors: NDArray[np.float32],
    present: list[bool],
    concepts: list[set[str]],
    names: tuple[str, ...],
) -> NDArray[np.float32]:
    """Sentence features: own vector, the neighbours' mean vector, and concept indicators.

    ``vectors`` has a row per sentence of the text (zeros where not embedded); ``present``
    says which rows were embedded. ``concepts`` are the rule layer's concepts per sentence;
    ``names`` fixes which concepts become indicator columns (own sentence, then either
    neighbour), so the classifier can weigh lexical cues together with meaning.
    """
    n = len(present)
    ctx = np.zeros_like(vectors)
    for i in range(n):
        near = [j for j in (i - 1, i + 1) if 0 <= j < n and present[j]]
        if near:
            ctx[i] = vectors[near].mean(axis=0)
    col = {name: k for k, name in enumerate(names)}
    own = np.zeros((n, len(names)), dtype=np.float32)
    nb = np.zeros((n, len(names)), dtype=np.float32)
    for i, found in enumerate(concepts):
        for c in found:
            k = col.get(c)
            if k is not None:
                own[i, k] = 1.0
                if i > 0:
                    nb[i - 1, k] = 1.0
                if i + 1 < n:
                    nb[i + 1, k] = 1.0
    return np.hstack([vectors, ctx, own, nb]).astype(np.float32)


@cache
def load_model(path: Path = MODEL_FILE) -> SemanticModel:
    """The trained model shipped with the package (cached per process)."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    narratives = {
        nid: NarrativeModel(
            weights=np.asarray(m["weights"], dtype=np.float32),
            bias=float(m["bias"]),
            calib_a=float(m["calib_a"]),
            calib_b=float(m["calib_b"]),
            alone=float(m["alone"]),
            with_rule=float(m["with_rule"]),
        )
        for nid, m in raw["narratives"].items()
    }
    st = raw["stance"]
    return SemanticModel(
        version=f"{raw['name']}-{digest}",
        narratives=narratives,
        stance_weights=np.asarray(st["weights"], dtype=np.float32),
        stance_bias=np.asarray(st["bias"], dtype=np.float32),
        stance_features=tuple(st["features"]),
        concepts=tuple(raw["concepts"]),
        relevance_weights=np.asarray(raw["relevance"]["weights"], dtype=np.float32),
        relevance_bias=float(raw["relevance"]["bias"]),
        relevance_threshold=float(raw["relevance"]["threshold"]),
    )


def embed_sentences(
    text: str,
    spans: list[tuple[int, int]],
    concepts: list[set[str]],
    chosen: list[int],
    names: tuple[str, ...],
) -> NDArray[np.float32]:
    """Feature rows for every sentence of ``text``; only ``chosen`` ones are embedded."""
    vectors = np.zeros((len(spans), embedding.DIM), dtype=np.float32)
    if chosen:
        got = embedding.embed([text[spans[i][0] : spans[i][1]] for i in chosen])
        vectors[chosen] = got
    present = [False] * len(spans)
    for i in chosen:
        present[i] = True
    return features(vectors, present, concepts, names)
