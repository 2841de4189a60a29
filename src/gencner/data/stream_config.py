"""The stream a Config asks for: corpus + setting + permutation."""

from __future__ import annotations

from gencner.config.schema import Config, DatasetConfig
from gencner.data.corpus import load_corpus
from gencner.data.schema import Corpus
from gencner.data.streams import Stream, Task, build_stream


def dataset_tasks(dcfg: DatasetConfig) -> list[Task]:
    names = list(dcfg.task_names) or ["+".join(types) for types in dcfg.tasks]
    return [(name, tuple(types)) for name, types in zip(names, dcfg.tasks)]


def task_order(dcfg: DatasetConfig, permutation: int) -> list[int]:
    return list(dcfg.permutations[permutation]) if dcfg.permutations else list(range(len(dcfg.tasks)))


def stream_from_config(cfg: Config, corpus: Corpus | None = None) -> Stream:
    """Build the stream of `cfg` (a cumulative setting is the non-CL upper bound of its allocation)."""
    corpus = corpus if corpus is not None else load_corpus(cfg.dataset)
    setting = cfg.setting
    return build_stream(
        corpus,
        dataset_tasks(cfg.dataset),
        task_order(cfg.dataset, cfg.permutation),
        train=setting.train,
        tests=list(setting.test),
        cumulative=setting.cumulative,
        single_step=setting.single_step,
        split_seed=cfg.dataset.split_seed,
        setting_name=setting.name,
        permutation=cfg.permutation,
    )
