"""A step's fit: the teacher stays frozen and out of checkpoints; targets hold no future type."""

import lightning as L
import torch
from tests.cl.conftest import TINY

from gencner.cl.callbacks import PseudoLabelledData
from gencner.cl.context import TaskContext
from gencner.cl.pseudo import merged_example
from gencner.config import load_config
from gencner.config.schema import MethodConfig, TrainerConfig
from gencner.data.corpus import load_corpus
from gencner.data.stream_config import stream_from_config
from gencner.families.pointer.datamodule import StepDataModule
from gencner.families.pointer.family import FAMILY
from gencner.families.pointer.module import StepModule

OPTIM = TrainerConfig(lr=1e-3, weight_decay=0.01, warmup_ratio=0.1)


class RecordTeacherMode(L.Callback):
    def __init__(self):
        self.modes = []

    def on_train_batch_start(self, trainer, module, batch, batch_idx):
        self.modes.append(any(m.training for m in module.teacher.modules()))

    def on_validation_batch_start(self, trainer, module, batch, batch_idx, dataloader_idx=0):
        self.modes.append(any(m.training for m in module.teacher.modules()))


def fit_one_epoch(tiny_model, small_corpus, tmp_path, callbacks=()):
    teacher = tiny_model.frozen_copy(n_types=1)
    train = [merged_example(s.restrict(["PERSON"]), (), "sorted") for s in small_corpus["train"][:48]]
    dm = StepDataModule(tiny_model, train, [s.restrict(["PERSON"]) for s in small_corpus["dev"][:16]], 8, 16, seed=1)
    module = StepModule(tiny_model, OPTIM, MethodConfig(kd_positions="all"), [("PERSON", ("PERSON",))], teacher)
    trainer = L.Trainer(
        max_epochs=1,
        accelerator="cpu",
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        num_sanity_val_steps=0,
        callbacks=list(callbacks),
        default_root_dir=str(tmp_path),
    )
    before = {k: v.clone() for k, v in teacher.net.state_dict().items()}
    student_before = {k: v.clone() for k, v in tiny_model.net.state_dict().items()}
    trainer.fit(module, dm)
    return trainer, module, teacher, before, student_before


def test_teacher_is_bit_identical_and_in_eval_mode_throughout_a_fit(tiny_model, small_corpus, tmp_path):
    record = RecordTeacherMode()
    _, module, teacher, before, student_before = fit_one_epoch(tiny_model, small_corpus, tmp_path, [record])
    assert record.modes and not any(record.modes)
    after = teacher.net.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    assert all(not p.requires_grad for p in teacher.net.parameters())
    # ... while the student did learn
    assert any(not torch.equal(student_before[k], v) for k, v in tiny_model.net.state_dict().items())
    optimised = {id(p) for group in module.trainer.optimizers[0].param_groups for p in group["params"]}
    assert not optimised & {id(p) for p in teacher.net.parameters()}


def test_no_teacher_keys_in_a_checkpoint(tiny_model, small_corpus, tmp_path):
    trainer, module, *_ = fit_one_epoch(tiny_model, small_corpus, tmp_path)
    assert any(k.startswith("teacher.") for k in module.state_dict())  # it is a submodule...
    path = tmp_path / "step.ckpt"
    trainer.save_checkpoint(path, weights_only=True)
    saved = torch.load(path, weights_only=True)["state_dict"]
    assert saved and not any(k.startswith("teacher.") for k in saved)  # ...but never saved
    assert any(k.startswith("student.") for k in saved)


def test_no_future_type_in_any_target_of_a_step(tiny_model, tmp_path):
    cfg = load_config(TINY + ["dataset.synthetic.train=120", "dataset.synthetic.dev=30", "dataset.synthetic.test=30"])
    corpus = load_corpus(cfg.dataset)
    stream = stream_from_config(cfg, corpus)
    step = stream.steps[1]  # PERSON after ORG
    model = tiny_model  # ORG, PERSON
    teacher = model.frozen_copy(n_types=1)
    ctx = TaskContext(cfg, FAMILY, step, corpus, model, teacher, tmp_path)
    data = PseudoLabelledData(MethodConfig(threshold_quantile=0.0)).build(ctx)
    assert len(data.examples) == len(step.train)
    future = set(corpus.types) - set(step.seen_types)
    for example in data.examples:
        for span, pseudo in zip(example.targets, example.pseudo):
            assert span.type not in future
            assert span.type == ("ORG" if pseudo else "PERSON")
    assert set(data.record["thresholds"]) <= {"ORG"}
