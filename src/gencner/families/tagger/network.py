"""The tagger's network: BERT → word vectors → one linear head per task, concatenated → tag logits.

The word vectors are the span scorer's (spankl/network.py): the last layer at each word's first piece,
then dropout. Heads keep torch's default Linear initialisation, as the reference's tag layer does. A
grown model computes its old heads exactly as before (they are untouched modules), so the old columns
of its logits stay the same bit for bit."""

from __future__ import annotations

import torch
from torch import nn

from gencner.families.spankl.network import SpanScorer
from gencner.families.tagger.layout import head_size


class TagNet(nn.Module):
    word_vectors = SpanScorer.word_vectors  # reads self.bert and self.word_dropout only

    def __init__(self, bert, layout: str, word_dropout: float):
        super().__init__()
        self.bert = bert  # transformers BertModel
        self.layout = layout
        self.word_dropout = nn.Dropout(word_dropout)
        self.heads = nn.ModuleList()

    def add_head(self, n_types: int) -> None:
        weight = self.bert.get_input_embeddings().weight
        head = nn.Linear(self.bert.config.hidden_size, head_size(self.layout, not self.heads, n_types))
        self.heads.append(head.to(weight.device, weight.dtype))

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, word_starts: torch.Tensor) -> torch.Tensor:
        """(B, L, C) tag logits of every learned head, in learning order."""
        if not self.heads:
            raise ValueError("the model has learned no types yet: grow it for a task first")
        words = self.word_vectors(input_ids, attention_mask, word_starts)
        return torch.cat([head(words) for head in self.heads], dim=-1)
