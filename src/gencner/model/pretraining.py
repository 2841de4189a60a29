"""Denoising pretraining for models built from a config (BART's text infilling, on unlabeled training
sentences): what a pretrained checkpoint gives a real model, a small model gets from its own corpus.
The result is cached per corpus, architecture and seed and shared by every method, permutation and
upper bound of an experiment, exactly as they would share facebook/bart-large."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any, Sequence

import torch
import torch.nn.functional as F

from gencner.console import console, progress_bar
from gencner.data.schema import Sentence
from gencner.model.factory import NerModel, build_model
from gencner.model.io import load_model, save_model


def infill(ids: Sequence[int], mask_id: int, rng: random.Random, rate: float = 0.15) -> list[int]:
    """Text infilling: spans of 1–3 pieces replaced by one <mask> each, ~`rate` of the pieces in all;
    <s> and </s> stay."""
    body, out, k = list(ids[1:-1]), [], 0
    while k < len(body):
        if rng.random() < rate / 2:
            out.append(mask_id)
            k += rng.randint(1, 3)
        else:
            out.append(body[k])
            k += 1
    return [ids[0], *out, ids[-1]]


def _pad(rows: list[list[int]], value: int) -> torch.Tensor:
    width = max(map(len, rows))
    return torch.tensor([r + [value] * (width - len(r)) for r in rows])


def denoise(model: NerModel, sentences: Sequence[Sentence], epochs: int, lr: float, seed: int, batch_size: int = 32) -> list[float]:
    """Train the BART of `model` to rebuild each sentence from its infilled copy; returns epoch losses."""
    bart, tok = model.net.bart, model.tokenizer
    sources = [list(s.ids) for s in model.source_encoder().encode_many(sentences)]
    rng = random.Random(seed)
    optimizer = torch.optim.AdamW(bart.parameters(), lr=lr, weight_decay=0.01)
    steps = epochs * ((len(sources) + batch_size - 1) // batch_size)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda i: min(1.0, (i + 1) / max(steps // 10, 1)) * max(0.0, 1 - i / steps))
    bart.train()
    losses = []
    with progress_bar("denoising pretraining", steps, unit="batches") as advance:
        for _ in range(epochs):
            order = list(range(len(sources)))
            rng.shuffle(order)
            total = 0.0
            for i in range(0, len(order), batch_size):
                batch = [sources[j] for j in order[i : i + batch_size]]
                inputs = _pad([infill(ids, tok.mask_token_id, rng) for ids in batch], tok.pad_token_id)
                labels = _pad(batch, -100)
                dec = torch.cat([torch.full((len(batch), 1), model.start_id), labels[:, :-1].clamp(min=0)], dim=1)
                hidden = bart(input_ids=inputs, attention_mask=(inputs != tok.pad_token_id).long(), decoder_input_ids=dec).last_hidden_state
                loss = F.cross_entropy((hidden @ bart.shared.weight.T).transpose(1, 2), labels, ignore_index=-100)
                optimizer.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(bart.parameters(), 1.0)
                optimizer.step()
                scheduler.step()
                total += loss.item() * len(batch)
                advance(1)
            losses.append(total / len(sources))
    bart.eval()
    return losses


def base_model(cfg: Any, train: Sequence[Sentence], cache_dir: Path | None) -> NerModel:
    """Step 1's starting point: the configured checkpoint, or a model built from the config (denoised
    and cached when model.denoise_epochs > 0)."""
    m = cfg.model
    words = [w for s in train for w in s.tokens]
    if m.pretrained or m.denoise_epochs <= 0 or cache_dir is None:
        return build_model(m, words, dict(cfg.dataset.type_names), cfg.seed)
    if (cache_dir / "gencner.json").is_file():
        model = load_model(cache_dir)
        model.type_names = dict(cfg.dataset.type_names)  # the cache is shared by task definitions
        return model
    model = build_model(m, words, dict(cfg.dataset.type_names), cfg.seed)
    losses = denoise(model, train, m.denoise_epochs, m.denoise_lr, cfg.seed)
    console.print(f"denoising pretraining: loss per epoch {', '.join(f'{x:.3f}' for x in losses)} → {cache_dir}")
    save_model(model, cache_dir)
    return model
