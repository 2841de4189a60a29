"""What a finished step had to cut, as console lines. The counts are in the step's result.json, but a
5,000-word sentence that loses 4,876 words and 48 entities must not pass unnoticed on the console."""

from __future__ import annotations

from gencner.results import StepResult


def count_noun(n: int, noun: str, plural: str | None = None) -> str:
    """ "1 word", "4,876 words"."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def _first(examples: list) -> str:
    return f" (first: {examples[0]})" if examples else ""


def step_warnings(result: StepResult, source_tokens: int) -> list[str]:
    """One line per kind of cut in a finished step whose sources were cut at `source_tokens` BPE tokens
    (model.max_source_tokens, as the model applies it)."""
    k, limit = result.step, f"model.max_source_tokens={source_tokens}"
    lines = []
    truncation = result.other.get("truncation") or {}
    train = truncation.get("train") or {}
    if train.get("sentences"):
        lines.append(
            f"step {k}: {count_noun(train['sentences'], 'training sentence')} cut to {limit}: "
            f"{count_noun(train['words'], 'word')} and {count_noun(train['target_entities'], 'target entity', 'target entities')} "
            f"not trained on{_first(train.get('examples'))}"
        )
    dev = truncation.get("dev") or {}
    if dev.get("sentences"):
        lines.append(
            f"step {k}: {count_noun(dev['sentences'], 'dev sentence')} cut to {limit}: "
            f"{count_noun(dev['words'], 'word')} not seen when choosing the best epoch{_first(dev.get('examples'))}"
        )
    for name, scored in result.tests.items():
        decode = scored.other.get("decode") or {}
        if decode.get("truncated_sources"):
            lines.append(
                f"step {k}: {count_noun(decode['truncated_sources'], 'test sentence')} ({name}) cut to {limit}: "
                f"{count_noun(decode['truncated_entities'], 'gold entity', 'gold entities')} past the cut scored as misses"
            )
    return lines
