"""The tagger model: network, tokenizer, settings and the types it has learned, task by task.

Its bookkeeping is the span model's (spankl/model.py SpanKLModel): types in learning order, one head
per task appended by `grow`, `columns_of` giving a type's index in that order, `frozen_copy` keeping
the heads of the first tasks, the word-piece encoder and the piece limit. What differs is the network
(network.TagNet), its targets (global tags), its logits (tags, not spans) and its decoding."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from gencner.data.schema import Sentence
from gencner.families.spankl.batching import TargetReport
from gencner.families.spankl.model import SpanKLModel
from gencner.families.tagger.batching import TagCollator, TagExample, gold_tags
from gencner.families.tagger.config import TaggerModelConfig
from gencner.families.tagger.layout import Group, groups
from gencner.families.tagger.network import TagNet


@dataclass
class TaggerModel(SpanKLModel):
    """`net` is a TagNet and `config` a TaggerModelConfig."""

    @property
    def groups(self) -> list[Group]:
        return groups(self.config.layout, [len(task) for task in self.tasks])

    def training_examples(self, sentences: Sequence[Sentence], gold_types: Sequence[str]) -> tuple[list[TagExample], TargetReport]:
        """A step's examples with gold of `gold_types` (batching.gold_tags says what happens to the rest)."""
        self.columns_of(gold_types)  # every gold type must be learned
        report, columns, wanted = TargetReport(), self.columns, set(gold_types)
        examples = [
            TagExample(source, gold_tags(sentence, source, columns, wanted, report))
            for sentence, source in zip(sentences, self.encode(sentences))
        ]
        return examples, report

    def collator(self) -> TagCollator:
        return TagCollator(self.tokenizer.pad_token_id)

    def logits(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        """(B, L, C) tag logits of every learned head for a TagCollator batch."""
        device = self.device
        return self.net(batch["input_ids"].to(device), batch["attention_mask"].to(device), batch["word_starts"].to(device))

    def predict(self, sentences: Sequence[Sentence], batch_size: int, flat: bool, on_batch=None, bf16: bool = False):
        """decoding.decode with its report; the output is flat whatever `flat` says (a tag sequence
        cannot hold overlapping entities), and the logits stay float32 (bf16 is not used)."""
        from gencner.families.tagger.decoding import decode_with_report  # it imports this module

        return decode_with_report(self, sentences, batch_size, on_batch)


def from_span_base(base: SpanKLModel, config: TaggerModelConfig) -> TaggerModel:
    """A tagger with no task on the BERT and tokenizer of a span model (the pretrained base)."""
    return TaggerModel(TagNet(base.net.bert, config.layout, config.word_dropout), base.tokenizer, config)
