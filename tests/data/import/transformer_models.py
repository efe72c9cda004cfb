"""Small GPT-like models for the importer's transformer tests (tests/import/
check_import_transformers.py). Their sizes are the constants below, from which the test
works out parameters, shapes and FLOPs on its own.

A GPT here: token embedding (VOCAB x WIDTH) plus learned positions (POSITIONS x WIDTH),
LAYERS blocks of [layer norm, causal self-attention of HEADS heads, residual add, layer
norm, MLP WIDTH -> 4 WIDTH -> WIDTH with GELU, residual add], a final layer norm and logits
tied to the token embedding. The variants differ in how attention is written.
"""

import math
import warnings

import torch
import torch.nn.functional as F
from torch import nn

VOCAB = 97
TOKENS = 16        # the sequence the tests import (--input tokens:16)
POSITIONS = 16     # rows of the position table; LONG_POSITIONS for gpt_hand
LONG_POSITIONS = 24
WIDTH = 32
HEADS = 4
LAYERS = 2
DROPOUT = 0.1
FEATURES = 24      # the [T, F] input of sequence_block (--input 16x24)


class LibraryAttention(nn.Module):
    """nn.MultiheadAttention with a causal mask: a registered boolean buffer (batch first),
    or an additive -inf mask made in forward() from the input's length (sequence first);
    or with no mask (causal=False), its arguments given by position."""

    def __init__(self, width, batch_first, causal=True):
        super().__init__()
        self.batch_first = batch_first
        self.causal = causal
        self.attn = nn.MultiheadAttention(width, HEADS, dropout=DROPOUT,
                                          batch_first=batch_first)
        self.register_buffer("future", torch.ones(POSITIONS, POSITIONS).triu(1).bool())

    def forward(self, x):
        length = x.size(1)
        if not self.causal:
            return self.attn(x, x, x, None, False)[0]
        if self.batch_first:
            return self.attn(x, x, x, attn_mask=self.future[:length, :length],
                             need_weights=False)[0]
        mask = torch.triu(torch.full((length, length), float("-inf")), diagonal=1)
        y = x.transpose(0, 1)  # [T, N, E]
        y, _ = self.attn(y, y, y, attn_mask=mask)
        return y.transpose(0, 1)


