"""The SpanKL model: network, tokenizer, settings and the types it has learned, task by task.

Growth (docs/methods.md, "Span scores and heads"; "Where it differs from its reference"): SpanKL builds
every task's head at construction and "grows" by using the next one. Here a head is created when its task
arrives (`grow`), so the logits only ever have the columns of learned types: a future type is never
computed, trained or scored, and memory does not include it. Since a head that does not exist cannot be
weight-decayed, the AdamW decay SpanKL applies to unused future heads does not happen; the only other
difference is which random numbers initialise a head (small effect)."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import torch

from gencner.data.schema import Sentence
from gencner.errors import GencnerError
from gencner.families.spankl.batching import SpanCollator, SpanExample, TargetReport, gold_cells
from gencner.families.spankl.config import SpanKLModelConfig
from gencner.families.spankl.decoding import decode_with_report
from gencner.families.spankl.network import SpanScorer
from gencner.families.spankl.tokenization import EncodedWords, WordPieceEncoder, load_bert_tokenizer, train_wordpiece_tokenizer


@dataclass
class SpanKLModel:
    """Column c of the logits is type `types[c]`, forever: tasks append columns, never move them."""

    net: SpanScorer
    tokenizer: Any
    config: SpanKLModelConfig
    tasks: list[tuple[str, ...]] = field(default_factory=list)
    _encoder: WordPieceEncoder | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def types(self) -> list[str]:
        return [t for task in self.tasks for t in task]

    @property
    def columns(self) -> dict[str, int]:
        return {t: c for c, t in enumerate(self.types)}

    @property
    def device(self) -> torch.device:
        return self.net.bert.get_input_embeddings().weight.device

    @property
    def max_pieces(self) -> int:
        return min(self.config.max_positions, self.net.bert.config.max_position_embeddings)

    def columns_of(self, types: Sequence[str]) -> list[int]:
        """The columns of `types` (e.g. a step's label types: the columns its BCE trains)."""
        columns = self.columns
        unknown = [t for t in types if t not in columns]
        if unknown:
            raise GencnerError(f"types {unknown} are not learned by the model (learned: {self.types}); grow it first")
        return [columns[t] for t in types]

    def task_columns(self, task: int) -> range:
        """[s_t, e_t): the columns of the task learned `task`-th (0-based)."""
        start = sum(len(t) for t in self.tasks[:task])
        return range(start, start + len(self.tasks[task]))

    def grow(self, new_types: Sequence[str]) -> range:
        """Add a head for a new task's types; returns their columns. Old heads are untouched."""
        new_types = tuple(new_types)
        known = sorted(set(new_types) & set(self.types))
        if not new_types or known or len(set(new_types)) != len(new_types):
            raise GencnerError(f"a new task needs new, distinct types; got {list(new_types)} (already learned: {known})")
        self.net.add_head(len(new_types))
        self.tasks.append(new_types)
        return self.task_columns(len(self.tasks) - 1)

    @property
    def max_source_tokens(self) -> int:
        """The family interface's name for the word-piece limit."""
        return self.max_pieces

    def add_types(self, new_types: Sequence[str]) -> list[str]:
        """The family interface's growth: one head for the step's new types."""
        self.grow(new_types)
        return list(new_types)

    def to(self, device: str | torch.device) -> None:
        self.net.to(device)

    def predict(self, sentences: Sequence[Sentence], batch_size: int, flat: bool, on_batch=None, bf16: bool = False):
        """decoding.decode with its report (bf16 is not used: the span scores stay float32)."""
        return decode_with_report(self, sentences, batch_size, flat, on_batch)

    def frozen_copy(self, n_types: int | None = None) -> SpanKLModel:
        """A teacher: a deep copy in eval mode without gradients (the student trains on independently),
        with the heads of its first tasks holding `n_types` types (all of them by default)."""
        teacher = copy.deepcopy(self)
        if n_types is not None:
            sizes = [len(task) for task in teacher.tasks]
            kept = next((k for k in range(len(sizes) + 1) if sum(sizes[:k]) == n_types), None)
            if kept is None:
                raise GencnerError(f"a teacher of {n_types} types does not end at a task: the tasks hold {sizes}")
            teacher.tasks = teacher.tasks[:kept]
            teacher.net.heads = teacher.net.heads[:kept]
        teacher.net.eval()
        teacher.net.requires_grad_(False)
        return teacher

    def encoder(self) -> WordPieceEncoder:
        if self._encoder is None or self._encoder.tokenizer is not self.tokenizer:
            self._encoder = WordPieceEncoder(self.tokenizer, self.max_pieces)
        return self._encoder

    def encode(self, sentences: Sequence[Sentence]) -> list[EncodedWords]:
        return self.encoder().encode_many([s.tokens for s in sentences])

    def training_examples(self, sentences: Sequence[Sentence], gold_types: Sequence[str]) -> tuple[list[SpanExample], TargetReport]:
        """A step's examples with gold of `gold_types` (batching.gold_cells says what happens to the rest)."""
        self.columns_of(gold_types)  # every gold type must have a column
        report, columns, wanted = TargetReport(), self.columns, set(gold_types)
        examples = [
            SpanExample(source, gold_cells(sentence, source, columns, wanted, self.config.max_span_width, report))
            for sentence, source in zip(sentences, self.encode(sentences))
        ]
        return examples, report

    def collator(self) -> SpanCollator:
        """Batches with targets for the types learned now: build it after growing for the step."""
        return SpanCollator(self.tokenizer.pad_token_id, self.config.max_span_width, len(self.types))

    def logits(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        """(B, L, W_b, K) span logits of the learned types for a SpanCollator batch."""
        device = self.device
        return self.net(
            batch["input_ids"].to(device), batch["attention_mask"].to(device), batch["word_starts"].to(device), self.config.max_span_width
        )


# BertConfig's name of each size the configuration gives
BERT_SIZES = {
    "hidden_size": "hidden_size",
    "num_hidden_layers": "layers",
    "num_attention_heads": "heads",
    "intermediate_size": "intermediate_size",
    "hidden_dropout_prob": "dropout",
    "max_position_embeddings": "max_positions",
}


def build_bert(config: SpanKLModelConfig, tokenizer):
    """A pretrained BERT (config.pretrained), or one built from the config with random weights."""
    from transformers import BertConfig, BertModel

    if config.pretrained:
        try:
            return BertModel.from_pretrained(config.pretrained, add_pooling_layer=False)
        except (OSError, ValueError) as exc:
            raise GencnerError(
                f"cannot load BERT '{config.pretrained}': {str(exc).splitlines()[0]}. Without network, copy the model "
                "folder (config.json, model.safetensors, tokenizer files) here and set pretrained=/path/to/it."
            ) from None
    sizes = {bert: getattr(config, ours) for bert, ours in BERT_SIZES.items()}
    bert_config = BertConfig(
        vocab_size=len(tokenizer), pad_token_id=tokenizer.pad_token_id, attention_probs_dropout_prob=config.dropout, **sizes
    )
    return BertModel(bert_config, add_pooling_layer=False)  # SpanKL uses the last layer only


def build_model(config: SpanKLModelConfig, words: Sequence[str] = (), seed: int = 1) -> SpanKLModel:
    """A model with no task yet. `words` (the corpus) trains the WordPiece when no tokenizer is named."""
    torch.manual_seed(seed)
    if config.tokenizer or config.pretrained:
        tokenizer = load_bert_tokenizer(config.tokenizer or config.pretrained)
    else:
        tokenizer = train_wordpiece_tokenizer(words, config.vocab_size)
    bert = build_bert(config, tokenizer)
    return SpanKLModel(SpanScorer(bert, config.head_size, config.word_dropout), tokenizer, config)
