"""Decode sentences into scored triplets: used for evaluation, pseudo-labelling and `gencner predict`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

import torch

from gencner.data.predictions import DecodeReport
from gencner.data.sampling import length_batches
from gencner.data.schema import Sentence
from gencner.distributed import active, gather_by_position, rank, shard, world_size
from gencner.families.pointer.batching import Collator, EncodedExample, Example, encode_examples, to_device
from gencner.families.pointer.beam import beam_decode
from gencner.families.pointer.decoding import greedy_decode, max_lengths
from gencner.families.pointer.encoding import OutputSpace, Parsed, SourceEncoder, Triplet, parse_indices
from gencner.families.pointer.network import PointerNetwork
from gencner.metrics.overlap import resolve_overlaps
from gencner.stopping import stop_if_requested


class DecodingModel(Protocol):
    """What decoding reads of a model (model.NerModel is one, and calls predict_sentences for its own
    predict): declared here, so that decoding does not import the module that delegates to it."""

    net: PointerNetwork
    tokenizer: Any
    types: list[str]
    decoding: dict

    @property
    def space(self) -> OutputSpace: ...

    @property
    def start_id(self) -> int: ...

    @property
    def type_ids(self) -> dict[str, int]: ...

    def source_encoder(self) -> SourceEncoder: ...


def finish_parse(parsed: Parsed, flat: bool, report: DecodeReport) -> list[Triplet]:
    """Count a parsed output into `report`; in flat data keep the most confident of overlapping triplets."""
    report.sentences += 1
    report.malformed.update(parsed.malformed)
    report.truncated_outputs += int(parsed.truncated)
    triplets = parsed.triplets
    if flat and len(triplets) > 1:
        kept, dropped = resolve_overlaps((t.span, t.confidence) for t in triplets)
        report.overlaps_dropped += dropped
        # in the decoder's own order (pseudo-labels keep the teacher's order); of exact repeats, the most
        # confident one
        best = {t.span: t for t in sorted(triplets, key=lambda t: t.confidence)}
        keep = set(kept)
        triplets = [t for t in triplets if t.span in keep and t is best[t.span]]
    report.triplets += len(triplets)
    return triplets


@torch.no_grad()
def decode_batch(model: DecodingModel, batch: dict, flat: bool, report: DecodeReport) -> list[list[Triplet]]:
    """Triplets for each sentence of a collated batch (tensors already on the model's device)."""
    net = model.net
    settings = model.decoding
    limits = max_lengths(batch["src_mask"], settings["max_length_base"], settings["max_length_ratio"])
    inputs = (net, batch["src_ids"], batch["src_mask"], batch["word_mask"], model.start_id, limits)
    if settings.get("beam_size", 1) > 1:
        out = beam_decode(*inputs, settings["beam_size"], settings["constrained"])
    else:
        out = greedy_decode(*inputs, settings["constrained"])
    length = batch["src_ids"].size(1)
    space = model.space
    # one copy to the host per batch, not two per row (each would wait for the GPU: 2,048 at batch 1,024)
    indices, probs = out.indices.tolist(), out.probs.tolist()
    results = []
    for row, source in enumerate(batch["sources"]):
        emitted = [i for i in indices[row] if i >= 0]
        canonical = [space.from_batch(i, length) for i in emitted]
        parsed = parse_indices(canonical, probs[row][: len(emitted)], source, space, model.types)
        report.truncated_sources += int(source.truncated)
        if source.truncated and "gold" in batch:
            report.truncated_entities += sum(1 for span in batch["gold"][row] if span.end > source.kept_words)
        results.append(finish_parse(parsed, flat, report))
    return results


def batches_by_length(encoded: Sequence[EncodedExample], batch_size: int) -> list[list[EncodedExample]]:
    """In source-length order, cut so that a batch pads little (data.sampling.length_batches);
    predictions are mapped back by position."""
    return [[encoded[i] for i in b] for b in length_batches([len(e.source.ids) for e in encoded], batch_size)]


def predict_sentences(
    model: DecodingModel,
    sentences: Sequence[Sentence],
    batch_size: int = 64,
    flat: bool = True,
    on_batch: Callable[[int], None] | None = None,
    bf16: bool = False,
) -> tuple[list[list[Triplet]], DecodeReport]:
    """Decode every sentence (in eval mode, on the model's device); results in input order. `bf16` runs
    the network under bfloat16 autocast on a GPU (scores and probabilities stay float32). In a
    multi-process run each rank decodes its share and every rank gets all results."""
    was_training = model.net.training
    model.net.eval()
    device = next(model.net.parameters()).device
    autocast = torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16 and device.type == "cuda")
    mine = shard(len(sentences))
    encoded, _ = encode_examples([Example(sentences[i]) for i in mine], model.source_encoder(), model.space, model.type_ids)
    collate = Collator(model.tokenizer.pad_token_id, model.space)
    report = DecodeReport()
    results: list[list[Triplet]] = [[] for _ in mine]
    for chunk in batches_by_length(encoded, batch_size):
        stop_if_requested()  # between batches: pseudo-labelling, testing and `gencner predict` stop here
        batch = to_device(collate(chunk), device)
        with autocast:
            decoded = decode_batch(model, batch, flat, report)
        for item, triplets in zip(chunk, decoded):
            results[item.position] = triplets
        if on_batch:
            on_batch(len(chunk) * world_size())
    model.net.train(was_training)
    if not active():
        return results, report
    merged = gather_by_position(mine, results, len(sentences))
    return merged, _sum_reports(report)


def _sum_reports(report: DecodeReport) -> DecodeReport:
    """The counts of every rank's share."""
    parts = gather_by_position([rank()], [report], world_size())
    total = DecodeReport()
    for part in parts:
        total.add(part)
    return total
