"""The model's identity across steps and across disk: types added later never move an old type or a position,
a teacher's output space is a prefix of its student's, and a saved model decodes exactly like the
original; damaged folders give a GencnerError that names the problem."""

from __future__ import annotations

import json
import shutil

import pytest
import torch

from gencner.data.schema import Sentence
from gencner.errors import GencnerError
from gencner.families.pointer.decoding import greedy_decode, max_lengths
from gencner.families.pointer.inference import predict_sentences
from gencner.families.pointer.io import load_model, save_model
from gencner.families.pointer.tokenizer import type_token

OLD = ["ORG", "PER"]
NEW = ["LOC", "DATE", "NORP"]
SENTENCES = [
    ["John", "Smith", "visited", "New", "York", "City", "on", "Monday", "."],
    ["Berlin"],
    ["Maria", "Garcia", "works", "for", "Acme", "Corp", "since", "1999", "in", "Spain", "."],
    ["Zürich", "is", "in", "Switzerland", "!"],
]


def lively(model):
    """Zero EOS row: with random weights EOS would otherwise win at the first step (see test_decoding.py)."""
    with torch.no_grad():
        model.net.embed_tokens.weight[model.tokenizer.eos_token_id] = 0.0
    return model


def name_embedding(model, name):
    ids = model.tokenizer(" " + name, add_special_tokens=False)["input_ids"]
    return model.net.embed_tokens.weight[ids].mean(dim=0)


def test_adding_types_keeps_old_type_tokens_output_indices_and_positions(make_model, collate):
    model = make_model(1, OLD)
    before_ids = model.net.type_token_ids.tolist()
    before_index = {t: model.space.type_index(i) for i, t in enumerate(model.types)}
    before_rows = model.net.embed_tokens.weight[before_ids].clone()
    before_vocab = dict(model.tokenizer.get_vocab())
    n_positions = model.space.n_positions
    expected_new = {t: name_embedding(model, model.type_names[t]).clone() for t in NEW}
    batch = collate(model, SENTENCES)
    length = batch["src_ids"].size(1)
    before_layout = [model.space.to_batch(i, length) for i in [0, 3, length - 1, model.space.eos, *before_index.values()]]

    assert model.add_types(NEW) == NEW
    assert model.add_types(["PER", "LOC"]) == []  # known types are not added twice
    assert model.types == OLD + NEW
    ids = model.net.type_token_ids.tolist()
    assert ids[: len(OLD)] == before_ids and len(set(ids)) == len(ids)
    assert {t: model.space.type_index(i) for i, t in enumerate(OLD)} == before_index
    assert model.space.n_positions == n_positions and model.space.eos == n_positions
    assert [model.space.to_batch(i, length) for i in [0, 3, length - 1, model.space.eos, *before_index.values()]] == before_layout
    assert torch.equal(model.net.embed_tokens.weight[before_ids], before_rows)
    vocab = model.tokenizer.get_vocab()
    assert all(vocab[token] == i for token, i in before_vocab.items())
    for t, token_id in zip(NEW, ids[len(OLD) :]):
        assert vocab[type_token(model.type_names[t])] == token_id
        assert torch.allclose(model.net.embed_tokens.weight[token_id], expected_new[t], atol=1e-6)
    # the embedding matrix grew to hold the new tokens, shared by encoder and decoder
    weight = model.net.embed_tokens.weight
    assert weight.size(0) >= max(ids) + 1
    assert model.net.backbone.encoder.embed_tokens.weight is weight and model.net.backbone.decoder.embed_tokens.weight is weight
    logits = model.net(batch["src_ids"], batch["src_mask"], batch["word_mask"], batch["src_ids"][:, :2])
    assert logits.size(-1) == length + 1 + len(OLD) + len(NEW)


def test_type_token_starts_as_the_mean_of_its_name_pieces(make_model):
    model = make_model(3, ())
    model.type_names["WORK"] = "work of art"
    expected = name_embedding(model, "work of art").clone()
    assert len(model.tokenizer(" work of art", add_special_tokens=False)["input_ids"]) > 1
    model.add_types(["WORK", "person-artist/author"])  # the second is named by default_type_name
    weight = model.net.embed_tokens.weight
    work, artist = model.net.type_token_ids.tolist()
    assert torch.allclose(weight[work], expected, atol=1e-6)
    assert model.tokenizer.convert_ids_to_tokens(artist) == "<<person artist author>>"
    assert torch.allclose(weight[artist], name_embedding(model, "person artist author"), atol=1e-6)


