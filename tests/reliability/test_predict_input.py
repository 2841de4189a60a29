"""`gencner predict` checks its options and reads its whole input before loading the model: a byte that
is not UTF-8, a bad --batch-size, an --output folder that does not exist or a --device this torch cannot
use is one line naming it (exit code 2), and the model is never loaded. A byte-order mark is not part of
the first word. The input reader is fuzzed on random bytes, random unicode, very long and empty lines:
one sentence per line, or an error naming a line of the input."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reader_strategies import fuzz, words
from reliability_support import FULL_DEVICE, TINY, assert_ends_with_error, assert_one_line_error, run_cli, run_cli_onto_full_device

from gencner.cli import main
from gencner.config import load_config
from gencner.data.readers.common import decoded_lines
from gencner.data.readers.plain import sentences_from_lines
from gencner.errors import DataError

BOM = "\ufeff"
SOURCE = "input.txt"


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    """A tiny saved model with random weights: enough to be loaded and to decode."""
    from gencner.families.pointer.io import save_model
    from gencner.families.pointer.model import build_model

    model = build_model(load_config(TINY).model, "John Smith visited Paris with Acme Corp".split() * 5, {}, seed=1)
    model.add_types(["PER", "ORG"])
    return save_model(model, tmp_path_factory.mktemp("predict") / "model")


@pytest.fixture
def no_model_load(monkeypatch):
    """Fails the test if the command gets as far as loading the model."""
    import gencner.families.pointer.io

    def refuse(*args, **kwargs):
        raise AssertionError("the model was loaded before the input and options were checked")

    monkeypatch.setattr(gencner.families.pointer.io, "load_model", refuse)


def predict(capsys, model_dir, path, *extra) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["predict", "--model", str(model_dir), "--input", str(path), *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def text_file(tmp_path, data: bytes, name: str = SOURCE):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_input_that_is_not_utf8_names_the_line_before_the_model_loads(model_dir, tmp_path, capsys, no_model_load):
    path = text_file(tmp_path, b"Paris is nice\n" + b"caf\xe9 au lait\n")
    code, out, err = predict(capsys, model_dir, path)
    assert_one_line_error(code, out, err, "predict", [f"{path}:2: not valid UTF-8"])


@pytest.mark.parametrize("size", ["0", "-1"])
def test_a_batch_size_below_1_is_refused_before_the_model_loads(model_dir, tmp_path, capsys, no_model_load, size):
    # -1 used to decode nothing and write every sentence without entities, exit code 0
    code, out, err = predict(capsys, model_dir, text_file(tmp_path, b"Paris\n"), "--batch-size", size)
    assert_one_line_error(code, out, err, "predict", [f"--batch-size {size} must be ≥ 1"])


def test_an_output_folder_that_does_not_exist_is_refused_before_inference(model_dir, tmp_path, capsys, no_model_load):
    target = tmp_path / "missing" / "out.jsonl"
    code, out, err = predict(capsys, model_dir, text_file(tmp_path, b"Paris\n"), "--output", str(target))
    assert_one_line_error(code, out, err, "predict", [f"--output {target}: the folder {target.parent} does not exist"])
    assert not target.parent.exists()


@pytest.mark.parametrize(
    "device, fragment",
    [
        ("cuda", "--device cuda: no such device is available"),
        ("cuda:1", "--device cuda:1: no such device is available"),
        ("gpu0", "--device 'gpu0' is not a device"),
    ],
)
def test_a_device_this_torch_cannot_use_is_refused_before_the_model_loads(
    model_dir, tmp_path, capsys, monkeypatch, no_model_load, device, fragment
):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)  # a CPU-only build, on any machine
    code, out, err = predict(capsys, model_dir, text_file(tmp_path, b"Paris\n"), "--device", device)
    assert_one_line_error(code, out, err, "predict", [fragment])


def test_a_byte_order_mark_is_not_part_of_the_first_word(model_dir, tmp_path, capsys):
    for name, line in (("input.txt", "Paris is nice"), ("input.jsonl", json.dumps({"tokens": ["Paris", "is"]}))):
        target = tmp_path / f"{name}.out"
        code, out, err = predict(capsys, model_dir, text_file(tmp_path, (BOM + line + "\n").encode(), name), "--output", str(target))
        assert code == 0, err
        rows = [json.loads(row) for row in target.read_text(encoding="utf-8").splitlines()]
        assert rows[0]["tokens"][0] == "Paris", (name, rows)


# ---- the input reader, fuzzed -------------------------------------------------------------------------


def line_count(data: bytes) -> int:
    """Lines of a file read as bytes: split at b"\\n" only, a last line without one counted too."""
    return 0 if not data else data.count(b"\n") + (0 if data.endswith(b"\n") else 1)


def expected_lines(data: bytes) -> list[str] | int:
    """The text of each line, or the number of the first line that is not UTF-8."""
    pieces = data.split(b"\n")[: line_count(data)]
    texts = []
    for number, piece in enumerate(pieces, start=1):
        try:
            texts.append(piece.decode("utf-8-sig" if number == 1 else "utf-8"))
        except UnicodeDecodeError:
            return number
    return texts


def read_bytes(data: bytes, jsonl: bool):
    return sentences_from_lines(decoded_lines(io.BytesIO(data), SOURCE), SOURCE, jsonl)


long_line = st.tuples(words(forbid_space_like=True), st.integers(1_000, 20_000)).map(lambda wn: " ".join([wn[0]] * wn[1]))
text_line = st.lists(words(), max_size=6).map(" ".join) | st.text(max_size=30).map(lambda s: s.replace("\n", " "))
unicode_files = st.builds(
    lambda lines, bom, end: (BOM if bom else "") + "\n".join(lines) + end,
    st.lists(text_line | long_line | st.just(""), max_size=6),
    st.booleans(),
    st.sampled_from(["", "\n", "\r\n"]),
).map(lambda text: text.encode("utf-8"))


@fuzz(150)
@given(data=st.binary(max_size=200) | unicode_files)
def test_plain_input_is_one_sentence_per_line_or_names_the_first_bad_line(data):
    expected = expected_lines(data)
    if isinstance(expected, int):
        with pytest.raises(DataError) as caught:
            read_bytes(data, jsonl=False)
        assert caught.value.line == expected and str(caught.value).startswith(f"{SOURCE}:{expected}: ")
        assert len(str(caught.value).splitlines()) == 1
        return
    sentences = read_bytes(data, jsonl=False)
    assert [list(s.tokens) for s in sentences] == [text.split() for text in expected]
    assert [s.idx for s in sentences] == list(range(len(expected)))
    if sentences and sentences[0].tokens:
        assert not sentences[0].tokens[0].startswith(BOM)


json_line = st.lists(words(), max_size=5).map(lambda t: json.dumps({"tokens": t}, ensure_ascii=False)) | st.lists(
    words(forbid_space_like=True), max_size=5
).map(lambda t: json.dumps({"text": " ".join(t)}))
junk_line = st.text(max_size=20).map(lambda s: s.replace("\n", " ")) | st.sampled_from(["{", "[]", "1", '{"tokens": "a"}'])


@fuzz(100)
@given(lines=st.lists(json_line | st.just(""), max_size=6), junk=st.none() | st.tuples(st.integers(0, 5), junk_line), bom=st.booleans())
def test_jsonl_input_is_one_sentence_per_line_or_names_a_line(lines, junk, bom):
    if junk is not None:
        lines.insert(junk[0] % (len(lines) + 1), junk[1])
    data = ((BOM if bom else "") + "\n".join(lines)).encode("utf-8")
    try:
        sentences = read_bytes(data, jsonl=True)
    except DataError as err:
        assert junk is not None, err  # every generated line is valid
        assert 1 <= err.line <= len(lines) and str(err).startswith(f"{SOURCE}:{err.line}: ")
        return
    assert len(sentences) == line_count(data)
    if junk is None:
        decoded = [json.loads(text) if text.strip() else {} for text in expected_lines(data)]
        assert [list(s.tokens) for s in sentences] == [d.get("tokens", d.get("text", "").split()) for d in decoded]


def test_the_cli_answers_long_empty_and_odd_lines_one_for_one(model_dir, tmp_path):
    lines = ["", "Paris " * 3000, "\u05e9\u05dc\u05d5\u05dd \U0001f600 e\u0301", "", "John Smith visited Paris"]
    path = text_file(tmp_path, (BOM + "\n".join(lines) + "\n").encode())
    done = run_cli("predict", "--model", str(model_dir), "--input", str(path), timeout=120)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(row) for row in done.stdout.splitlines()]
    assert [row["tokens"] for row in rows] == [line.split() for line in lines]
    assert "Traceback" not in done.stderr
    assert "warning: 1 sentence cut to the model's 250 source tokens" in done.stderr


def test_an_output_that_is_the_input_file_is_refused_and_the_input_kept(model_dir, tmp_path, capsys, no_model_load):
    path = text_file(tmp_path, b"Paris is nice\n")
    code, out, err = predict(capsys, model_dir, path, "--output", str(path))
    assert_one_line_error(code, out, err, "predict", [f"--output {path} is the --input file"])
    assert path.read_bytes() == b"Paris is nice\n"


def test_a_model_that_knows_no_types_is_refused_instead_of_tagging_nothing(tmp_path, capsys):
    from gencner.families.pointer.io import save_model
    from gencner.families.pointer.model import build_model

    base = build_model(load_config(TINY).model, "John Smith visited Paris".split() * 5, {}, seed=1)  # as before step 1
    folder = save_model(base, tmp_path / "base")
    code, out, err = predict(capsys, folder, text_file(tmp_path, b"John Smith visited Paris\n"))
    assert_one_line_error(code, out, err, "predict", [f"--model {folder} knows no entity types"])


@pytest.mark.skipif(not FULL_DEVICE.exists(), reason="needs /dev/full")
def test_predictions_onto_a_full_stdout_are_one_line_and_exit_code_2(model_dir, tmp_path):
    source = text_file(tmp_path, b"John Smith visited Paris\n")
    done = run_cli_onto_full_device("predict", "--model", str(model_dir), "--input", str(source))
    assert "Exception ignored" not in done.stderr, done.stderr
    assert_ends_with_error(done.returncode, done.stderr, "predict", ["No space left on device"])


@pytest.mark.skipif(not FULL_DEVICE.exists(), reason="needs /dev/full")
def test_an_output_file_on_a_full_device_is_named_in_one_line_and_exit_code_2(capsys, model_dir, tmp_path):
    source = text_file(tmp_path, b"John Smith visited Paris\n")
    code, _, err = predict(capsys, model_dir, source, "--output", str(FULL_DEVICE))
    assert_ends_with_error(code, err, "predict", [f"error: {FULL_DEVICE}: No space left on device"])
