"""`gencner predict --model DIR --input FILE [--output FILE]` on a model saved by a quick training run: one
jsonl line per input line, entities with confidences, one-line errors with exit code 2 for bad input."""

from __future__ import annotations

import json

import pytest
import torch

from gencner.cli import main
from gencner.config import load_config
from gencner.data.corpus import load_corpus
from gencner.data.schema import Sentence
from gencner.families.pointer.inference import predict_sentences
from gencner.families.pointer.io import load_model

QUICK = [
    "setting=offline",
    "model=tiny",
    "model.denoise_epochs=0",
    "dataset.synthetic.train=300",
    "dataset.synthetic.dev=40",
    "dataset.synthetic.test=40",
    "trainer.max_epochs=3",
    "trainer.progress=false",
    "logger=none",
    "name=quick",
]


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread():
    """A tiny model runs fastest on one thread (a second thread waiting for a busy core slows every op)."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs")
    assert main(["train", *QUICK, f"output_dir={out}"]) == 0
    return out / "quick" / "steps" / "step-01" / "model"


@pytest.fixture(scope="module")
def test_sentences():
    return [s.tokens for s in load_corpus(load_config(QUICK).dataset).test[:12]]


def predict(capsys, model_dir, path, *extra):
    capsys.readouterr()
    code = main(["predict", "--model", str(model_dir), "--input", str(path), *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def check_entities(row, types):
    for e in row["entities"]:
        assert set(e) == {"start", "end", "type", "text", "confidence", "probs"}
        assert 0 <= e["start"] < e["end"] <= len(row["tokens"])
        assert e["type"] in types
        assert e["text"] == " ".join(row["tokens"][e["start"] : e["end"]])
        assert len(e["probs"]) == 3 and all(0 < p <= 1 for p in e["probs"])
        assert e["confidence"] == min(e["probs"])
    return len(row["entities"])


def test_plain_text_gives_one_line_per_input_line_with_scored_entities(model_dir, test_sentences, tmp_path, capsys):
    lines = [" ".join(test_sentences[0]), "", "  ".join(test_sentences[1]) + "  ", *(" ".join(t) for t in test_sentences[2:])]
    path = tmp_path / "input.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = predict(capsys, model_dir, path)
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == len(lines)
    assert [row["tokens"] for row in rows] == [line.split() for line in lines]
    assert rows[1] == {"tokens": [], "entities": []}
    model = load_model(model_dir)
    assert sum(check_entities(row, model.types) for row in rows) > 0
    # the same triplets as decoding the sentences directly, each on its own input line
    kept = [Sentence(tuple(line.split())) for line in lines if line.split()]
    direct, _ = predict_sentences(model, kept)
    produced = [row for row in rows if row["tokens"]]
    for row, triplets in zip(produced, direct):
        assert [(e["start"], e["end"], e["type"]) for e in row["entities"]] == [(t.span.start, t.span.end, t.span.type) for t in triplets]
        assert [e["probs"] for e in row["entities"]] == [[round(p, 6) for p in t.probs] for t in triplets]
    assert f"{len(lines)} sentences" in err


def test_jsonl_with_tokens_or_text_gives_one_line_per_input_line(model_dir, test_sentences, tmp_path, capsys):
    items = [
        {"tokens": list(test_sentences[0])},
        {"text": " ".join(test_sentences[1])},
        {"tokens": ["Zürich", "東京", "!"]},
        {"text": ""},
        {"tokens": list(test_sentences[2]), "id": 7},
    ]
    path = tmp_path / "input.jsonl"
    path.write_text("\n".join(json.dumps(item, ensure_ascii=False) for item in items) + "\n", encoding="utf-8")
    code, out, _ = predict(capsys, model_dir, path)
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == len(items)
    expected = [item["tokens"] if "tokens" in item else item["text"].split() for item in items]
    assert [row["tokens"] for row in rows] == expected
    assert rows[3]["entities"] == []
    types = load_model(model_dir).types
    assert sum(check_entities(row, types) for row in rows) > 0


@pytest.mark.parametrize(
    "bad_line",
    ['{"tokens": ["Paris", "is"', '{"tokens": "Paris is"}', '{"tokens": ["Paris", ""]}', '["Paris"]', '{"words": ["Paris"]}'],
    ids=["invalid json", "tokens not a list", "empty token", "not an object", "neither tokens nor text"],
)
def test_a_malformed_jsonl_line_exits_2_naming_file_and_line(model_dir, tmp_path, capsys, bad_line):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"tokens": ["Paris"]}\n\n' + bad_line + "\n", encoding="utf-8")
    code, out, err = predict(capsys, model_dir, path)
    assert code == 2
    assert out == ""
    assert err.startswith("gencner predict: error: ") and f"{path}:3:" in err
    assert len(err.strip().splitlines()) == 1


def test_output_option_writes_the_jsonl_to_a_file(model_dir, test_sentences, tmp_path, capsys):
    path = tmp_path / "input.txt"
    path.write_text("\n".join(" ".join(t) for t in test_sentences[:4]) + "\n", encoding="utf-8")
    code, to_stdout, _ = predict(capsys, model_dir, path)
    assert code == 0
    target = tmp_path / "out" / "predictions.jsonl"
    target.parent.mkdir()
    code, out, err = predict(capsys, model_dir, path, "--output", str(target))
    assert code == 0 and out == ""
    written = target.read_text(encoding="utf-8")
    assert written == to_stdout and len(written.splitlines()) == 4
    assert "4 sentences" in err


def test_a_model_folder_without_gencner_json_is_a_one_line_error(model_dir, tmp_path, capsys):
    path = tmp_path / "input.txt"
    path.write_text("Paris\n", encoding="utf-8")
    code, out, err = predict(capsys, tmp_path, path)
    assert code == 2 and out == ""
    assert "not a complete saved gencner model" in err and len(err.strip().splitlines()) == 1


def test_a_missing_input_file_is_a_one_line_error(model_dir, tmp_path, capsys):
    code, _, err = predict(capsys, model_dir, tmp_path / "missing.txt")
    assert code == 2 and "missing.txt" in err
