"""`gencner predict --model DIR --input FILE [--output FILE]`: tag raw text with a saved model.

Input: one sentence per line, or jsonl (data/readers/plain.py). Output: jsonl, one line per input line:
{"tokens": [...], "entities": [{"start", "end" (exclusive), "type", "text", "confidence", "probs"}]}.
Every option and every input line is checked before the model is loaded, and the output file is
written atomically, so a mistake never costs a model load or an inference, nor leaves half a file."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from gencner.atomic import write_text
from gencner.cl.step_warnings import count_noun
from gencner.data.readers.plain import read_plain
from gencner.errors import ConfigError


def add_arguments(parser) -> None:
    parser.add_argument("--model", required=True, help="a model folder saved by a run (runs/<name>/steps/step-NN/model)")
    parser.add_argument("--input", required=True, help="text file (one sentence per line) or .jsonl; - for stdin")
    parser.add_argument("--output", default="-", help="jsonl file to write (default: stdout)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--beam-size", type=int, default=None, help="beam search width (default: the model's setting, greedy)")


def check_options(model: str, input: str, output: str, batch_size: int, beam_size: int | None) -> None:
    if batch_size < 1:
        raise ConfigError(f"--batch-size {batch_size} must be ≥ 1")
    if beam_size is not None and beam_size < 1:
        raise ConfigError(f"--beam-size {beam_size} must be ≥ 1")
    if not Path(model).is_dir():
        raise ConfigError(f"--model {model}: no such folder (a run saves its models in runs/<name>/steps/step-NN/model)")
    if input != "-" and not Path(input).is_file():
        raise ConfigError(f"--input {input}: no such file")
    if output != "-":
        target = Path(output)
        if target.is_dir():
            raise ConfigError(f"--output {output} is a folder; give the name of the jsonl file to write")
        if not target.parent.is_dir():
            raise ConfigError(f"--output {output}: the folder {target.parent} does not exist")
        if not os.access(target.parent, os.W_OK):
            raise ConfigError(f"--output {output}: the folder {target.parent} is not writable")
        if input != "-" and target.exists() and os.path.samefile(input, target):
            raise ConfigError(f"--output {output} is the --input file: the predictions would replace the sentences")


def check_device(device: str) -> None:
    """The device exists in this torch build and on this machine (torch would fail only once the model
    is moved there, with an AssertionError for CUDA on a CPU-only build)."""
    import torch

    try:
        kind = torch.device(device)
    except (RuntimeError, ValueError):
        raise ConfigError(f"--device {device!r} is not a device; use cpu, cuda or cuda:N") from None
    if kind.type == "cpu" or (kind.type == "mps" and torch.backends.mps.is_available()):
        return
    count = torch.cuda.device_count() if kind.type == "cuda" and torch.cuda.is_available() else 0
    if count == 0:
        raise ConfigError(f"--device {device}: no such device is available to this torch ({torch.__version__}); use --device cpu")
    if kind.index is not None and kind.index >= count:
        raise ConfigError(f"--device {device}: this machine has {count} CUDA device(s): cuda:0..cuda:{count - 1}")


def write_output(output: str, text: str) -> None:
    if output == "-":
        sys.stdout.write(text)
    elif Path(output).exists() and not Path(output).is_file():  # /dev/null, a pipe: nothing to replace
        try:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as exc:  # a write refused (a full device) names no file: the error line must
            raise OSError(exc.errno, exc.strerror, output) from None
    else:
        write_text(output, text)


def _parts(prediction) -> dict:
    """The probabilities a confidence is made of, where the model has several (the pointer's start,
    end and type indices; confidence = their minimum)."""
    probs = getattr(prediction, "probs", None)
    return {"probs": [round(p, 6) for p in probs]} if probs is not None else {}


def run(
    overrides: list[str],
    conf: str | None = None,
    model: str = "",
    input: str = "-",
    output: str = "-",
    batch_size: int = 64,
    device: str = "cpu",
    beam_size: int | None = None,
) -> int:
    if overrides:
        raise ConfigError(f"predict takes no key=value overrides (got {' '.join(overrides)})")
    check_options(model, input, output, batch_size, beam_size)
    sentences = read_plain(input)
    check_device(device)
    from gencner.families import load_model

    ner = load_model(Path(model), device=device)
    if not ner.types:  # a base model saved before step 1 would tag nothing, silently
        raise ConfigError(
            f"--model {model} knows no entity types (a base model before step 1?); give a step's model runs/<name>/steps/step-NN/model"
        )
    if beam_size is not None:
        if not hasattr(ner, "decoding"):  # a span scorer scores every span at once: nothing to search
            raise ConfigError(f"--beam-size: the model in {model} does not decode step by step")
        ner.decoding["beam_size"] = beam_size
    kept = [s for s in sentences if s.tokens]
    predictions, report = ner.predict(kept, batch_size, flat=True)
    by_idx = {s.idx: p for s, p in zip(kept, predictions)}
    lines = []
    for s in sentences:
        entities = [
            {"start": t.span.start, "end": t.span.end, "type": t.span.type, "text": s.mention(t.span), "confidence": round(t.confidence, 6)}
            | _parts(t)
            for t in by_idx.get(s.idx, [])
        ]
        lines.append(json.dumps({"tokens": list(s.tokens), "entities": entities}, ensure_ascii=False))
    write_output(output, "\n".join(lines) + ("\n" if lines else ""))
    summary = report.to_dict()
    print(
        f"gencner predict: {len(sentences)} sentences, {summary['triplets']} entities; "
        f"truncated sources {summary['truncated_sources']}, malformed outputs {sum(summary['malformed'].values())}",
        file=sys.stderr,
    )
    if summary["truncated_sources"]:
        print(
            f"gencner predict: warning: {count_noun(summary['truncated_sources'], 'sentence')} cut to the model's "
            f"{ner.max_source_tokens} source tokens; no entity is predicted past the cut",
            file=sys.stderr,
        )
    return 0
