"""From a dataset definition (conf/dataset/*.yaml) to a Corpus: read the three splits with the right
reader, rename labels (type_map), keep only the definition's types, repair overlapping gold in flat data.
Every removal is counted in the corpus report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from gencner.config.schema import DatasetConfig
from gencner.data.readers import REPAIR_DUPLICATE, read_conll, read_conll2012, read_hub, read_spankl
from gencner.data.schema import SPLITS, Corpus, ReadReport, Sentence, Span
from gencner.data.synthetic import generate_synthetic
from gencner.errors import ConfigError

# File names looked up in dataset.path when dataset.train/dev/test are not given.
DEFAULT_FILES = {
    "spankl": {"train": "train.jsonl", "dev": "dev.jsonl", "test": "test.jsonl"},
    "conll": {"train": "train.txt", "dev": "dev.txt", "test": "test.txt"},
    "conll2012": {"train": "train", "dev": "development", "test": "test"},
}
REPAIR_FLAT_OVERLAP = "overlapping gold spans in flat data (kept the earlier, then longer, span)"


def dataset_types(dcfg: DatasetConfig) -> tuple[str, ...]:
    return tuple(t for task in dcfg.tasks for t in task)


def split_path(dcfg: DatasetConfig, split: str) -> Path:
    """The file (or folder) of one split: dataset.<split>, else dataset.path/<default name>."""
    explicit = getattr(dcfg, split)
    if explicit:
        path = Path(explicit)
    elif dcfg.path:
        path = Path(dcfg.path) / DEFAULT_FILES[dcfg.format][split]
    else:
        raise ConfigError(f"dataset.{split} is not set: give dataset.{split}=FILE or dataset.path=FOLDER")
    if not path.exists():
        raise ConfigError(f"dataset.{split}: {path} does not exist (set dataset.{split}= or dataset.path=)")
    return path


def _spankl_path(dcfg: DatasetConfig, split: str) -> Path:
    """SpanKL's *_task.jsonl carries the Split allocation; prefer it for train/dev when present."""
    path = split_path(dcfg, split)
    task_file = path.with_name(path.stem + "_task" + path.suffix)
    if dcfg.use_task_files and split != "test" and task_file.is_file():
        return task_file
    return path


def read_split(dcfg: DatasetConfig, split: str, report: ReadReport) -> list[Sentence]:
    fmt = dcfg.format
    readers: dict[str, Callable[[], list[Sentence]]] = {
        "spankl": lambda: read_spankl(_spankl_path(dcfg, split), split, report),
        "conll": lambda: read_conll(split_path(dcfg, split), split, report, dcfg.tagging, dcfg.token_column, dcfg.tag_column),
        "conll2012": lambda: read_conll2012(split_path(dcfg, split), split, report),
        "hub": lambda: read_hub(dcfg.source, dcfg.schema, split, report, dcfg.hub_config, dcfg.revision),
    }
    return readers[fmt]()


def _keep_flat(spans: tuple[Span, ...]) -> tuple[list[Span], int]:
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start), s.type)):
        if not any(span.overlaps(k) for k in kept):
            kept.append(span)
    return kept, len(spans) - len(kept)


def normalise(sentences: list[Sentence], dcfg: DatasetConfig, report: ReadReport) -> list[Sentence]:
    """Rename, restrict to the dataset's types and (flat data) remove overlaps, counting every change."""
    known = set(dataset_types(dcfg))
    renames = dict(dcfg.type_map)
    out = []
    for sent in sentences:
        spans = []
        for span in sent.spans:
            span = Span(span.start, span.end, renames.get(span.type, span.type))
            if span.type in known and span in spans:  # a rename made two labels one
                report.repair(REPAIR_DUPLICATE, sent.origin)
            elif span.type in known:
                spans.append(span)
            else:
                report.drop(f"entity of type {span.type} (not in the dataset's tasks; removed everywhere)", sent.origin)
        if dcfg.flat:
            spans, n_overlaps = _keep_flat(tuple(spans))
            if n_overlaps:
                report.repair(REPAIR_FLAT_OVERLAP, sent.origin, n_overlaps)
        out.append(Sentence(sent.tokens, tuple(spans), sent.idx, sent.origin, sent.task_id))
    return out


def load_corpus(dcfg: DatasetConfig) -> Corpus:
    """Read (or generate) the dataset described by `dcfg` (a DatasetConfig)."""
    report = ReadReport(source=_describe_source(dcfg))
    if dcfg.format == "synthetic":
        s = dcfg.synthetic
        splits = generate_synthetic(s.seed, s.train, s.dev, s.test, s.empty_fraction, s.ambiguous_fraction)
    else:
        splits = {split: read_split(dcfg, split, report) for split in SPLITS}
    splits = {split: normalise(sents, dcfg, report) for split, sents in splits.items()}
    for split in SPLITS:
        report.record_split(split, splits[split])
    return Corpus(dcfg.name, splits["train"], splits["dev"], splits["test"], dataset_types(dcfg), report)


def _describe_source(dcfg: DatasetConfig) -> str:
    if dcfg.format == "synthetic":
        s = dcfg.synthetic
        noisy = f", ambiguous={s.ambiguous_fraction}" if s.ambiguous_fraction else ""
        return f"synthetic(seed={s.seed}, train={s.train}, dev={s.dev}, test={s.test}{noisy})"
    if dcfg.format == "hub":
        return f"hub:{dcfg.source}" + (f"/{dcfg.hub_config}" if dcfg.hub_config else "")
    return f"{dcfg.format}:{dcfg.path or dcfg.train}"
