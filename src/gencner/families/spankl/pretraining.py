"""Masked-LM pretraining of a BERT built from the config, on unlabeled text: what bert-large-cased
brings a real model, a small one gets from its own corpus. The tokenizer is trained on the same text.

BERT's masking: 15% of the pieces ([CLS], [SEP], padding excluded) are chosen; a chosen piece becomes
[MASK] (80%), a random piece (10%) or stays (10%); the loss is the cross-entropy of the chosen pieces,
    L_MLM = mean over chosen pieces of −log softmax(h · Eᵀ)[original piece]
with the output matrix tied to the input embeddings E (no separate MLM head: it would be thrown away).

The result is cached in the folder the caller names (run_identity.pretrained_dir: keyed by the corpus, the
model section, the family and the seed), so every method, task order and bound on that text shares one
base, as they would share bert-large-cased; `mlm_pretraining.json` next to it holds the loss per epoch."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

import torch
import torch.nn.functional as F

from gencner.atomic import write_json
from gencner.console import console, progress_bar
from gencner.errors import GencnerError
from gencner.families.spankl.config import SpanKLModelConfig
from gencner.families.spankl.io import META, load_model, save_model
from gencner.families.spankl.model import SpanKLModel, build_model
from gencner.families.spankl.network import SpanScorer
from gencner.families.spankl.tokenization import WordPieceEncoder

LOG_FILE = "mlm_pretraining.json"
IGNORE = -100


def mask_pieces(
    ids: torch.Tensor, special: torch.Tensor, mask_id: int, vocab_size: int, generator: torch.Generator, rate: float = 0.15
) -> tuple[torch.Tensor, torch.Tensor]:
    """(inputs, labels) for one batch of piece ids; labels are IGNORE except at the chosen pieces."""
    chosen = (torch.rand(ids.shape, generator=generator) < rate) & ~special
    labels = torch.where(chosen, ids, torch.full_like(ids, IGNORE))
    roll = torch.rand(ids.shape, generator=generator)
    inputs = torch.where(chosen & (roll < 0.8), torch.full_like(ids, mask_id), ids)
    random_pieces = torch.randint(vocab_size, ids.shape, generator=generator)
    inputs = torch.where(chosen & (roll >= 0.8) & (roll < 0.9), random_pieces, inputs)
    return inputs, labels


def _piece_batches(model: SpanKLModel, text: Sequence[Sequence[str]]) -> list[list[int]]:
    encoder = WordPieceEncoder(model.tokenizer, model.max_pieces)
    return [list(e.ids) for e in encoder.encode_many(text)]


def _pad(rows: list[list[int]], value: int) -> torch.Tensor:
    width = max(map(len, rows))
    return torch.tensor([r + [value] * (width - len(r)) for r in rows])


def _mlm_loss(bert, ids: torch.Tensor, pad_id: int, inputs: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    hidden = bert(input_ids=inputs, attention_mask=(ids != pad_id).long(), token_type_ids=torch.zeros_like(ids)).last_hidden_state
    logits = hidden[labels != IGNORE] @ bert.get_input_embeddings().weight.T
    return F.cross_entropy(logits, labels[labels != IGNORE])


def mlm_pretrain(
    model: SpanKLModel, text: Sequence[Sequence[str]], seed: int, device: str | torch.device = "cpu", batch_size: int = 32
) -> list[dict]:
    """Train the model's BERT on `text` (token lists) for its config's mlm_epochs at mlm_lr; one
    {"epoch", "loss", "seconds"} per epoch. The BERT goes back to the device it came from, in eval mode."""
    epochs, lr = model.config.mlm_epochs, model.config.mlm_lr
    if not text:
        raise GencnerError("masked-LM pretraining has no sentence to train on (set mlm_epochs=0 or give it text)")
    bert, tok = model.net.bert, model.tokenizer
    home = model.device
    bert.to(device).train()
    rows, generator = _piece_batches(model, text), torch.Generator().manual_seed(seed)
    optimizer = torch.optim.AdamW(bert.parameters(), lr=lr, weight_decay=0.01)
    n_batches = (len(rows) + batch_size - 1) // batch_size
    log, started = [], time.perf_counter()
    with progress_bar("masked-LM pretraining", epochs * n_batches, unit="batches") as advance:
        for epoch in range(epochs):
            order, total, counted = torch.randperm(len(rows), generator=generator).tolist(), 0.0, 0
            for k in range(0, len(order), batch_size):
                ids = _pad([rows[j] for j in order[k : k + batch_size]], tok.pad_token_id)
                special = (ids == tok.pad_token_id) | (ids == tok.cls_token_id) | (ids == tok.sep_token_id)
                inputs, labels = mask_pieces(ids, special, tok.mask_token_id, len(tok), generator)
                advance(1)
                if not (labels != IGNORE).any():
                    continue  # nothing chosen in this batch: no loss to learn from
                loss = _mlm_loss(bert, ids.to(device), tok.pad_token_id, inputs.to(device), labels.to(device))
                optimizer.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(bert.parameters(), 1.0)
                optimizer.step()
                total, counted = total + loss.item(), counted + 1
            log.append({"epoch": epoch + 1, "loss": total / max(counted, 1), "seconds": round(time.perf_counter() - started, 2)})
            console.print(f"masked-LM pretraining · epoch {epoch + 1}/{epochs}: loss {log[-1]['loss']:.4f}", highlight=False)
    bert.eval().to(home)
    return log


def _with_config(model: SpanKLModel, config: SpanKLModelConfig) -> SpanKLModel:
    """A cached base under today's settings (only the base fields had to match)."""
    return SpanKLModel(SpanScorer(model.net.bert, config.head_size, config.word_dropout), model.tokenizer, config)


def pretrained_base(
    config: SpanKLModelConfig,
    text: Callable[[], Sequence[Sequence[str]]],
    where: Path | None,
    seed: int = 1,
    device: str | torch.device = "cpu",
) -> SpanKLModel:
    """Step 1's starting point: the named checkpoint, a model built from the config (mlm_epochs = 0 or
    no cache folder; its tokenizer trained on `text()`), or the masked-LM pretrained one, trained once
    and then read from `where` (the caller's cache folder: run_identity.pretrained_dir keys it by the corpus,
    the model section and the seed). `text` is called only when the text is needed."""
    if (where is not None and (Path(where) / META).is_file()) and not config.pretrained and config.mlm_epochs > 0:
        return _with_config(load_model(where), config)
    sentences = list(text()) if not config.pretrained else []
    model = build_model(config, [w for tokens in sentences for w in tokens], seed)
    if config.pretrained or config.mlm_epochs <= 0 or where is None:
        return model
    epochs = mlm_pretrain(model, sentences, seed, device)
    save_model(model, where)
    write_json(Path(where) / LOG_FILE, {"sentences": len(sentences), "device": str(device), "epochs": epochs})
    console.print(f"masked-LM pretraining: {len(sentences):,} sentences, {epochs[-1]['seconds']:.0f} s → {where}", highlight=False)
    return model
