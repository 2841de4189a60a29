"""From a dataset definition (conf/dataset/*.yaml) to a Corpus: read the three splits with the right
reader, rename labels (type_map), keep only the definition's types, repair overlapping gold in flat data.
Every removal is counted in the corpus report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from gencner.config.schema import DatasetConfig
from gencner.data import subsets
from gencner.data.readers import REPAIR_DUPLICATE, read_conll, read_conll2012, read_hub, read_spankl
from gencner.data.readers.conll2012 import gold_files
from gencner.data.schema import SPLITS, Corpus, ReadReport, Sentence, Span, entity_counts
from gencner.data.synthetic import generate_synthetic
from gencner.errors import ConfigError, DataError
from gencner.metrics.overlap import gold_by_position, keep_flat

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


def read_path(dcfg: DatasetConfig, split: str) -> Path:
    """The file (or folder) a reader reads for one split: SpanKL's *_task.jsonl carries the Split
    allocation, so it is preferred for train/dev when present."""
    path = split_path(dcfg, split)
    task_file = path.with_name(path.stem + "_task" + path.suffix)
    if dcfg.format == "spankl" and dcfg.use_task_files and split != "test" and task_file.is_file():
        return task_file
    return path


def read_paths(dcfg: DatasetConfig) -> dict[str, Path]:
    """The file (or folder) each split is read from (dev from the training file when dataset.dev_holdout
    is set). Generated and hub data have none: their configuration names them (the generator's seed and
    sizes, the hub name and revision)."""
    if dcfg.format not in DEFAULT_FILES:
        return {}
    return {split: read_path(dcfg, "train" if split == "dev" and dcfg.dev_holdout else split) for split in SPLITS}


def data_files(dcfg: DatasetConfig) -> list[Path]:
    """Every file the readers read, each once."""
    paths = dict.fromkeys(read_paths(dcfg).values())
    return list(dict.fromkeys(file for path in paths for file in (gold_files(path) if dcfg.format == "conll2012" else [path])))


def read_split(dcfg: DatasetConfig, split: str, report: ReadReport) -> list[Sentence]:
    fmt = dcfg.format
    readers: dict[str, Callable[[], list[Sentence]]] = {
        "spankl": lambda: read_spankl(read_path(dcfg, split), split, report),
        "conll": lambda: read_conll(read_path(dcfg, split), split, report, dcfg.tagging, dcfg.token_column, dcfg.tag_column),
        "conll2012": lambda: read_conll2012(read_path(dcfg, split), split, report),
        "hub": lambda: read_hub(dcfg.source, dcfg.schema, split, report, dcfg.hub_config, dcfg.revision),
    }
    return readers[fmt]()


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
            spans, n_overlaps = keep_flat(spans, lambda span: span, gold_by_position)
            if n_overlaps:
                report.repair(REPAIR_FLAT_OVERLAP, sent.origin, n_overlaps)
        out.append(Sentence(sent.tokens, tuple(spans), sent.idx, sent.origin, sent.task_id))
    return out


def read_splits(dcfg: DatasetConfig, report: ReadReport) -> dict[str, list[Sentence]]:
    """The three splits from files; dataset.dev_holdout takes dev out of the training file instead of
    reading a dev file, dataset.test_sample keeps a fixed sample of the test file (data/subsets.py)."""
    held = dcfg.dev_holdout
    splits = {split: read_split(dcfg, split, report) for split in SPLITS if not (split == "dev" and held)}
    if held:
        splits["train"], splits["dev"] = subsets.hold_out(splits["train"], held, dcfg.split_seed)
    n_test = len(splits["test"])
    splits["test"] = subsets.sample(splits["test"], dcfg.test_sample, dcfg.split_seed) if dcfg.test_sample else splits["test"]
    report.source += subsets.describe(held, dcfg.test_sample, n_test, dcfg.split_seed)
    return {split: splits[split] for split in SPLITS}


def load_corpus(dcfg: DatasetConfig) -> Corpus:
    """Read (or generate) the dataset described by `dcfg` (a DatasetConfig)."""
    report = ReadReport(source=_describe_source(dcfg))
    if dcfg.format == "synthetic":
        s = dcfg.synthetic
        splits = generate_synthetic(s.seed, s.train, s.dev, s.test, s.empty_fraction, s.ambiguous_fraction)
    else:
        splits = read_splits(dcfg, report)
    splits = {split: normalise(sents, dcfg, report) for split, sents in splits.items()}
    for split in SPLITS:
        report.record_split(split, splits[split])
    return Corpus(dcfg.name, splits["train"], splits["dev"], splits["test"], dataset_types(dcfg), report)


# Types every task type must occur in: without gold in training nothing is learned, and without gold in
# the test set its F1 is 1 by convention (no gold, no prediction), a perfect score for nothing.
NEEDS_EVERY_TYPE = ("train", "test")


def check_corpus(corpus: Corpus, dcfg: DatasetConfig) -> None:
    """Refuse a corpus that cannot be what the user meant: a split without sentences (an empty or blank
    file), or a type of dataset.tasks without a single gold entity in the training or test data (a
    misspelt type, a missing dataset.type_map). One DataError naming the split's file."""
    for split in SPLITS:
        if not corpus.split(split):
            raise DataError(_split_source(dcfg, split), None, f"the {split} split holds no sentence (an empty or blank file?)")
    for split in NEEDS_EVERY_TYPE:
        counts = entity_counts(corpus.split(split))
        missing = [t for t in corpus.types if not counts.get(t)]
        if missing:
            raise DataError(
                _split_source(dcfg, split),
                None,
                f"the {split} split holds no gold entity of type(s) {', '.join(missing)} of dataset.tasks "
                "(check their spelling, and dataset.type_map)",
            )


def _split_source(dcfg: DatasetConfig, split: str) -> str:
    """Where a split came from, for a message: its file, else the corpus's source."""
    path = read_paths(dcfg).get(split)
    return str(path) if path is not None else f"{_describe_source(dcfg)} ({split})"


def _describe_source(dcfg: DatasetConfig) -> str:
    if dcfg.format == "synthetic":
        s = dcfg.synthetic
        noisy = f", ambiguous={s.ambiguous_fraction}" if s.ambiguous_fraction else ""
        return f"synthetic(seed={s.seed}, train={s.train}, dev={s.dev}, test={s.test}{noisy})"
    if dcfg.format == "hub":
        return f"hub:{dcfg.source}" + (f"/{dcfg.hub_config}" if dcfg.hub_config else "")
    return f"{dcfg.format}:{dcfg.path or dcfg.train}"
