"""Two CPU processes (gloo) decode and score exactly like one: predictions are gathered by position,
metric states summed, and validation shards carry no padded repeats."""

import os
import pickle

import lightning as L
import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from tests.conftest import TINY_MODEL

from gencner.config import load_config
from gencner.config.schema import MethodConfig, TrainerConfig
from gencner.data.synthetic import generate_synthetic
from gencner.families.pointer.datamodule import StepDataModule
from gencner.families.pointer.inference import predict_sentences
from gencner.families.pointer.io import load_model, save_model
from gencner.families.pointer.model import build_model
from gencner.families.pointer.module import StepModule
from gencner.metrics.scoring import score

TYPES = ["ORG", "PERSON", "GPE"]
SMALL = [*TINY_MODEL, "model.vocab_size=400", "model.denoise_epochs=0"]


@pytest.fixture(scope="module")
def saved_model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ddp") / "model"
    corpus = generate_synthetic(seed=3, train=80, dev=10, test=10)
    cfg = load_config(SMALL)
    model = build_model(cfg.model, [w for s in corpus["train"] for w in s.tokens], {}, seed=0)
    model.add_types(TYPES)
    with torch.no_grad():  # make EOS lose sometimes, so that random weights emit triplets to compare
        model.net.embed_tokens.weight[model.tokenizer.eos_token_id] *= 0.0
    save_model(model, folder)
    return folder


def sentences():
    corpus = generate_synthetic(seed=4, train=10, dev=10, test=37)  # 37: the ranks get unequal shares
    return [s.restrict(TYPES) for s in corpus["test"]]


def _worker(rank: int, world: int, init_file: str, model_dir: str, out_dir: str) -> None:
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"file://{init_file}", rank=rank, world_size=world)
    try:
        model = load_model(model_dir)
        sents = sentences()
        predictions, report = predict_sentences(model, sents, batch_size=4, flat=True)
        result = {
            "spans": [[(t.span, round(t.confidence, 6)) for t in p] for p in predictions],
            "report": report.to_dict(),
            "score": score(predictions, sents, TYPES),
        }
        with open(os.path.join(out_dir, f"rank{rank}.pkl"), "wb") as handle:
            pickle.dump(result, handle)
    finally:
        dist.destroy_process_group()


def test_two_processes_decode_and_score_like_one(saved_model, tmp_path):
    torch.set_num_threads(1)
    single_preds, single_report = predict_sentences(load_model(saved_model), sentences(), batch_size=4, flat=True)
    single = {
        "spans": [[(t.span, round(t.confidence, 6)) for t in p] for p in single_preds],
        "report": single_report.to_dict(),
        "score": score(single_preds, sentences(), TYPES),
    }
    assert sum(map(len, single["spans"])) > 0  # something to compare
    mp.spawn(_worker, args=(2, str(tmp_path / "init"), str(saved_model), str(tmp_path)), nprocs=2, join=True)
    for rank in (0, 1):
        with open(tmp_path / f"rank{rank}.pkl", "rb") as handle:
            got = pickle.load(handle)
        # every rank holds all predictions, in input order; confidences agree up to the float noise of
        # different batch compositions (the ranks' batches are cut from their own shares)
        assert [[span for span, _ in p] for p in got["spans"]] == [[span for span, _ in p] for p in single["spans"]]
        assert [c for p in got["spans"] for _, c in p] == pytest.approx([c for p in single["spans"] for _, c in p], abs=1e-5)
        assert got["report"] == single["report"]
        assert got["score"]["per_type"] == single["score"]["per_type"]


def _validation_score(model_dir, strategy, devices):
    model = load_model(model_dir)
    sents = sentences()
    dm = StepDataModule(model, [], sents, batch_size=4, eval_batch_size=4, seed=1)
    module = StepModule(model, TrainerConfig(lr=1e-3, weight_decay=0.0, warmup_ratio=0.1), MethodConfig(), [(t, (t,)) for t in TYPES])
    trainer = L.Trainer(
        accelerator="cpu",
        devices=devices,
        strategy=strategy,
        logger=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        use_distributed_sampler=False,
    )
    return trainer.validate(module, dm, verbose=False)[0]


def test_validation_under_ddp_spawn_scores_like_one_process(saved_model):
    torch.set_num_threads(1)
    one = _validation_score(saved_model, "auto", 1)
    two = _validation_score(saved_model, "ddp_spawn", 2)
    assert one["val/score"] == pytest.approx(two["val/score"], abs=1e-9)
    assert one["val/micro_f1"] == pytest.approx(two["val/micro_f1"], abs=1e-9)
    # each dev sentence scored once across the two ranks (padded or repeated shards would add to this)
    assert one["val/gold"] == two["val/gold"] == sum(len(s.spans) for s in sentences())
