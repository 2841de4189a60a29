"""Save and load a NerModel as a Hugging Face-style folder:

  config.json, model.safetensors   the backbone (a BART or T5 as save_pretrained writes it, loadable by
                                   transformers alone; a BERT2BERT pair as backbones.EncoderDecoderPair)
  pointer_head.safetensors         the pointer MLP and the type-token ids
  tokenizer.json, ...              the tokenizer with its type tokens
  gencner.json                     the type inventory, type names, source length, decoding settings

Loading uses safetensors only (no pickle); a truncated or altered file gives a clear error: gencner.json
records the SHA-256 of both weight files (safetensors itself checks structure, not content)."""

from __future__ import annotations

import json
from pathlib import Path

from gencner.checkpoints import WEIGHTS, check_digest, check_model_files, quiet_hub_bars, read_meta_object, save_checkpoint
from gencner.errors import GencnerError
from gencner.families.pointer import backbones
from gencner.families.pointer.model import NerModel
from gencner.families.pointer.network import PointerNetwork

META = "gencner.json"
HEAD = "pointer_head.safetensors"
# gencner.json: key → (type, what it must be)
META_FIELDS = {
    "types": (list, "a list of type labels"),
    "type_names": (dict, "an object {type: name}"),
    "n_positions": (int, "an int"),
    "max_source_tokens": (int, "an int"),
    "eos_token_id": (int, "an int"),
    "decoding": (dict, "an object of decoding settings"),
}


def save_model(model: NerModel, path: str | Path) -> Path:
    head = {f"encoder_mlp.{k}": v for k, v in model.net.encoder_mlp.state_dict().items()}
    head["type_token_ids"] = model.net.type_token_ids
    meta = {
        "types": list(model.types),
        "type_names": dict(model.type_names),
        "n_positions": model.net.n_positions,
        "max_source_tokens": model.max_source_tokens,
        "eos_token_id": model.net.eos_token_id,
        "start_token_id": model.net.start_token_id,
        "backbone": backbones.kind_of(model.net.backbone),
        "head_dropout": model.net.dropout,
        "decoding": dict(model.decoding),
    }
    return save_checkpoint(Path(path), model.net.backbone, model.tokenizer, HEAD, head, META, meta)


def load_model(path: str | Path, device: str = "cpu") -> NerModel:
    from safetensors import SafetensorError
    from safetensors.torch import load_file
    from transformers import AutoTokenizer, PretrainedConfig

    quiet_hub_bars()

    path = Path(path)
    meta_file = path / META
    where = "; models are saved by runs in runs/<name>/steps/step-NN/model"
    check_model_files(path, (META, "config.json", WEIGHTS, HEAD), "gencner", where)
    meta = _read_meta(meta_file)
    try:
        kind = str(meta.get("backbone", "bart"))  # folders saved before there were other backbones hold a BART
        # tokenizer_config.json names the tokenizer class; the pair's config.json is gencner's own, which
        # transformers would read, not know, and warn about on every load
        tokenizer = AutoTokenizer.from_pretrained(path, **({"config": PretrainedConfig()} if kind == "bert2bert" else {}))
        backbone = backbones.load_saved(path, kind)  # never a pickled pytorch_model.bin
        head = load_file(str(path / HEAD))
    except (OSError, ValueError, json.JSONDecodeError, SafetensorError) as exc:
        raise GencnerError(f"cannot load the model in {path}: {str(exc).splitlines()[0]} (truncated or altered file?)") from None
    if "type_token_ids" not in head:
        raise GencnerError(f"{path / HEAD}: no tensor 'type_token_ids' (truncated or altered file?)")
    dropout, start = float(meta.get("head_dropout", 0.1)), meta.get("start_token_id")
    net = PointerNetwork(backbone, head["type_token_ids"].tolist(), meta["n_positions"], meta["eos_token_id"], dropout, start)
    mlp = {k.removeprefix("encoder_mlp."): v for k, v in head.items() if k.startswith("encoder_mlp.")}
    try:
        net.encoder_mlp.load_state_dict(mlp)
    except RuntimeError as exc:
        raise GencnerError(f"{path / HEAD}: does not match the model: {str(exc).splitlines()[0]}") from None
    if len(meta["types"]) != net.n_types:
        raise GencnerError(f"{path}: {META} lists {len(meta['types'])} types but the head has {net.n_types}")
    _check_digests(path, meta)  # last: the structural checks above name what is wrong more precisely
    model = NerModel(
        net.to(device), tokenizer, list(meta["types"]), dict(meta["type_names"]), meta["max_source_tokens"], dict(meta["decoding"])
    )
    return model


def _check_digests(path: Path, meta: dict) -> None:
    """Folders saved before digests were recorded have none; then only safetensors' own checks apply."""
    for name, expected in (meta.get("sha256") or {}).items():
        if name in (WEIGHTS, HEAD):
            check_digest(path / name, expected, META)


def _read_meta(meta_file: Path) -> dict:
    """gencner.json, checked key by key, so that a damaged file is named instead of failing later."""
    meta = read_meta_object(meta_file)
    for key, (kind, described) in META_FIELDS.items():
        value = meta.get(key)
        if not isinstance(value, kind) or isinstance(value, bool):
            found = "nothing" if key not in meta else type(value).__name__
            raise GencnerError(f"{meta_file}: `{key}` must be {described}, found {found}")
    return meta
