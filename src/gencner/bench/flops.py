"""Floating-point operations of a pointer-BART batch, counted on non-padding tokens only (so achieved
TFLOP/s measures useful work). Matrix products: 2 FLOPs per multiply-add.

  encoder, per source token:  2·P_enc + 4·L_src·d·layers_enc            (weights + self-attention)
  decoder, per target index:  2·P_dec + 4·(L_src + L_tgt/2)·d·layers_dec  (weights + cross/self-attention)
  pointer head, per index:    2·L_src·d
  training = 3 × student forward (forward + backward) + 1 × teacher forward (distillation)
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class Sizes:
    d_model: int
    encoder_params: int  # parameters of the encoder layers (embeddings excluded: a look-up)
    decoder_params: int
    encoder_layers: int
    decoder_layers: int

    @classmethod
    def of(cls, bart) -> Sizes:
        enc = sum(p.numel() for p in bart.encoder.layers.parameters())
        dec = sum(p.numel() for p in bart.decoder.layers.parameters())
        c = bart.config
        return cls(c.d_model, enc, dec, c.encoder_layers, c.decoder_layers)


def forward_flops(sizes: Sizes, src_lengths: torch.Tensor, tgt_lengths: torch.Tensor) -> torch.Tensor:
    """A 0-d tensor on the lengths' device (summed without a host read: the training loop must not wait)."""
    src = src_lengths.double()
    tgt = tgt_lengths.double()
    d = sizes.d_model
    encoder = src * (2 * sizes.encoder_params + 4 * src * d * sizes.encoder_layers)
    decoder = tgt * (2 * sizes.decoder_params + 4 * (src + tgt / 2) * d * sizes.decoder_layers + 2 * src * d)
    return (encoder + decoder).sum()


def training_flops(sizes: Sizes, batch: dict) -> torch.Tensor:
    return 4 * forward_flops(sizes, batch["src_mask"].sum(dim=1), (batch["targets"] >= 0).sum(dim=1))


def decoding_flops(sizes: Sizes, src_lengths: list[int], generated_per_sentence: float) -> float:
    """Greedy decoding runs the encoder once and the decoder once per generated index (with the KV
    cache, each new index attends to the cached ones: the same count as one teacher-forced pass)."""
    src = torch.tensor(src_lengths)
    return float(forward_flops(sizes, src, torch.full_like(src, generated_per_sentence, dtype=torch.double)))
