"""`gencner predict --model DIR --input FILE [--output FILE]`: tag raw text with a saved model.

Input: one sentence per line (words separated by whitespace), or jsonl with either "tokens" (a list of
words) or "text" (split on whitespace). Output: jsonl, one line per input sentence:
{"tokens": [...], "entities": [{"start", "end" (exclusive), "type", "text", "confidence", "probs"}]}.
Empty lines are kept as sentences without entities, so output line i always answers input line i."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from gencner.data.schema import Sentence
from gencner.errors import ConfigError, DataError, GencnerError


def add_arguments(parser) -> None:
    parser.add_argument("--model", required=True, help="a model folder saved by a run (runs/<name>/steps/step-NN/model)")
    parser.add_argument("--input", required=True, help="text file (one sentence per line) or .jsonl; - for stdin")
    parser.add_argument("--output", default="-", help="jsonl file to write (default: stdout)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--beam-size", type=int, default=None, help="beam search width (default: the model's setting, greedy)")


def read_sentences(path: str) -> list[Sentence]:
    if path != "-" and not Path(path).is_file():
        raise ConfigError(f"--input {path}: no such file")
    handle = sys.stdin if path == "-" else open(path, encoding="utf-8")
    jsonl = path.endswith(".jsonl")
    sentences = []
    with handle:
        for number, line in enumerate(handle, start=1):
            tokens = _tokens(line, jsonl, path, number)
            sentences.append(Sentence(tuple(tokens), (), number - 1, f"{path}:{number}"))
    return sentences


def _tokens(line: str, jsonl: bool, path: str, number: int) -> list[str]:
    if not jsonl:
        return line.split()
    if not line.strip():
        return []
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        raise DataError(path, number, f"invalid JSON: {exc.msg}") from None
    tokens = item.get("tokens") if isinstance(item, dict) else None
    if tokens is None and isinstance(item, dict) and isinstance(item.get("text"), str):
        tokens = item["text"].split()
    if not isinstance(tokens, list) or not all(isinstance(t, str) and t for t in tokens):
        raise DataError(path, number, 'expected {"tokens": [non-empty strings]} or {"text": "..."}')
    return tokens


def run(overrides: list[str], conf: str | None = None, model: str = "", input: str = "-", output: str = "-",
        batch_size: int = 64, device: str = "cpu", beam_size: int | None = None) -> int:
    if overrides:
        raise GencnerError(f"predict takes no key=value overrides (got {' '.join(overrides)})")
    from gencner.model.inference import predict_sentences
    from gencner.model.io import load_model

    if not Path(model).is_dir():
        raise ConfigError(f"--model {model}: no such folder (a run saves its models in runs/<name>/steps/step-NN/model)")
    ner = load_model(Path(model), device=device)
    if beam_size is not None:
        if beam_size < 1:
            raise GencnerError(f"--beam-size {beam_size} must be ≥ 1")
        ner.decoding["beam_size"] = beam_size
    sentences = read_sentences(input)
    kept = [s for s in sentences if s.tokens]
    predictions, report = predict_sentences(ner, kept, batch_size, flat=True)
    by_idx = {s.idx: p for s, p in zip(kept, predictions)}
    lines = []
    for s in sentences:
        entities = [{"start": t.span.start, "end": t.span.end, "type": t.span.type, "text": s.mention(t.span),
                     "confidence": round(t.confidence, 6), "probs": [round(p, 6) for p in t.probs]} for t in by_idx.get(s.idx, [])]
        lines.append(json.dumps({"tokens": list(s.tokens), "entities": entities}, ensure_ascii=False))
    text = "\n".join(lines) + ("\n" if lines else "")
    if output == "-":
        sys.stdout.write(text)
    else:
        Path(output).write_text(text, encoding="utf-8")
    summary = report.to_dict()
    print(f"gencner predict: {len(sentences)} sentences, {summary['triplets']} entities; "
          f"truncated sources {summary['truncated_sources']}, malformed outputs {sum(summary['malformed'].values())}", file=sys.stderr)
    return 0
