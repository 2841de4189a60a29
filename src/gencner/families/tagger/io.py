"""Save and load a TaggerModel as a folder laid out as a span model's (spankl/io.py): the BERT
(config.json, model.safetensors: loadable by transformers alone and usable as `model.pretrained`), the
task heads (heads.safetensors), the tokenizer, and tagger.json with the settings, the tasks in learning
order and the SHA-256 of both weight files. Reading and checking the folder is the span family's."""

from __future__ import annotations

from pathlib import Path

from gencner.families.spankl.io import read_saved, save_with_heads, with_saved_heads
from gencner.families.tagger.config import TaggerModelConfig
from gencner.families.tagger.model import TaggerModel
from gencner.families.tagger.network import TagNet

META = "tagger.json"


def save_model(model: TaggerModel, path: str | Path) -> Path:
    return save_with_heads(model, path, META)


def load_model(path: str | Path, device: str = "cpu") -> TaggerModel:
    meta, tokenizer, bert, heads = read_saved(Path(path), META, "tagger")
    config = TaggerModelConfig.from_dict(meta["config"])
    model = TaggerModel(TagNet(bert, config.layout, config.word_dropout), tokenizer, config)
    return with_saved_heads(model, meta, heads, Path(path), META, device)
