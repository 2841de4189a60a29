"""Hand-made sentences with gold, a tiny SpanKL config and small helpers for the SpanKL tests."""

from __future__ import annotations

from gencner.data.schema import Sentence, Span
from gencner.families.spankl import SpanKLModelConfig


def sentence(text: str, *spans: tuple[int, int, str], idx: int = 0) -> Sentence:
    return Sentence(tuple(text.split()), tuple(Span(*s) for s in spans), idx=idx)


SENTENCES = [
    sentence("John Smith visited Paris on Monday .", (0, 2, "PER"), (3, 4, "LOC"), idx=0),
    sentence("Maria Garcia lives in Berlin .", (0, 2, "PER"), (4, 5, "LOC"), idx=1),
    sentence("Acme Corp hired Lee Chen in Madrid .", (0, 2, "ORG"), (3, 5, "PER"), (6, 7, "LOC"), idx=2),
    sentence("the cat sat on the mat .", idx=3),
    sentence("Globex Inc opened an office in Rome .", (0, 2, "ORG"), (6, 7, "LOC"), idx=4),
    sentence("Anna Berg met Tom Ford at Initech .", (0, 2, "PER"), (3, 5, "PER"), (6, 7, "ORG"), idx=5),
]
WORDS = [w for s in SENTENCES for w in s.tokens] * 3


def tiny_config(**overrides) -> SpanKLModelConfig:
    settings = dict(
        name="spankl-test",
        pretrained=None,
        tokenizer=None,
        vocab_size=120,
        hidden_size=32,
        layers=1,
        heads=2,
        intermediate_size=64,
        dropout=0.0,
        word_dropout=0.0,
        max_positions=64,
        head_size=8,
        max_span_width=4,
        mlm_epochs=0,
        mlm_lr=1e-3,
        encoder_lr=5e-5,
        head_lr=1e-3,
        weight_decay=0.01,
        warmup_steps=200,
        max_grad_norm=1.0,
        threshold=0.5,
    )
    return SpanKLModelConfig(**(settings | overrides))


def batch_of(model, sentences, gold_types=()):
    """One SpanCollator batch of `sentences`, with gold of `gold_types` (the sentences' gold restricted
    to them first, as a stream restricts a step's training gold to its label types)."""
    examples, _ = model.training_examples([s.restrict(gold_types) for s in sentences], gold_types)
    return model.collator()(examples)
