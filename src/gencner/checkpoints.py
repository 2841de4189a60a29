"""What every family's saved model and checkpoint loading share: a file's SHA-256 (recorded when a model
is saved, checked when it is loaded), files that cannot be read named as such, the metadata file read as
one clear error when damaged, and a tokenizer from a folder or the hub with an offline hint."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from gencner.errors import GencnerError

WEIGHTS = "model.safetensors"  # what transformers' save_pretrained writes


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_model_files(folder: Path, names, what: str, hint: str = "") -> None:
    """A saved model's files, before anything is loaded: all present (else one line naming the missing
    ones, then `hint`), and each opened once: safetensors reports every file it cannot open, one without
    read permission included, as "No such file or directory", which would be taken for damage."""
    missing = [name for name in names if not (folder / name).is_file()]
    if missing:
        raise GencnerError(f"{folder} is not a complete saved {what} model (missing {', '.join(missing)}){hint}")
    for name in names:
        try:
            with open(folder / name, "rb"):
                pass
        except OSError as exc:
            raise GencnerError(f"cannot read {folder / name}: {exc.strerror}") from None


def check_digest(path: Path, expected: str | None, meta_name: str) -> None:
    if file_digest(path) != expected:
        raise GencnerError(f"{path}: its SHA-256 differs from the one recorded in {meta_name} (truncated or altered file?)")


def read_meta_object(meta_file: Path) -> dict:
    """A saved model's metadata file as a JSON object, or a GencnerError naming the file."""
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GencnerError(f"{meta_file}: not valid JSON ({str(exc).splitlines()[0]}; truncated or altered file?)") from None
    if not isinstance(meta, dict):
        raise GencnerError(f"{meta_file}: expected a JSON object, found {type(meta).__name__}")
    return meta


def load_tokenizer(name_or_path: str, example: str):
    """A tokenizer from a local folder or the hub; an offline failure becomes a clear error whose hint
    names an `example` setting (model.pretrained=/path/to/...)."""
    from transformers import AutoTokenizer

    try:
        return AutoTokenizer.from_pretrained(name_or_path)
    except (OSError, ValueError) as exc:
        hint = "" if Path(name_or_path).exists() else f" Without network, copy the model folder here and pass its path ({example})."
        raise GencnerError(f"cannot load tokenizer '{name_or_path}': {str(exc).splitlines()[0]}.{hint}") from None


def quiet_hub_bars() -> None:
    """No "Loading weights" / "Writing model shards" bar for every step's model."""
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()


def save_checkpoint(path: Path, network, tokenizer, head_file: str, head: dict, meta_file: str, meta: dict) -> Path:
    """A saved model's folder, written whole or not at all (atomic.folder): the pretrained network's
    own files (weights_file inside), the family's extra tensors (`head`) in `head_file`, the tokenizer,
    and `meta` in `meta_file` with the SHA-256 of both weight files and the gencner version."""
    from safetensors.torch import save_file

    from gencner import __version__
    from gencner.atomic import folder, write_json

    quiet_hub_bars()
    with folder(path) as tmp:
        network.save_pretrained(tmp, safe_serialization=True)
        save_file({k: v.detach().contiguous().cpu() for k, v in head.items()}, str(tmp / head_file))
        tokenizer.save_pretrained(tmp)
        digests = {name: file_digest(tmp / name) for name in (WEIGHTS, head_file)}
        write_json(tmp / meta_file, {"sha256": digests, "gencner_version": __version__, **meta})
    return Path(path)
