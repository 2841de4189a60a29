"""Denoising pretraining for models built from a config (BART's text infilling, on unlabeled text):
what a pretrained checkpoint gives a real model, a small model gets from its own corpus. The text is
the training sentences, or (dataset.synthetic.pretrain_sentences > 0) a larger unlabeled synthetic corpus
that holds no labelled sentence; the tokenizer is trained on the same text. The result is cached per
corpus, model section and seed (`run_identity.pretrained_dir`) and shared by every method, permutation and
upper bound of an experiment, exactly as they would share facebook/bart-large; `pretraining.json` next
to it records what it was trained on, where, and its loss per epoch."""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from pathlib import Path

import torch
import torch.nn.functional as F

from gencner.atomic import write_json
from gencner.config.schema import Config
from gencner.console import console, progress_bar
from gencner.data.pretraining_text import pretraining_text
from gencner.data.schema import Sentence
from gencner.errors import GencnerError
from gencner.families.pointer.io import load_model, save_model
from gencner.families.pointer.model import NerModel, build_model
from gencner.trainer import run_device

LOG_FILE = "pretraining.json"


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


def denoise(
    model: NerModel,
    sentences: Sequence[Sentence],
    epochs: int,
    lr: float,
    seed: int,
    device: str | torch.device = "cpu",
    batch_size: int = 32,
) -> list[dict]:
    """Train the BART of `model` on `device` to rebuild each sentence from its infilled copy; returns one
    {"epoch", "loss", "seconds"} per epoch. The model goes back to the device it came from."""
    if not sentences:
        raise GencnerError(
            "denoising pretraining has no sentence to train on: the pretraining corpus is empty "
            "(set model.denoise_epochs=0 or give the dataset training sentences)"
        )
    backbone, tok = model.net.backbone, model.tokenizer
    home = model.net.embed_tokens.weight.device
    model.net.to(device)
    sources = [list(s.ids) for s in model.source_encoder().encode_many(sentences)]
    rng = random.Random(seed)
    optimizer = torch.optim.AdamW(backbone.parameters(), lr=lr, weight_decay=0.01)
    steps = epochs * ((len(sources) + batch_size - 1) // batch_size)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda i: min(1.0, (i + 1) / max(steps // 10, 1)) * max(0.0, 1 - i / steps))
    backbone.train()
    log, started = [], time.perf_counter()
    with progress_bar("denoising pretraining", steps, unit="batches") as advance:
        for epoch in range(epochs):
            order = list(range(len(sources)))
            rng.shuffle(order)
            total = 0.0
            for i in range(0, len(order), batch_size):
                batch = [sources[j] for j in order[i : i + batch_size]]
                inputs = _pad([infill(ids, tok.mask_token_id, rng) for ids in batch], tok.pad_token_id).to(device)
                labels = _pad(batch, -100).to(device)
                dec = torch.cat([torch.full((len(batch), 1), model.start_id, device=device), labels[:, :-1].clamp(min=0)], dim=1)
                hidden = backbone(
                    input_ids=inputs, attention_mask=(inputs != tok.pad_token_id).long(), decoder_input_ids=dec
                ).last_hidden_state
                loss = F.cross_entropy((hidden @ model.net.embed_tokens.weight.T).transpose(1, 2), labels, ignore_index=-100)
                optimizer.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(backbone.parameters(), 1.0)
                optimizer.step()
                scheduler.step()
                total += loss.item() * len(batch)
                advance(1)
            log.append({"epoch": epoch + 1, "loss": total / len(sources), "seconds": round(time.perf_counter() - started, 2)})
            console.print(
                f"denoising pretraining · epoch {epoch + 1}/{epochs}: loss {log[-1]['loss']:.4f} ({log[-1]['seconds']:.0f} s)",
                highlight=False,
            )
    backbone.eval()
    model.net.to(home)
    return log


def base_model(cfg: Config, train: Sequence[Sentence], cache_dir: Path | None) -> NerModel:
    """Step 1's starting point: the configured checkpoint, or a model built from the config (denoised
    and cached when model.denoise_epochs > 0)."""
    m = cfg.model
    if m.pretrained or m.pretrained_encoder or m.denoise_epochs <= 0 or cache_dir is None:
        return build_model(m, [w for s in train for w in s.tokens], dict(cfg.dataset.type_names), cfg.seed)
    if (cache_dir / "gencner.json").is_file():
        model = load_model(cache_dir)
        model.type_names = dict(cfg.dataset.type_names)  # the cache is shared by task definitions
        return model
    text = pretraining_text(cfg.dataset, train)
    if text.corpus == "unlabeled":
        console.print(
            f"denoising pretraining on {len(text.sentences):,} unlabeled sentences "
            f"({text.labelled_duplicates_removed:,} drawn sentences equal to labelled ones left out)",
            highlight=False,
        )
    # the tokenizer comes with the "checkpoint": trained on the text it is pretrained on
    model = build_model(m, [w for s in text.sentences for w in s.tokens], dict(cfg.dataset.type_names), cfg.seed)
    device = run_device(cfg.trainer)
    epochs = denoise(model, text.sentences, m.denoise_epochs, m.denoise_lr, cfg.seed, device)
    console.print(
        f"denoising pretraining: {len(text.sentences):,} sentences ({text.corpus}) on {device}, "
        f"{epochs[-1]['seconds']:.0f} s → {cache_dir}",
        highlight=False,
    )
    save_model(model, cache_dir)
    write_json(
        cache_dir / LOG_FILE,
        {
            "corpus": text.corpus,
            "sentences": len(text.sentences),
            "labelled_duplicates_removed": text.labelled_duplicates_removed,
            "device": str(device),
            "seconds": epochs[-1]["seconds"],
            "epochs": epochs,
        },
    )
    return model
