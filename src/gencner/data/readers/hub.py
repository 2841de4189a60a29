"""Hugging Face datasets: Few-NERD (``DFKI-SLT/few-nerd``) and OntoNotes (``conll2012_ontonotesv5``).

Schemas (label names always come from the dataset's ``ClassLabel`` features, never from fixed ids,
because re-uploads order the labels differently):

- ``few-nerd``, config ``supervised``: one sentence per row, ``tokens`` and ``fine_ner_tags`` (O + 66
  fine types, IO tagging: an entity is a maximal run of one label).
- ``ontonotes``, config ``english_v4``: one document per row, ``document_id`` and ``sentences``, a list
  of ``{"words", "named_entities"}`` with BIO tags over 18 types. Sentences of ``pt/`` documents (the
  Bible portion, no named entities) are dropped and counted.

A ``source`` is resolved in this order:

1. a local folder written by ``Dataset.save_to_disk`` / ``DatasetDict.save_to_disk`` (or one such
   folder per split, named after the split) → ``datasets.load_from_disk``;
2. a local parquet file (taken as the requested split), or a folder of parquet files laid out like the
   hub's Parquet export (``<config>/<split>/*.parquet``), or ``<split>/*.parquet``, or
   ``<split>*.parquet`` → ``load_dataset("parquet", data_files=...)``;
3. otherwise a hub name. Both datasets are script-based and ``datasets`` >= 4 runs no loading script,
   so the hub's Parquet export is read: ``load_dataset(name, revision="refs/convert/parquet",
   data_dir=config, split=...)``; the export keeps one folder per config with the split folders inside.

Origins are ``"<source>[<hub split>]:<row>"`` (0-based row index, as ``dataset[row]``); OntoNotes adds
``":<sentence number in the document>"``. Errors use the same row index as their line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from gencner.data.readers.common import DROP_BIBLE, SentenceCollector
from gencner.data.schema import ReadReport, Sentence
from gencner.data.tags import TagError, split_tag, tags_to_spans
from gencner.errors import ConfigError, DataError, GencnerError


@dataclass(frozen=True)
class HubSchema:
    config: str  # the config used when the caller names none
    tags: str  # the tag column (inside each sentence for document datasets)
    scheme: str
    documents: bool  # one document (a list of sentences) per row


SCHEMAS = {
    "few-nerd": HubSchema(config="supervised", tags="fine_ner_tags", scheme="io", documents=False),
    "ontonotes": HubSchema(config="english_v4", tags="named_entities", scheme="bio", documents=True),
}
HUB_SPLITS = {"train": "train", "dev": "validation", "test": "test"}


def read_hub(
    source: str,
    schema: str,
    split: str,
    report: ReadReport,
    config_name: str | None = None,
    revision: str | None = "refs/convert/parquet",
) -> list[Sentence]:
    """Read one split (train|dev|test) of a Few-NERD or OntoNotes dataset from ``source``."""
    if schema not in SCHEMAS:
        raise ConfigError(f"unknown hub schema {schema!r}; valid: {', '.join(SCHEMAS)}")
    if split not in HUB_SPLITS:
        raise ConfigError(f"unknown split {split!r}; valid: {', '.join(HUB_SPLITS)}")
    spec, hub_split = SCHEMAS[schema], HUB_SPLITS[split]
    config = config_name or spec.config
    dataset = _load(source, config, hub_split, split, revision)
    label = f"{source}[{hub_split}]"
    collector = SentenceCollector(report)
    if spec.documents:
        _read_documents(dataset, spec, label, collector)
    else:
        _read_sentences(dataset, spec, label, collector)
    return collector.finish(split)


# ---- finding and loading the data ------------------------------------------------------------------


def _quiet_datasets() -> Any:
    """Import ``datasets`` (slow, so only when a hub source is read) without progress bars and logs."""
    import datasets

    datasets.disable_progress_bars()
    datasets.utils.logging.set_verbosity_error()
    return datasets


def _load(source: str, config: str, hub_split: str, split: str, revision: str | None) -> Any:
    datasets = _quiet_datasets()
    local = Path(source).expanduser()
    if local.exists():
        saved = _saved_split(datasets, local, hub_split, split)
        if saved is not None:
            return saved
        return _load_parquet(datasets, _parquet_files(local, config, hub_split, split), hub_split)
    if source.startswith(("/", ".", "~")) or source.endswith(".parquet") or source.count("/") > 1:
        raise ConfigError(f"dataset.source={source}: no such file or folder")
    try:
        return datasets.load_dataset(source, revision=revision, data_dir=config, split=hub_split)
    except Exception as err:  # any failure (offline, no network, not found) has the same remedy
        raise GencnerError(_hub_help(source, config, revision, err)) from None


def _saved_split(datasets: Any, local: Path, hub_split: str, split: str) -> Any | None:
    """The split from ``save_to_disk`` output at ``local`` (or ``local/<split>``), else None."""
    names = (hub_split, split)
    if (local / "dataset_dict.json").is_file():
        saved = datasets.load_from_disk(str(local))
        for name in names:
            if name in saved:
                return saved[name]
        raise GencnerError(f"{local} holds the splits {sorted(saved)}, not {hub_split!r}")
    if (local / "state.json").is_file():
        saved = datasets.load_from_disk(str(local))
        if saved.split is not None and str(saved.split) in names:
            return saved
        raise GencnerError(
            f"{local} holds one dataset (split {saved.split}), not the {hub_split!r} split: save a "
            "DatasetDict, or one folder per split named after it"
        )
    for name in names:
        if (local / name / "state.json").is_file():
            return datasets.load_from_disk(str(local / name))
    return None


def _parquet_files(local: Path, config: str, hub_split: str, split: str) -> list[Path]:
    if local.is_file():
        if local.suffix != ".parquet":
            raise GencnerError(f"dataset.source={local}: expected a .parquet file or a folder")
        return [local]
    base = local / config if (local / config).is_dir() else local
    everything = sorted(base.rglob("*.parquet"))
    # The split is named by a folder (train/, partial-train/) or by a file name part (train-0000.parquet).
    chosen = [path for path in everything if {hub_split, split} & set(re.split(r"[/_.\-]+", path.relative_to(base).as_posix()))]
    if not chosen:
        found = ", ".join(p.relative_to(local).as_posix() for p in everything[:10]) or "none"
        raise GencnerError(
            f"dataset.source={local} holds no save_to_disk output and no parquet file of the "
            f"{hub_split!r} split (looked for {config}/{hub_split}/*.parquet, {hub_split}/*.parquet and "
            f"{hub_split}*.parquet; parquet files found: {found})"
        )
    return chosen


def _load_parquet(datasets: Any, files: list[Path], hub_split: str) -> Any:
    data_files = {hub_split: [str(path) for path in files]}
    try:
        return datasets.load_dataset("parquet", data_files=data_files, split=hub_split)
    except Exception as err:  # a damaged or foreign file: name the files, keep the first line of why
        problem = f"cannot read the parquet files {data_files[hub_split]}: {_first_line(err)}"
        raise GencnerError(problem) from None


def _first_line(err: Exception) -> str:
    text = str(err).strip()
    return f"{type(err).__name__}: {text.splitlines()[0] if text else ''}"


def _hub_help(name: str, config: str, revision: str | None, err: Exception) -> str:
    tree = f"https://huggingface.co/datasets/{name}/tree/{quote(revision or 'main', safe='')}"
    return (
        f"could not load the dataset {name!r} (config {config!r}, revision {revision!r}) from the "
        f"Hugging Face hub ({_first_line(err)}).\n"
        "To use local files instead, set dataset.source=/path/to/folder, where the folder holds either\n"
        f"  - the hub's Parquet export of {name}, downloaded from {tree} "
        f"(keep its {config}/<split>/*.parquet layout), or\n"
        f"  - the output of datasets.load_dataset({name!r}, revision={revision!r}, data_dir={config!r})"
        ".save_to_disk('/path/to/folder'), run once on a machine with network."
    )


# ---- rows to sentences -----------------------------------------------------------------------------


def _feature_at(dataset: Any, path: tuple[str, ...], label: str) -> Any:
    """The feature at ``path`` (e.g. ("sentences", "words")), lists unwrapped on the way; a clear error
    when the dataset lacks it."""
    feature: Any = dataset.features
    for key in path:
        while hasattr(feature, "feature"):
            feature = feature.feature
        if not isinstance(feature, dict) or key not in feature:
            present = ", ".join(feature) if isinstance(feature, dict) else type(feature).__name__
            raise GencnerError(f"{label}: no field {'.'.join(path)!r} (found: {present})")
        feature = feature[key]
    while hasattr(feature, "feature"):
        feature = feature.feature
    return feature


def _label_names(dataset: Any, path: tuple[str, ...], scheme: str, label: str) -> list[str]:
    """The tag names of the ClassLabel at ``path``, checked against the tagging scheme."""
    import datasets

    feature = _feature_at(dataset, path, label)
    if not isinstance(feature, datasets.ClassLabel):
        raise GencnerError(
            f"{label}: the tags {'.'.join(path)!r} are {feature!r}, not a ClassLabel, so their names "
            "cannot be read from the dataset; use a copy whose tag feature is a ClassLabel"
        )
    for name in feature.names:
        try:
            split_tag(name, scheme)
        except TagError as err:
            raise GencnerError(f"{label}: label name {name!r} of {'.'.join(path)!r}: {err}") from None
    return list(feature.names)


def _rows(dataset: Any, columns: list[str]) -> Iterator[tuple[int, list[Any]]]:
    """(row index, values of ``columns``), read in batches (far faster than row by row)."""
    row = 0
    for batch in dataset.select_columns(columns).iter(batch_size=1000):
        for values in zip(*(batch[c] for c in columns)):
            yield row, list(values)
            row += 1


def _words(words: Any, label: str, row: int) -> list[str]:
    """The words of a row; a missing (null) list or a word that is not a string is a DataError."""
    if not isinstance(words, list):
        raise DataError(label, row, f"the words are {type(words).__name__}, not a list of strings")
    for word in words:
        if not isinstance(word, str):
            raise DataError(label, row, f"word {word!r} is not a string")
    return words


def _tags(ids: Any, names: list[str], n_words: int, label: str, row: int) -> list[str]:
    if not isinstance(ids, list):
        raise DataError(label, row, f"the tags are {type(ids).__name__}, not a list of label ids")
    if len(ids) != n_words:
        raise DataError(label, row, f"{n_words} words but {len(ids)} tags")
    bad = [i for i in ids if not isinstance(i, int) or not 0 <= i < len(names)]
    if bad:
        raise DataError(label, row, f"tag id {bad[0]!r} is not one of the {len(names)} label ids")
    return [names[i] for i in ids]


def _add(collector: SentenceCollector, words: list[str], tags: list[str], scheme: str, origin: str) -> None:
    spans = tags_to_spans(tags, scheme, lambda reason: collector.report.repair(reason, origin))
    collector.add(words, spans, origin)


def _read_sentences(dataset: Any, spec: HubSchema, label: str, collector: SentenceCollector) -> None:
    names = _label_names(dataset, (spec.tags,), spec.scheme, label)
    _feature_at(dataset, ("tokens",), label)
    for row, (words, ids) in _rows(dataset, ["tokens", spec.tags]):
        words = _words(words, label, row)
        tags = _tags(ids, names, len(words), label, row)
        _add(collector, words, tags, spec.scheme, f"{label}:{row}")


def _read_documents(dataset: Any, spec: HubSchema, label: str, collector: SentenceCollector) -> None:
    names = _label_names(dataset, ("sentences", spec.tags), spec.scheme, label)
    _feature_at(dataset, ("sentences", "words"), label)
    _feature_at(dataset, ("document_id",), label)
    for row, (document_id, sentences) in _rows(dataset, ["document_id", "sentences"]):
        if not isinstance(document_id, str):
            raise DataError(label, row, f"document_id is {type(document_id).__name__}, not a string")
        if isinstance(sentences, dict):  # a Sequence of dicts comes back as a dict of lists
            sentences = [dict(zip(sentences, values)) for values in zip(*sentences.values())]
        if not isinstance(sentences, list):
            raise DataError(label, row, f"the sentences are {type(sentences).__name__}, not a list")
        for number, sentence in enumerate(sentences):
            origin = f"{label}:{row}:{number}"
            if document_id.startswith("pt/"):
                collector.report.drop(DROP_BIBLE, origin)
                continue
            if not isinstance(sentence, dict):
                raise DataError(label, row, f"sentence {number} is {type(sentence).__name__}, not a record")
            words = _words(sentence.get("words"), label, row)
            tags = _tags(sentence.get(spec.tags), names, len(words), label, row)
            _add(collector, words, tags, spec.scheme, origin)
