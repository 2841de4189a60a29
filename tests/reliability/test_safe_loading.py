"""Model folders are read through safetensors and JSON only: damaged weights, a damaged gencner.json, a
head that does not fit, or pickled weights give one clear GencnerError, and nothing in src/ unpickles."""

from __future__ import annotations

import ast
import builtins
import errno
import json
import os
import pickle
import shutil
from pathlib import Path

import pytest
import torch
from reliability_support import TINY

from gencner.config import load_config
from gencner.errors import GencnerError

SRC = Path(__file__).resolve().parents[2] / "src" / "gencner"
WEIGHT_FILES = ["model.safetensors", "pointer_head.safetensors"]


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> Path:
    from gencner.families.pointer.io import save_model
    from gencner.families.pointer.model import build_model

    model = build_model(load_config(TINY).model, "John Smith visited Paris with Acme Corp".split() * 5, {}, seed=1)
    model.add_types(["PER", "ORG"])
    return save_model(model, tmp_path_factory.mktemp("saved") / "model")


@pytest.fixture
def copy(saved, tmp_path) -> Path:
    return Path(shutil.copytree(saved, tmp_path / "model"))


def load_error(folder: Path) -> str:
    from gencner.families.pointer.io import load_model

    with pytest.raises(GencnerError) as caught:
        load_model(folder)
    message = str(caught.value)
    assert len(message.splitlines()) == 1, message
    assert str(folder) in message
    assert caught.value.__cause__ is None and (caught.value.__context__ is None or caught.value.__suppress_context__)
    return message


def header_length(data: bytes) -> int:
    return int.from_bytes(data[:8], "little")


def truncate_half(data: bytes) -> bytes:
    return data[: len(data) // 2]


def truncate_inside_header(data: bytes) -> bytes:
    return data[:20]


def empty(data: bytes) -> bytes:
    return b""


def flip_header_length(data: bytes) -> bytes:
    return bytes([data[0] ^ 0xFF]) + data[1:]


def flip_header_length_high_byte(data: bytes) -> bytes:
    return data[:7] + bytes([data[7] ^ 0x01]) + data[8:]


def flip_header_json(data: bytes) -> bytes:
    at = 8 + header_length(data) // 2
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]


def break_header_json(data: bytes) -> bytes:
    at = 8 + data[8:].index(b":")  # a key's colon: valid UTF-8, invalid JSON
    return data[:at] + b";" + data[at + 1 :]


def drop_last_bytes(data: bytes) -> bytes:
    return data[:-3]


def flip_data(data: bytes) -> bytes:
    at = 8 + header_length(data) + 5
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]


DAMAGES = [
    truncate_half,
    truncate_inside_header,
    empty,
    flip_header_length,
    flip_header_length_high_byte,
    flip_header_json,
    break_header_json,
    drop_last_bytes,
]


@pytest.mark.parametrize("damage", DAMAGES, ids=[d.__name__ for d in DAMAGES])
@pytest.mark.parametrize("name", WEIGHT_FILES)
def test_a_damaged_weights_file_gives_a_clear_error(copy, name, damage):
    path = copy / name
    path.write_bytes(damage(path.read_bytes()))
    assert "truncated or altered" in load_error(copy)


def refuse_reading(monkeypatch, file: Path) -> None:
    """`file` without read permission, faked (root reads every file): opening it fails as for a user."""
    real = builtins.open

    def guarded(name, *args, **kwargs):
        if Path(name) == file:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(name))
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded)


@pytest.mark.parametrize("name", WEIGHT_FILES)
def test_an_unreadable_weights_file_is_named_as_unreadable_not_as_damaged(copy, monkeypatch, name):
    refuse_reading(monkeypatch, copy / name)
    assert load_error(copy) == f"cannot read {copy / name}: Permission denied"


@pytest.mark.parametrize("name", WEIGHT_FILES)
def test_a_flipped_byte_in_the_tensor_data_gives_a_clear_error(copy, name):
    path = copy / name
    path.write_bytes(flip_data(path.read_bytes()))
    assert "SHA-256 differs" in load_error(copy)


def edit_meta(folder: Path, change) -> None:
    path = folder / "gencner.json"
    path.write_text(change(json.loads(path.read_text(encoding="utf-8"))), encoding="utf-8")


META_DAMAGES = {
    "not JSON": (lambda meta: '{"types": ["PER",', "gencner.json: not valid JSON"),
    "a list": (lambda meta: "[]", "gencner.json: expected a JSON object, found list"),
    "no types": (
        lambda meta: json.dumps({k: v for k, v in meta.items() if k != "types"}),
        "gencner.json: `types` must be a list of type labels, found nothing",
    ),
    "types as text": (lambda meta: json.dumps(meta | {"types": "PER ORG"}), "`types` must be a list"),
    "n_positions as text": (lambda meta: json.dumps(meta | {"n_positions": "250"}), "`n_positions` must be an int"),
    "decoding as null": (lambda meta: json.dumps(meta | {"decoding": None}), "`decoding` must be an object"),
    "one type too many": (
        lambda meta: json.dumps(meta | {"types": ["PER", "ORG", "LOC"]}),
        "gencner.json lists 3 types but the head has 2",
    ),
    "one type too few": (lambda meta: json.dumps(meta | {"types": ["PER"]}), "lists 1 types but the head has 2"),
}


