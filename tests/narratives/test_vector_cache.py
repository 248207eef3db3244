"""The file of sentence vectors shared by processes: exact vectors, shared across
processes, never a reason for tagging to fail, bounded in size, set by the settings."""

from __future__ import annotations

import logging
import multiprocessing
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from narratives import embedding, tag
from narratives.vector_cache import DiskVectors
from narrmon.pipeline.extract import make_pool
from narrmon.pipeline.tag import TagJob, tag_chunk
from narrmon.settings import load_settings

ANCHORED = (
    "NATO promised Moscow in 1990 that the alliance would not move one inch eastward. "
    "Western leaders broke that promise when they admitted Poland and Hungary."
)


class CountingEncoder:
    """The default encoder, counting the sentences it is asked to embed."""

    def __init__(self, real: embedding.Encoder) -> None:
        self.real = real
        self.sentences = 0

    def passage(self, texts: list[str]) -> embedding.Matrix:
        self.sentences += len(texts)
        return self.real.passage(texts)


@pytest.fixture
def counting(tmp_path: Path) -> Iterator[CountingEncoder]:
    """The default encoder wrapped to count its sentences, a disk cache in ``tmp_path``,
    an empty in-memory cache; all restored afterwards."""
    real = embedding.encoder()
    previous = embedding.disk_cache()
    counter = CountingEncoder(real)
    embedding._encoder = counter  # not set_encoder: that marks a custom encoder (no disk)
    embedding.cache.clear()
    embedding.use_disk_cache(tmp_path / "vectors.sqlite3")
    yield counter
    embedding._encoder = real
    embedding.cache.clear()
    embedding.use_disk_cache(previous.path if previous is not None else None)


def test_a_cached_vector_is_the_encoders_own(tmp_path: Path) -> None:
    sentences = ["NATO expanded eastward after 1990.", "Die NATO ist ein Verteidigungsbündnis."]
    fresh = embedding.encoder().passage(sentences)
    disk = DiskVectors(tmp_path / "v.sqlite3", "enc-a", embedding.DIM)
    disk.put_many(dict(zip(sentences, fresh, strict=True)))
    again = DiskVectors(tmp_path / "v.sqlite3", "enc-a", embedding.DIM).get_many(sentences)
    assert set(again) == set(sentences)
    for s, v in zip(sentences, fresh, strict=True):
        assert np.array_equal(again[s], np.asarray(v, dtype=np.float32))
    # Another encoder's vectors are another's: nothing is found under its name.
    assert DiskVectors(tmp_path / "v.sqlite3", "enc-b", embedding.DIM).get_many(sentences) == {}


def test_tagging_reads_vectors_another_process_left(counting: CountingEncoder) -> None:
    first = tag(ANCHORED, "en")
    encoded = counting.sentences
    assert first and encoded > 0
    embedding.cache.clear()  # a new process: nothing in memory, the file kept
    assert tag(ANCHORED, "en") == first
    assert counting.sentences == encoded  # every vector came from the file
    disk = embedding.disk_cache()
    assert disk is not None and disk.hits >= encoded


def test_workers_of_a_pool_share_the_file(tmp_path: Path) -> None:
    path = tmp_path / "pool-vectors.sqlite3"
    previous = embedding.disk_cache()
    pool = make_pool(2, path)
    try:
        assert pool is not None
        (outcome,) = pool.submit(tag_chunk, [TagJob("a", ANCHORED, "en")]).result(timeout=300)
    finally:
        if pool is not None:
            pool.shutdown()
        embedding.use_disk_cache(previous.path if previous is not None else None)
    assert outcome.error is None and outcome.tags
    with sqlite3.connect(path) as conn:  # written by the worker process
        assert conn.execute("SELECT COUNT(*) FROM vectors").fetchone()[0] > 0


def _put_from_child(path: str, sentence: str) -> None:
    DiskVectors(Path(path), "enc", 4).put_many({sentence: np.arange(4, dtype=np.float32)})


def test_another_process_writes_and_this_one_reads(tmp_path: Path) -> None:
    path = tmp_path / "v.sqlite3"
    here = DiskVectors(path, "enc", 4)
    assert here.get_many(["s"]) == {}  # the connection is open before the child writes
    child = multiprocessing.get_context("spawn").Process(
        target=_put_from_child, args=(str(path), "s")
    )
    child.start()
    child.join(60)
    assert child.exitcode == 0
    assert np.array_equal(here.get_many(["s"])["s"], np.arange(4, dtype=np.float32))


def test_a_broken_file_turns_the_cache_off_not_the_tagger(
    counting: CountingEncoder, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bad = tmp_path / "not-a-database.sqlite3"
    bad.write_bytes(b"this is not SQLite" * 100)
    embedding.use_disk_cache(bad)
    with caplog.at_level(logging.WARNING, logger="narratives.vector_cache"):
        tags = tag(ANCHORED, "en")
        embedding.cache.clear()
        assert tag(ANCHORED, "en") == tags  # encoded again, same answer
    assert tags
    warnings = [r for r in caplog.records if "turned off" in r.getMessage()]
    assert len(warnings) == 1, caplog.text


def test_the_file_keeps_at_most_its_row_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("narratives.vector_cache.PRUNE_EVERY", 10)
    disk = DiskVectors(tmp_path / "v.sqlite3", "enc", 4, max_rows=50)
    for batch in range(10):
        disk.put_many({f"s{batch}-{i}": np.full(4, i, dtype=np.float32) for i in range(10)})
    with sqlite3.connect(tmp_path / "v.sqlite3") as conn:
        rows = conn.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
    assert 45 <= rows <= 50 + 10  # pruned back to 90 % of the budget at each check
    # The newest are kept, the oldest dropped.
    assert set(disk.get_many(["s9-0", "s0-0"])) == {"s9-0"}


def test_settings_name_the_file(tmp_path: Path) -> None:
    env = {"NARRMON_DATA_DIR": str(tmp_path)}
    assert load_settings(env).vector_cache == tmp_path / "cache" / "sentence-vectors.sqlite3"
    assert load_settings(env | {"NARRMON_VECTOR_CACHE": "off"}).vector_cache is None
    chosen = tmp_path / "elsewhere.sqlite3"
    assert load_settings(env | {"NARRMON_VECTOR_CACHE": str(chosen)}).vector_cache == chosen
