"""Sentence vectors kept on disk, shared by every process of one machine (SQLite).

Each Airflow task, `narrmon` command and extraction worker is a process with a cold
in-memory cache; syndicated copies, feeds re-listing an article and `narrmon retag` meet
the same sentences again. The encoder is the costly step of tagging (~35 ms a sentence),
so vectors computed by one process are kept here for the others.

The file holds no text: a row is a digest of (encoder, sentence) and the float32 vector,
exactly as the encoder returned it, so a cached vector tags like a fresh one. Any error
(a read-only or corrupt file, a full disk) turns the cache off for the process with one
warning; tagging never fails because of it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

log = logging.getLogger(__name__)

Matrix = NDArray[np.float32]

# Rows kept: 100,000 vectors of 384 float32 are ~165 MB on disk, about three days of
# anchored sentences at 5,000 anchored articles a day (the window a retag or a syndicated
# copy most often reaches back into). Beyond it the oldest tenth is dropped.
MAX_ROWS = 100_000
# Inserts between two checks of the row count (a COUNT over the table is a full scan).
PRUNE_EVERY = 2_000
# How long a writer waits for another process's transaction (ms); then the batch is skipped.
BUSY_TIMEOUT_MS = 5_000
# Variables per query: SQLite's default limit is 32,766; batches are far smaller.
MAX_KEYS_PER_QUERY = 500


def _digest(encoder_id: str, sentence: str) -> bytes:
    return hashlib.blake2b(f"{encoder_id}\0{sentence}".encode(), digest_size=16).digest()


class DiskVectors:
    """A file of sentence vectors for one encoder (``encoder_id`` names the model)."""

    def __init__(self, path: Path, encoder_id: str, dim: int, max_rows: int = MAX_ROWS) -> None:
        self.path = path
        self.encoder_id = encoder_id
        self.dim = dim
        self.max_rows = max_rows
        self.hits = 0
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        self._inserted = 0
        self._broken = False

    def _connection(self) -> sqlite3.Connection:
        # Per process: a connection inherited across fork is not safe to use.
        if self._conn is None or self._pid != os.getpid():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vec BLOB NOT NULL)"
            )
            conn.commit()
            self._conn, self._pid = conn, os.getpid()
        return self._conn

    def _fail(self, exc: Exception) -> None:
        self._broken = True
        log.warning("sentence-vector cache %s turned off for this process: %s", self.path, exc)

    def get_many(self, sentences: Sequence[str]) -> dict[str, Matrix]:
        """The cached vectors of those ``sentences`` that have one."""
        if self._broken or not sentences:
            return {}
        by_key = {_digest(self.encoder_id, s): s for s in sentences}
        keys = list(by_key)
        found: dict[str, Matrix] = {}
        with self._lock:
            try:
                conn = self._connection()
                for i in range(0, len(keys), MAX_KEYS_PER_QUERY):
                    part = keys[i : i + MAX_KEYS_PER_QUERY]
                    marks = ",".join("?" * len(part))
                    rows = conn.execute(
                        f"SELECT key, vec FROM vectors WHERE key IN ({marks})", part
                    ).fetchall()
                    for key, blob in rows:
                        vec = np.frombuffer(blob, dtype=np.float32)
                        if vec.shape == (self.dim,):
                            found[by_key[key]] = vec
            except sqlite3.Error as exc:
                self._fail(exc)
                return {}
        self.hits += len(found)
        return found

    def put_many(self, vectors: dict[str, Matrix]) -> None:
        """Keep ``vectors`` (sentence -> vector) for other processes."""
        if self._broken or not vectors:
            return
        rows = [
            (_digest(self.encoder_id, s), np.asarray(v, dtype=np.float32).tobytes())
            for s, v in vectors.items()
        ]
        with self._lock:
            try:
                conn = self._connection()
                with conn:
                    conn.executemany("INSERT OR IGNORE INTO vectors (key, vec) VALUES (?, ?)", rows)
                self._inserted += len(rows)
                if self._inserted >= PRUNE_EVERY:
                    self._inserted = 0
                    self._prune(conn)
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc) or "busy" in str(exc):
                    return  # another process holds the file: these vectors are not kept
                self._fail(exc)
            except sqlite3.Error as exc:
                self._fail(exc)

    def _prune(self, conn: sqlite3.Connection) -> None:
        count = int(conn.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])
        if count <= self.max_rows:
            return
        keep = self.max_rows * 9 // 10
        with conn:  # rowids grow with insertion: the oldest go first
            conn.execute(
                "DELETE FROM vectors WHERE rowid IN "
                "(SELECT rowid FROM vectors ORDER BY rowid LIMIT ?)",
                (count - keep,),
            )

    def close(self) -> None:
        """Close this process's connection."""
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                self._conn.close()
            self._conn = None