@pytest.mark.parametrize("change, expected", META_DAMAGES.values(), ids=list(META_DAMAGES))
def test_a_damaged_gencner_json_gives_a_clear_error(copy, change, expected):
    edit_meta(copy, change)
    assert expected in load_error(copy)


def rewrite_head(folder: Path, change) -> None:
    from safetensors.torch import load_file, save_file

    head = load_file(str(folder / "pointer_head.safetensors"))
    save_file(change(head), str(folder / "pointer_head.safetensors"))


def test_a_head_without_type_token_ids_gives_a_clear_error(copy):
    rewrite_head(copy, lambda head: {k: v for k, v in head.items() if k != "type_token_ids"})
    assert "no tensor 'type_token_ids'" in load_error(copy)


def test_a_head_of_another_width_gives_a_clear_error(copy):
    rewrite_head(copy, lambda head: {k: (torch.zeros(3, 3) if k.endswith("0.weight") else v) for k, v in head.items()})
    assert "pointer_head.safetensors: does not match the model" in load_error(copy)


def test_a_head_with_another_type_count_gives_a_clear_error(copy):
    rewrite_head(copy, lambda head: head | {"type_token_ids": head["type_token_ids"][:1].clone()})
    assert "lists 2 types but the head has 1" in load_error(copy)


class WritesAFileWhenUnpickled:
    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_pickled_weights_are_never_unpickled(copy, tmp_path):
    marker = tmp_path / "unpickled"
    (copy / "model.safetensors").unlink()
    with open(copy / "pytorch_model.bin", "wb") as handle:
        pickle.dump({"payload": WritesAFileWhenUnpickled(marker)}, handle)
    assert "missing model.safetensors" in load_error(copy)
    assert not marker.exists()


# ---- the source: no pickle-based loading anywhere ------------------------------------------------------

PICKLE_MODULES = {"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "joblib", "shelve", "marshal"}


def unsafe_loads(path: Path, root: Path) -> list[str]:
    """torch.load without weights_only=True, and any import of a pickle-like module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        where = f"{path.relative_to(root)}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Call):
            name = ast.unparse(node.func)
            if name in ("torch.load", "torch.serialization.load"):
                safe = any(k.arg == "weights_only" and isinstance(k.value, ast.Constant) and k.value.value is True for k in node.keywords)
                if not safe:
                    found.append(f"{where}: {name}(...) without weights_only=True")
            if name in ("numpy.load", "np.load") and any(k.arg == "allow_pickle" for k in node.keywords):
                found.append(f"{where}: {name}(..., allow_pickle=...)")
        elif isinstance(node, ast.Import):
            found += [f"{where}: import {a.name}" for a in node.names if a.name.split(".")[0] in PICKLE_MODULES]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in PICKLE_MODULES:
            found.append(f"{where}: from {node.module} import ...")
        elif isinstance(node, ast.ImportFrom) and node.module == "torch" and any(a.name == "load" for a in node.names):
            found.append(f"{where}: from torch import load")
    return found


def test_no_source_file_loads_with_pickle():
    files = sorted(SRC.rglob("*.py"))
    assert len(files) > 50  # the whole package is scanned
    assert [problem for path in files for problem in unsafe_loads(path, SRC.parent)] == []


def test_the_source_scan_would_catch_an_unsafe_load(tmp_path):
    sample = tmp_path / "gencner" / "bad.py"
    sample.parent.mkdir()
    sample.write_text(
        "import torch, pickle\nstate = torch.load('x.pt')\nok = torch.load('y.pt', weights_only=True)\n"
        "bad = torch.load('z.pt', weights_only=False)\n",
        encoding="utf-8",
    )
    assert unsafe_loads(sample, tmp_path) == [
        "gencner/bad.py:1: import pickle",
        "gencner/bad.py:2: torch.load(...) without weights_only=True",
        "gencner/bad.py:4: torch.load(...) without weights_only=True",
    ]


@pytest.mark.parametrize("record", [{"family": "crf"}, {}], ids=["unknown", "no family key"])
def test_an_unknown_family_in_family_json_is_blamed_on_that_file_not_on_method_family(copy, record):
    from gencner.families import MARKER, load_model

    (copy / MARKER).write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(GencnerError) as caught:
        load_model(copy)
    assert str(caught.value).startswith(f"{copy / MARKER}: names the model family ")
    assert "method.family" not in str(caught.value)
