"""SpanKL's network (docs/methods.md, "Encoder and word pieces", "Span scores and heads"): BERT → word
vectors → one linear head per task → span logits.

Word vector of word k = BERT's last layer at the word's first piece, then dropout (no LSTM, no extra
dense layer, no width embedding). Head of task t: Linear(d → 2·h·k_t), Kaiming-normal weights, zero
biases, no nonlinearity. Its output splits in half into start and end parts, each read per word as
(h, k_t) with the h dims of type e strided (index a·k_t + e: SpanKL's layout, so weights port as they
are). Heads are concatenated along the type axis in learning order, so task t owns the contiguous
columns [s_t, e_t) and the logits hold exactly the learned types' columns."""

from __future__ import annotations

import torch
from torch import nn

from gencner.families.spankl.spans import band_scores


def new_head(hidden_size: int, head_size: int, n_types: int) -> nn.Linear:
    head = nn.Linear(hidden_size, 2 * head_size * n_types)
    nn.init.kaiming_normal_(head.weight)
    nn.init.zeros_(head.bias)
    return head


class SpanScorer(nn.Module):
    def __init__(self, bert, head_size: int, word_dropout: float):
        super().__init__()
        self.bert = bert  # transformers BertModel
        self.head_size = head_size
        self.word_dropout = nn.Dropout(word_dropout)
        self.heads = nn.ModuleList()

    @property
    def hidden_size(self) -> int:
        return self.bert.config.hidden_size

    @property
    def task_sizes(self) -> list[int]:
        """k_t of every head, in learning order."""
        return [head.out_features // (2 * self.head_size) for head in self.heads]

    def add_head(self, n_types: int) -> None:
        weight = self.bert.get_input_embeddings().weight
        self.heads.append(new_head(self.hidden_size, self.head_size, n_types).to(weight.device, weight.dtype))

    def word_vectors(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, word_starts: torch.Tensor) -> torch.Tensor:
        """(B, L, d): the last layer at each word's first piece (padding words read position 0, masked
        later); token_type_ids are 0, as in SpanKL."""
        states = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=torch.zeros_like(input_ids)).last_hidden_state
        gathered = states.gather(1, word_starts[..., None].expand(-1, -1, states.size(-1)))
        return self.word_dropout(gathered)

    def start_end(self, words: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Start and end vectors (B, L, h, K) of all learned types, K = Σ k_t."""
        starts, ends = [], []
        for head, k in zip(self.heads, self.task_sizes):
            start, end = head(words).chunk(2, dim=-1)
            starts.append(start.unflatten(-1, (self.head_size, k)))
            ends.append(end.unflatten(-1, (self.head_size, k)))
        return torch.cat(starts, dim=-1), torch.cat(ends, dim=-1)

    def span_logits(self, words: torch.Tensor, max_span_width: int) -> torch.Tensor:
        """(B, L, W_b, K) span logits from word vectors (spans.band_scores)."""
        if not self.heads:
            raise ValueError("the model has learned no types yet: grow it for a task first")
        start, end = self.start_end(words)
        return band_scores(start, end, max_span_width)

    def forward(self, input_ids, attention_mask, word_starts, max_span_width: int) -> torch.Tensor:
        return self.span_logits(self.word_vectors(input_ids, attention_mask, word_starts), max_span_width)
