"""Save and load a SpanKLModel as a folder:

  config.json, model.safetensors   the BERT (BertModel.save_pretrained; loadable by transformers alone,
                                   and usable as `pretrained` of a new model)
  heads.safetensors                the task heads, `heads.<t>.weight` / `heads.<t>.bias`
  tokenizer.json, ...              the tokenizer
  spankl.json                      the settings, the types of every task in learning order, and the
                                   SHA-256 of both weight files (safetensors checks structure, not content)

Loading reads safetensors only (no pickle); a missing, truncated or altered file gives a clear error."""

from __future__ import annotations

import json
from pathlib import Path

from gencner.checkpoints import WEIGHTS, check_digest, check_model_files, quiet_hub_bars, read_meta_object, save_checkpoint
from gencner.errors import GencnerError
from gencner.families.spankl.config import SpanKLModelConfig
from gencner.families.spankl.model import SpanKLModel
from gencner.families.spankl.network import SpanScorer

META = "spankl.json"
HEADS = "heads.safetensors"


def save_model(model: SpanKLModel, path: str | Path) -> Path:
    return save_with_heads(model, path, META)


def save_with_heads(model, path: str | Path, meta_name: str) -> Path:
    """A model of a BERT with task heads (this family's, or another's saved the same way under its own
    settings file `meta_name`), in the folder layout above."""
    heads = {f"heads.{k}": v for k, v in model.net.heads.state_dict().items()}
    meta = {"config": model.config.to_dict(), "tasks": [list(task) for task in model.tasks]}
    return save_checkpoint(Path(path), model.net.bert, model.tokenizer, HEADS, heads, meta_name, meta)


def load_model(path: str | Path, device: str = "cpu") -> SpanKLModel:
    meta, tokenizer, bert, heads = read_saved(Path(path), META, "SpanKL")
    config = SpanKLModelConfig.from_dict(meta["config"])
    model = SpanKLModel(SpanScorer(bert, config.head_size, config.word_dropout), tokenizer, config)
    return with_saved_heads(model, meta, heads, Path(path), META, device)


def read_saved(path: Path, meta_name: str, kind: str) -> tuple[dict, object, object, dict]:
    """(meta, tokenizer, BERT, head tensors) of a folder saved as above, whose settings file is
    `meta_name` (another family saving its models this way names its own), every file checked first."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file
    from transformers import AutoTokenizer, BertModel

    quiet_hub_bars()
    check_model_files(path, (meta_name, "config.json", WEIGHTS, HEADS), kind)
    meta = _read_meta(path / meta_name)
    _check_digests(path, meta, meta_name)
    try:
        tokenizer = AutoTokenizer.from_pretrained(path)
        bert = BertModel.from_pretrained(path, use_safetensors=True, add_pooling_layer=False)
        heads = load_file(str(path / HEADS))
    except (OSError, ValueError, json.JSONDecodeError, SafetensorError) as exc:
        raise GencnerError(f"cannot load the model in {path}: {str(exc).splitlines()[0]} (truncated or altered file?)") from None
    return meta, tokenizer, bert, heads


def with_saved_heads(model, meta: dict, heads: dict, path: Path, meta_name: str, device: str):
    """`model` (no task yet) grown for the saved tasks and given the saved heads, on `device`, in eval mode."""
    for task in meta["tasks"]:
        model.grow(task)
    try:
        model.net.heads.load_state_dict({k.removeprefix("heads."): v for k, v in heads.items()})
    except RuntimeError as exc:
        raise GencnerError(f"{path / HEADS}: does not match the tasks in {meta_name}: {str(exc).splitlines()[0]}") from None
    model.net.to(device)
    model.net.eval()
    return model


def _check_digests(path: Path, meta: dict, meta_name: str) -> None:
    for name in (WEIGHTS, HEADS):
        check_digest(path / name, meta["sha256"].get(name), meta_name)


def _read_meta(meta_file: Path) -> dict:
    meta = read_meta_object(meta_file)
    expected = {"config": dict, "tasks": list, "sha256": dict}
    for key, kind in expected.items():
        if not isinstance(meta.get(key), kind):
            raise GencnerError(f"{meta_file}: `{key}` must be a JSON {kind.__name__}")
    return meta