def test_a_teachers_logits_are_the_prefix_of_its_students(make_model, collate):
    student = make_model(2, OLD)
    student.add_types(NEW)
    teacher = student.frozen_copy(n_types=len(OLD))
    assert teacher.types == OLD and student.types == OLD + NEW
    assert teacher.net.type_token_ids.tolist() == student.net.type_token_ids.tolist()[: len(OLD)]
    assert not teacher.net.training and not any(p.requires_grad for p in teacher.net.parameters())
    assert all(p.requires_grad for p in student.net.parameters())
    batch = collate(student, SENTENCES)
    length = batch["src_ids"].size(1)
    targets = torch.tensor([[1, 1, length + 1, length]] * len(SENTENCES))
    targets[1, 3:] = -100  # a padded target row
    dec_ids = student.net.decoder_input_ids(targets, batch["src_ids"], student.start_id)
    inputs = (batch["src_ids"], batch["src_mask"], batch["word_mask"], dec_ids)
    with torch.no_grad():
        s_logits, t_logits = student.net(*inputs), teacher.net(*inputs)
    support = length + 1 + len(OLD)
    assert t_logits.shape[-1] == support and s_logits.shape[-1] == support + len(NEW)
    assert torch.allclose(t_logits, s_logits[..., :support], atol=1e-6, rtol=0)
    for i, _ in enumerate(OLD):
        assert teacher.space.type_index(i) == student.space.type_index(i)


def test_types_with_the_same_name_get_distinct_tokens_or_an_error(make_model):
    model = make_model(1, ["ORG"])
    model.type_names["COMPANY"] = model.type_names["ORG"]
    try:
        model.add_types(["COMPANY"])
    except GencnerError:
        return
    ids = model.net.type_token_ids.tolist()
    assert len(set(ids)) == len(ids)


@pytest.fixture(scope="module")
def saved(make_model, tmp_path_factory):
    model = lively(make_model(4, OLD))
    model.add_types(NEW)
    folder = save_model(model, tmp_path_factory.mktemp("saved") / "model")
    return model, folder


def decode_all(model, collate):
    batch = collate(model, SENTENCES)
    limits = max_lengths(batch["src_mask"], 10, 0.8)
    return greedy_decode(model.net, batch["src_ids"], batch["src_mask"], batch["word_mask"], model.start_id, limits)


def test_a_loaded_model_decodes_exactly_like_the_original(saved, collate):
    model, folder = saved
    loaded = load_model(folder)
    loaded.net.eval()
    assert loaded.types == model.types and loaded.type_names == model.type_names
    assert loaded.net.type_token_ids.tolist() == model.net.type_token_ids.tolist()
    assert loaded.decoding == model.decoding and loaded.max_source_tokens == model.max_source_tokens
    assert loaded.space == model.space
    original, again = decode_all(model, collate), decode_all(loaded, collate)
    assert (original.indices >= 0).sum() > len(SENTENCES)  # not only EOS
    assert torch.equal(original.indices, again.indices)
    assert torch.equal(original.probs, again.probs)
    sentences = [Sentence(tuple(w)) for w in SENTENCES]
    first, _ = predict_sentences(model, sentences)
    second, _ = predict_sentences(loaded, sentences)
    assert first == second and any(first)


def test_gencner_json_lists_the_types_in_order(saved):
    model, folder = saved
    meta = json.loads((folder / "gencner.json").read_text(encoding="utf-8"))
    assert meta["types"] == OLD + NEW
    assert meta["type_names"] == model.type_names
    assert meta["n_positions"] == model.net.n_positions and meta["decoding"] == model.decoding
    assert {"config.json", "model.safetensors", "pointer_head.safetensors", "tokenizer.json"} <= {p.name for p in folder.iterdir()}


def damaged_copy(folder, tmp_path, name, damage):
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    path = copy / name
    if damage == "truncated":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    else:
        path.unlink()
    return copy


@pytest.mark.parametrize("name", ["model.safetensors", "pointer_head.safetensors"])
def test_a_truncated_weights_file_gives_a_clear_error(saved, tmp_path, name):
    copy = damaged_copy(saved[1], tmp_path, name, "truncated")
    with pytest.raises(GencnerError) as caught:
        load_model(copy)
    message = str(caught.value)
    assert str(copy) in message and "truncated or altered" in message
    assert "\n" not in message
    assert caught.value.__suppress_context__  # raised `from None`: the user sees one line, not a chain


def test_a_folder_without_gencner_json_is_not_a_model(saved, tmp_path):
    copy = damaged_copy(saved[1], tmp_path, "gencner.json", "missing")
    with pytest.raises(GencnerError, match=r"not a complete saved gencner model \(missing gencner\.json") as caught:
        load_model(copy)
    assert str(copy) in str(caught.value)


def test_a_folder_without_config_json_gives_a_clear_error(saved, tmp_path):
    copy = damaged_copy(saved[1], tmp_path, "config.json", "missing")
    with pytest.raises(GencnerError):
        load_model(copy)
