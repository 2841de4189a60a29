"""Constrained beam search: beam 1 is greedy; wider beams give valid triplets whose probabilities are
those of a teacher-forced pass, and never a worse sequence score than greedy."""

import pytest
import torch

from gencner.families.pointer.beam import beam_decode
from gencner.families.pointer.decoding import greedy_decode, max_lengths, sequence_probabilities
from gencner.families.pointer.encoding import parse_indices


@pytest.fixture
def setup(make_model, collate):
    model = make_model(seed=2)
    with torch.no_grad():  # random weights emit EOS at once otherwise (see test_decoding.py)
        model.net.embed_tokens.weight[model.tokenizer.eos_token_id] = 0.0
    model.net.eval()
    words = [["the", "bank", "of", "Chicago", "said", "on", "Monday"], ["Mary", "Smith", "flew", "to", "Tokyo"], ["ok"]]
    batch = collate(model, words)
    limits = max_lengths(batch["src_mask"], 10, 0.8)
    return model, batch, limits


def args(model, batch, limits):
    return model.net, batch["src_ids"], batch["src_mask"], batch["word_mask"], model.start_id, limits


def test_beam_of_one_is_greedy(setup):
    model, batch, limits = setup
    greedy = greedy_decode(*args(model, batch, limits))
    beam = beam_decode(*args(model, batch, limits), beam=1)
    width = greedy.indices.size(1)
    assert torch.equal(beam.indices[:, :width], greedy.indices)
    assert torch.allclose(beam.probs[:, :width], greedy.probs, atol=1e-6)


@pytest.mark.parametrize("width", [2, 4])
def test_wider_beams_give_valid_triplets_with_teacher_forced_probabilities(setup, width):
    model, batch, limits = setup
    out = beam_decode(*args(model, batch, limits), beam=width)
    forced = sequence_probabilities(*args(model, batch, limits)[:5], out.indices)
    emitted = out.indices >= 0
    assert torch.allclose(out.probs[emitted], forced[emitted], atol=1e-5)
    length = batch["src_ids"].size(1)
    space = model.space
    for row, source in enumerate(batch["sources"]):
        indices = [space.from_batch(int(i), length) for i in out.indices[row] if i >= 0]
        assert len(indices) <= int(limits[row])
        parsed = parse_indices(indices, out.probs[row, : len(indices)].tolist(), source, space, model.types)
        assert not parsed.malformed


def test_the_beam_never_scores_below_greedy(setup):
    model, batch, limits = setup
    greedy = greedy_decode(*args(model, batch, limits))
    beam = beam_decode(*args(model, batch, limits), beam=4)

    def logscore(generated, row):
        p = generated.probs[row][generated.indices[row] >= 0]
        return float(p.log().sum() / max(len(p), 1))

    for row in range(batch["src_ids"].size(0)):
        if bool(greedy.finished[row]) and bool(beam.finished[row]):
            assert logscore(beam, row) >= logscore(greedy, row) - 1e-5