class HandAttention(nn.Module):
    """Causal attention written out: fused QKV, heads split by view and transpose, scaled
    scores, masked_fill with a lower-triangular buffer, softmax, dropout, merge."""

    def __init__(self, width):
        super().__init__()
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)
        self.drop = nn.Dropout(DROPOUT)
        self.register_buffer("seen", torch.tril(torch.ones(LONG_POSITIONS, LONG_POSITIONS))
                             .view(1, 1, LONG_POSITIONS, LONG_POSITIONS))

    def forward(self, x):
        n, t, e = x.size()
        q, k, v = self.qkv(x).split(e, dim=2)
        q = q.view(n, t, HEADS, e // HEADS).transpose(1, 2)
        k = k.view(n, t, HEADS, e // HEADS).transpose(1, 2)
        v = v.view(n, t, HEADS, e // HEADS).transpose(1, 2)
        scores = q @ k.transpose(-2, -1) / math.sqrt(k.size(-1))
        scores = scores.masked_fill(self.seen[:, :, :t, :t] == 0, float("-inf"))
        weights = self.drop(F.softmax(scores, dim=-1))
        y = (weights @ v).transpose(1, 2).contiguous().view(n, t, e)
        return self.proj(y)


class SeparateAttention(nn.Module):
    """Attention with separate Q, K and V projections: not one fused input, so the
    importer keeps its generic layers (matmul, softmax)."""

    def __init__(self, width):
        super().__init__()
        self.q, self.k, self.v = (nn.Linear(width, width) for _ in range(3))
        self.proj = nn.Linear(width, width)

    def forward(self, x):
        n, t, e = x.size()
        q, k, v = (p(x).view(n, t, HEADS, e // HEADS).transpose(1, 2)
                   for p in (self.q, self.k, self.v))
        mask = torch.ones(t, t).tril()
        scores = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(e // HEADS))
        scores = scores.masked_fill(mask == 0, float("-inf")).softmax(dim=-1)
        return self.proj((scores @ v).transpose(1, 2).reshape(n, t, e))


class ChunkedAttention(nn.Module):
    """Attention over [T, WIDTH] inputs, spelled otherwise: chunk, reshape, permute, and
    `window` keys each side seen through torch.where (a mask, but not a causal one); or
    returning its weights as well (used elsewhere: the generic layers)."""

    def __init__(self, window=None, weights_out=False):
        super().__init__()
        self.window, self.weights_out = window, weights_out
        self.qkv = nn.Linear(WIDTH, 3 * WIDTH)

    def forward(self, x):
        n, t, e = x.shape
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        q, k, v = (z.reshape(n, t, HEADS, e // HEADS).permute(0, 2, 1, 3) for z in (q, k, v))
        scores = q @ k.transpose(-1, -2) * (HEADS / e) ** 0.5
        if self.window is not None:
            far = (torch.arange(t)[:, None] - torch.arange(t)[None, :]).abs() > self.window
            scores = torch.where(far, torch.tensor(float("-inf")), scores)
        weights = scores.softmax(-1)
        y = (weights @ v).permute(0, 2, 1, 3).reshape(n, t, e)
        return (y, weights) if self.weights_out else y


def banded_attention():
    return ChunkedAttention(window=2)


def attention_weights_out():
    return ChunkedAttention(weights_out=True)


class Block(nn.Module):
    def __init__(self, width, attention):
        super().__init__()
        self.ln1 = nn.LayerNorm(width)
        self.attn = attention
        self.ln2 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(),
                                 nn.Linear(4 * width, width), nn.Dropout(DROPOUT))

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class GPT(nn.Module):
    def __init__(self, attention, positions=POSITIONS):
        super().__init__()
        self.wte = nn.Embedding(VOCAB, WIDTH)
        self.wpe = nn.Embedding(positions, WIDTH)
        self.drop = nn.Dropout(DROPOUT)
        self.blocks = nn.Sequential(*(Block(WIDTH, attention()) for _ in range(LAYERS)))
        self.ln_f = nn.LayerNorm(WIDTH)
        self.lm_head = nn.Linear(WIDTH, VOCAB, bias=False)
        self.lm_head.weight = self.wte.weight  # tied: one table, counted once

    def forward(self, idx):
        positions = torch.arange(0, idx.size(1), dtype=torch.long)
        x = self.drop(self.wte(idx.long()) + self.wpe(positions))
        return self.lm_head(self.ln_f(self.blocks(x)))


class Untraceable(GPT):
    """torch.fx cannot follow a branch on the input's values: imported through ONNX."""

    def forward(self, idx):
        if idx.sum() < 0:
            idx = -idx
        return super().forward(idx)


class FunctionalLogits(nn.Module):
    """Tokens plus an nn.Parameter of positions, a layer norm, and logits that read the
    token table without a module: F.linear(x, W), x @ W.t() or x @ W.T."""

    def __init__(self, spelling):
        super().__init__()
        self.spelling = spelling
        self.wte = nn.Embedding(VOCAB, WIDTH)
        self.positions = nn.Parameter(torch.zeros(1, TOKENS, WIDTH))
        self.ln = nn.LayerNorm(WIDTH)

    def forward(self, idx):
        x = self.ln(self.wte(idx) + self.positions)
        if self.spelling == "linear":
            return F.linear(x, self.wte.weight)
        return x @ (self.wte.weight.t() if self.spelling == "t" else self.wte.weight.T)


def logits_linear():
    return FunctionalLogits("linear")


def logits_t():
    return FunctionalLogits("t")


def logits_T():  # noqa: N802 (named after the attribute it uses)
    return FunctionalLogits("T")


def gpt_mha():
    return GPT(lambda: LibraryAttention(WIDTH, batch_first=True))


def gpt_mha_sequence_first():
    return GPT(lambda: LibraryAttention(WIDTH, batch_first=False))


def gpt_hand():
    """Hand-written attention; a position table longer than the sequence."""
    return GPT(lambda: HandAttention(WIDTH), positions=LONG_POSITIONS)


def gpt_separate():
    return GPT(lambda: SeparateAttention(WIDTH))


def gpt_untraceable():
    return Untraceable(lambda: HandAttention(WIDTH))


def sequence_block():
    """One block over T vectors of FEATURES features (--input 16x24)."""
    return Block(FEATURES, LibraryAttention(FEATURES, batch_first=True))


def sequence_block_unmasked():
    """The same block, its attention without a mask."""
    return Block(FEATURES, LibraryAttention(FEATURES, batch_first=True, causal=False))


def export_gpt(path, attention="hand"):
    """A GPT with POSITIONS rows of positions and attention by hand ("hand") or
    nn.MultiheadAttention on [T, N, E] ("mha"), as an ONNX file with a dynamic batch; returns
    the model."""
    model = GPT(lambda: HandAttention(WIDTH) if attention == "hand" else
                LibraryAttention(WIDTH, batch_first=False)).eval()
    with torch.no_grad():
        for p in model.parameters():  # trained-like values: no two tensors alike
            p.uniform_(-0.5, 0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tracer's notice about math.sqrt of a size
        torch.onnx.export(model, torch.zeros(1, TOKENS, dtype=torch.long), path,
                          opset_version=17, input_names=["input"],
                          dynamic_axes={"input": {0: "batch"}})
    return model
