"""Words → piece ids and pointer targets, and generated indices → word spans (docs/methods.md, "The pointer model").

Source: each word is tokenised on its own as the one-word pre-split input " word" (the space makes a
byte-level BPE read it as BART reads a word inside a sentence, whatever its add_prefix_space says;
SentencePiece reads "▁word", WordPiece "word"), its pieces read off the fast tokenizer's word ids,
concatenated between the model's start and end markers (<s> … </s> for BART, … </s> for T5,
[CLS] … [SEP] for BERT), and each word's first-piece position is remembered.
Target: per entity (start, end, type) with start = first piece of the first word, end = first piece of
the last word, then EOS.

Output space (n-shift): canonical indices 0..n-1 point at source positions, n is EOS, n+1+t is entity type
t (in the order types were learned). n is fixed per model, so adding types never moves an index: a teacher's
output space is a prefix of its student's. Inside a batch with source length L the logits are laid out
[positions 0..L-1 | EOS | types]; `OutputSpace.to_batch`/`from_batch` convert.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from gencner.data.encoded_words import EncodedWords
from gencner.data.schema import Sentence, Span
from gencner.errors import GencnerError
from gencner.families.pointer.backbones import boundary_ids


@dataclass(frozen=True)
class OutputSpace:
    n_positions: int
    n_types: int

    @property
    def eos(self) -> int:
        return self.n_positions

    def type_index(self, t: int) -> int:
        return self.n_positions + 1 + t

    def type_of(self, index: int) -> int | None:
        t = index - self.n_positions - 1
        return t if 0 <= t < self.n_types else None

    def to_batch(self, index: int, length: int) -> int:
        return index if index < self.n_positions else index - self.n_positions + length

    def from_batch(self, index: int, length: int) -> int:
        return index if index < length else index - length + self.n_positions


# the pointer's sources: <s> pieces </s>
EncodedSource = EncodedWords


class SourceEncoder:
    """Word-by-word pieces with a cache (a corpus has far fewer distinct words than tokens)."""

    def __init__(self, tokenizer, max_tokens: int):
        if not getattr(tokenizer, "is_fast", False):
            raise GencnerError(f"the pointer family needs a fast tokenizer (word ids); {type(tokenizer).__name__} is not one")
        self.tokenizer = tokenizer
        self.max_tokens = max_tokens
        self.bos, self.eos = boundary_ids(tokenizer)
        self.pad = tokenizer.pad_token_id
        self._pieces: dict[str, tuple[int, ...]] = {}

    def _fill_cache(self, words: set[str]) -> None:
        new = sorted(w for w in words if w not in self._pieces)
        if not new:
            return
        # split_special_tokens: a word that reads "<pad>" or "</s>" is text, not a control token
        encoded = self.tokenizer([[" " + w] for w in new], is_split_into_words=True, add_special_tokens=False, split_special_tokens=True)
        for row, word in enumerate(new):
            ids = [i for i, w in zip(encoded["input_ids"][row], encoded.word_ids(row)) if w == 0]
            # An empty encoding would make a word unaddressable: fall back to <unk>.
            self._pieces[word] = tuple(ids) or (self.tokenizer.unk_token_id,)

    def encode(self, tokens: Sequence[str]) -> EncodedSource:
        self._fill_cache(set(tokens))
        ids, starts = ([self.bos] if self.bos is not None else []), []
        for word in tokens:
            pieces = self._pieces[word]
            if len(ids) + len(pieces) + 1 > self.max_tokens:
                break  # truncated: the caller counts the lost words and entities
            starts.append(len(ids))
            ids.extend(pieces)
        ids.append(self.eos)
        return EncodedSource(tuple(ids), tuple(starts), len(tokens))

    def encode_many(self, sentences: Sequence[Sentence]) -> list[EncodedSource]:
        self._fill_cache({w for s in sentences for w in s.tokens})
        return [self.encode(s.tokens) for s in sentences]


def target_indices(spans: Sequence[Span], source: EncodedSource, space: OutputSpace, type_ids: dict[str, int]) -> tuple[list[int], int]:
    """Canonical target indices for `spans` in the given order, then EOS; and how many spans were
    left out because their words were truncated."""
    out: list[int] = []
    lost = 0
    for span in spans:
        if span.type not in type_ids:
            raise ValueError(f"target type {span.type!r} is not among the model's types {sorted(type_ids)}")
        if span.end > source.kept_words:
            lost += 1
            continue
        out += [source.word_starts[span.start], source.word_starts[span.end - 1], space.type_index(type_ids[span.type])]
    out.append(space.eos)
    return out, lost


@dataclass(frozen=True)
class Triplet:
    span: Span
    probs: tuple[float, float, float]  # of the start, end and type indices

    @property
    def confidence(self) -> float:
        return min(self.probs)


@dataclass
class Parsed:
    triplets: list[Triplet] = field(default_factory=list)
    malformed: Counter = field(default_factory=Counter)
    truncated: bool = False  # no EOS within the length limit


def parse_indices(
    indices: Sequence[int], probs: Sequence[float], source: EncodedSource, space: OutputSpace, types: Sequence[str]
) -> Parsed:
    """Generated canonical indices → triplets: cut at the first EOS, group by three, drop and count
    malformed groups (by reason)."""
    result = Parsed()
    end = next((i for i, x in enumerate(indices) if x == space.eos), None)
    if end is None:
        result.truncated = True
        end = len(indices)
    word_of = {pos: w for w, pos in enumerate(source.word_starts)}
    for g in range(0, end, 3):
        group = list(indices[g : min(g + 3, end)])
        if result.truncated and len(group) < 3:
            break  # cut by the length limit: counted as a truncated output, not as a malformed one
        reason = _malformed(group, word_of, space)
        if reason:
            result.malformed[reason] += 1
            continue
        start_w, end_w, t = word_of[group[0]], word_of[group[1]], space.type_of(group[2])
        span = Span(start_w, end_w + 1, types[t])
        result.triplets.append(Triplet(span, tuple(float(p) for p in probs[g : g + 3])))
    return result


def _malformed(group: list[int], word_of: dict[int, int], space: OutputSpace) -> str | None:
    if len(group) < 3:
        return "incomplete triplet before EOS"
    start, end, type_ = group
    if start not in word_of or end not in word_of:
        return "start or end is not a word-start position"
    if end < start:
        return "end before start"
    if space.type_of(type_) is None:
        return "third element is not a type"
    return None
