"""The SpanKL model's settings (docs/methods.md, "SpanKL").

`pretrained` names a BERT checkpoint (hub name or folder, e.g. bert-large-cased, as SpanKL uses); its
architecture then comes from the checkpoint and the architecture fields below are not used. Without
it a BERT is built from these fields with random weights, a WordPiece tokenizer is trained on the
corpus, and `mlm_epochs` > 0 first pretrains it as BERT is pretrained (masked LM, cached by content).

Span width: SpanKL enumerates every span i ≤ j < n with no width limit, so its logits hold n(n+1)/2
spans per sentence of n words (B·n²·K floats a batch). Here spans are limited to j − i < W words
(`max_span_width`): a sentence holds at most n·W spans (n·W − W(W−1)/2 once n ≥ W), and a batch's
logits are B·L·min(W, L)·K floats (plus B·L·h·K for the diagonal being scored), linear in the
sentence length. The default W = 64 is SpanKL's
enumeration exactly on every sentence of up to 64 words, and on longer ones drops only spans wider
than 64 words: named entities of the benchmarks' types (organisations, people, places, dates,
numbers, nationalities; Few-NERD's fine types) are typically a few words long. The datasets
are not in this workplace, so their longest entity was not measured: instead every gold span wider
than W is counted (`TargetReport.too_wide`), so a run shows whether the limit cut anything. Set W ≥
the longest sentence to reproduce SpanKL's enumeration exactly."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from gencner.errors import ConfigError


@dataclass
class SpanKLModelConfig:
    """Encoder (BERT) and span heads of SpanKL, and its per-step optimisation (SpanKL's values in
    parentheses). Built from the run's configuration (family.model_config), whose schema holds the defaults;
    no field has one here.

    dropout: BERT's own dropout (built model only); word_dropout: after the word vectors (0.1).
    max_positions: word pieces per sentence, [CLS] and [SEP] included (512); longer sentences are
      cut at the tail by whole words (for a checkpoint, capped by its position embeddings).
    head_size: h, the size of each type's start and end vectors (50).
    encoder_lr / head_lr: AdamW learning rates of BERT (5e-5) and of the heads (1e-3); weight_decay on
      weights (not on biases and LayerNorm weights); warmup_steps of the cosine schedule; max_grad_norm:
      the global gradient clipping norm (1.0 on OntoNotes, 5.0 on Few-NERD).
    threshold: a (span, type) is predicted when σ(score) ≥ threshold (0.5)."""

    name: str
    pretrained: str | None
    tokenizer: str | None
    vocab_size: int
    hidden_size: int
    layers: int
    heads: int
    intermediate_size: int
    dropout: float
    word_dropout: float
    max_positions: int
    head_size: int
    max_span_width: int
    mlm_epochs: int
    mlm_lr: float
    encoder_lr: float
    head_lr: float
    weight_decay: float
    warmup_steps: int | None  # None: the step's share set by the loop (trainer.warmup_ratio)
    max_grad_norm: float
    threshold: float

    def __post_init__(self) -> None:
        positive = ("vocab_size", "hidden_size", "layers", "heads", "intermediate_size", "head_size", "max_span_width")
        for key in positive:
            if getattr(self, key) < 1:
                raise ConfigError(f"spankl model: `{key}` must be ≥ 1, found {getattr(self, key)}")
        if self.max_positions < 3:
            raise ConfigError(f"spankl model: `max_positions` must hold [CLS], one piece and [SEP] (≥ 3), found {self.max_positions}")
        if self.hidden_size % self.heads:
            raise ConfigError(f"spankl model: `hidden_size` ({self.hidden_size}) must be a multiple of `heads` ({self.heads})")
        if not 0.0 < self.threshold < 1.0:
            raise ConfigError(f"spankl model: `threshold` is a probability in (0, 1), found {self.threshold}")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> SpanKLModelConfig:
        """The inverse of to_dict; an unknown key is an error (a typo must not fall back to a default)."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"spankl model: unknown key(s) {', '.join(unknown)}; valid keys: {', '.join(sorted(known))}")
        return cls(**data)
