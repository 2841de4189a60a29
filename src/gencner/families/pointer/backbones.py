"""The pointer network's encoder-decoder (its backbone): a BART (the paper's), a T5, or a BERT-like encoder
with a BERT-like decoder (BERT2BERT, Rothe et al. 2020; from an `EncoderDecoderModel` folder, from an
encoder-only checkpoint through `model.pretrained_encoder`, or from the configuration).

Every backbone offers what pointer.PointerNetwork uses: `.encoder` and `.decoder` that take the same
keyword arguments (input_ids, attention_mask, encoder_hidden_states, encoder_attention_mask, cache,
use_cache), one input embedding read by both (`get_input_embeddings`), `.config` (the decoder's cache is
built from it), `forward(input_ids, attention_mask, decoder_input_ids)` (the denoising pretraining) and
`save_pretrained`. BART and T5 are the transformers models themselves; a BERT2BERT pair is
`EncoderDecoderPair`, whose decoder reads the encoder's word embeddings (one vocabulary and one
embedding, as BART's encoder and decoder share theirs: the type tokens added per task live in it once)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

from torch import nn

from gencner.config.schema import ModelConfig
from gencner.errors import GencnerError

# model_type of a checkpoint's config.json → backbone kind
PRETRAINED_KINDS = {"bart": "bart", "t5": "t5", "mt5": "t5", "encoder-decoder": "bert2bert", "gencner-bert2bert": "bert2bert"}
PAIR_TYPE = "gencner-bert2bert"  # config.json's model_type of a saved EncoderDecoderPair


class EncoderDecoderPair(nn.Module):
    """A BERT-like encoder and a BERT-like decoder (is_decoder, with cross-attention) sharing the
    encoder's word embeddings. Saved as config.json (both configurations) and model.safetensors."""

    def __init__(self, encoder: nn.Module, decoder: nn.Module):
        super().__init__()
        for model in (encoder, decoder):
            if getattr(model, "pooler", None) is not None:
                model.pooler = None  # BERT's sentence pooler: unused here, and absent from some checkpoints' decoders
        self.encoder = encoder
        self.decoder = decoder
        decoder.set_input_embeddings(encoder.get_input_embeddings())

    @property
    def config(self):
        return self.decoder.config

    def get_input_embeddings(self) -> nn.Embedding:
        return self.encoder.get_input_embeddings()

    def forward(self, input_ids, attention_mask, decoder_input_ids):
        states = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        out = self.decoder(input_ids=decoder_input_ids, encoder_hidden_states=states, encoder_attention_mask=attention_mask)
        return SimpleNamespace(last_hidden_state=out.last_hidden_state)

    def save_pretrained(self, folder, safe_serialization: bool = True) -> None:
        from safetensors.torch import save_model

        configs = {"model_type": PAIR_TYPE, "encoder": self.encoder.config.to_dict(), "decoder": self.decoder.config.to_dict()}
        (Path(folder) / "config.json").write_text(json.dumps(configs, indent=2), encoding="utf-8")
        save_model(self, str(Path(folder) / "model.safetensors"))  # the shared embedding is written once

    @classmethod
    def from_folder(cls, folder: Path) -> EncoderDecoderPair:
        from safetensors.torch import load_model
        from transformers import AutoConfig, AutoModel

        configs = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        encoder_config, decoder_config = (AutoConfig.for_model(**dict(configs[part])) for part in ("encoder", "decoder"))
        pair = cls(AutoModel.from_config(encoder_config), AutoModel.from_config(decoder_config))
        load_model(pair, str(folder / "model.safetensors"))
        return pair


def decoder_config(encoder_config, layers: int, dropout: float):
    """The encoder's configuration turned into a decoder's: causal, with cross-attention, `layers` deep.
    Its width is the encoder's: the cross-attention reads the encoder's states as they are."""
    config = encoder_config.__class__.from_dict(encoder_config.to_dict())
    config.is_decoder = True
    config.add_cross_attention = True
    config.num_hidden_layers = layers
    config.hidden_dropout_prob = dropout
    return config


def pair_from_encoder(encoder: nn.Module, layers: int, init: str, dropout: float) -> EncoderDecoderPair:
    """BERT2BERT: a decoder built beside `encoder`; with init="encoder" its embeddings, self-attention and
    feed-forward layers start as copies of the encoder's first `layers` layers (the cross-attention is
    new), with init="random" only the shared word embedding is pretrained."""
    from transformers import AutoModel

    if layers > encoder.config.num_hidden_layers and init == "encoder":
        raise GencnerError(
            f"model.decoder_layers={layers}: the encoder has only {encoder.config.num_hidden_layers} layers to copy "
            "(lower it, or set model.decoder_init=random)"
        )
    decoder = AutoModel.from_config(decoder_config(encoder.config, layers, dropout))
    if init == "encoder":
        # strict=False: the encoder's layers past `layers` and the decoder's cross-attention have no match
        decoder.load_state_dict(encoder.state_dict(), strict=False)
    return EncoderDecoderPair(encoder, decoder)


def _load_failed(name: str, exc: Exception, key: str) -> GencnerError:
    return GencnerError(
        f"cannot load '{name}': {str(exc).splitlines()[0]}. Without network, copy the model folder (config.json, "
        f"model.safetensors, tokenizer files) here and set {key}=/path/to/it."
    )


def load_pretrained(name: str, dropout: float):
    """(kind, backbone) of an encoder-decoder checkpoint: BART, T5 or an EncoderDecoderModel folder."""
    from transformers import AutoConfig, AutoModel, EncoderDecoderModel

    try:
        config = AutoConfig.from_pretrained(name)
        kind = PRETRAINED_KINDS.get(config.model_type)
        if kind is None:
            raise GencnerError(
                f"model.pretrained='{name}' is a '{config.model_type}' checkpoint; the pointer family takes BART, T5 "
                "or EncoderDecoderModel checkpoints (an encoder-only one, e.g. BERT: model.pretrained_encoder=)"
            )
        if config.model_type == "encoder-decoder":
            pair = EncoderDecoderModel.from_pretrained(name)
            return kind, EncoderDecoderPair(pair.encoder, pair.decoder.base_model)
        rate = {"bart": {"dropout": dropout}, "t5": {"dropout_rate": dropout}}[kind]
        return kind, AutoModel.from_pretrained(name, **rate)
    except (OSError, ValueError) as exc:
        raise _load_failed(name, exc, "model.pretrained") from None


def load_encoder(name: str, dropout: float) -> nn.Module:
    """A BERT-like encoder-only checkpoint (its pooler and task heads are not needed)."""
    from transformers import AutoModel

    try:
        return AutoModel.from_pretrained(name, hidden_dropout_prob=dropout)
    except (OSError, ValueError) as exc:
        raise _load_failed(name, exc, "model.pretrained_encoder") from None


def build(mcfg: ModelConfig, tokenizer) -> nn.Module:
    """A backbone of kind model.backbone with random weights, sized by the model section."""
    return {"bart": _bart, "t5": _t5, "bert2bert": _bert2bert}[mcfg.backbone](mcfg, tokenizer)


def _bart(mcfg: ModelConfig, tokenizer):
    from transformers import BartConfig, BartModel

    heads, ffn = mcfg.attention_heads, mcfg.ffn_dim
    sizes = {"vocab_size": len(tokenizer), "d_model": mcfg.d_model, "max_position_embeddings": mcfg.max_positions}
    stacks = {"encoder_layers": mcfg.encoder_layers, "decoder_layers": mcfg.decoder_layers}
    widths = {"encoder_attention_heads": heads, "decoder_attention_heads": heads, "encoder_ffn_dim": ffn, "decoder_ffn_dim": ffn}
    special = {f"{name}_token_id": getattr(tokenizer, f"{name}_token_id") for name in ("pad", "bos", "eos")}
    # decoding starts from </s> and ends with it, as BART's does
    eos = {"decoder_start_token_id": tokenizer.eos_token_id, "forced_eos_token_id": tokenizer.eos_token_id}
    return BartModel(BartConfig(**sizes, dropout=mcfg.dropout, **stacks, **widths, **special, **eos))


def _t5(mcfg: ModelConfig, tokenizer):
    from transformers import T5Config, T5Model

    heads = mcfg.attention_heads
    config = T5Config(
        vocab_size=len(tokenizer),
        d_model=mcfg.d_model,
        d_kv=mcfg.d_model // heads,
        d_ff=mcfg.ffn_dim,
        num_layers=mcfg.encoder_layers,
        num_decoder_layers=mcfg.decoder_layers,
        num_heads=heads,
        dropout_rate=mcfg.dropout,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.pad_token_id,  # T5's convention
    )
    return T5Model(config)


def _bert2bert(mcfg: ModelConfig, tokenizer):
    from transformers import BertConfig, BertModel

    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=mcfg.d_model,
        num_hidden_layers=mcfg.encoder_layers,
        num_attention_heads=mcfg.attention_heads,
        intermediate_size=mcfg.ffn_dim,
        hidden_dropout_prob=mcfg.dropout,
        max_position_embeddings=mcfg.max_positions,
        pad_token_id=tokenizer.pad_token_id,
    )
    return pair_from_encoder(BertModel(config), mcfg.decoder_layers, mcfg.decoder_init, mcfg.dropout)


def load_saved(path: Path, kind: str):
    """The backbone of a saved gencner model folder (io.py); safetensors only, never a pickle."""
    from transformers import BartModel, T5Model

    if kind == "bert2bert":
        return EncoderDecoderPair.from_folder(path)
    model_class = {"bart": BartModel, "t5": T5Model}.get(kind)
    if model_class is None:
        raise GencnerError(f"{path}: unknown backbone '{kind}' (expected bart, t5 or bert2bert)")
    return model_class.from_pretrained(path, use_safetensors=True)


def start_token_id(backbone: nn.Module, tokenizer) -> int:
    """The decoder's first input: the checkpoint's decoder_start_token_id (BART: </s>, T5: <pad>), else
    the tokenizer's sentence start ([CLS] for BERT2BERT, as Rothe et al.)."""
    start = getattr(backbone.config, "decoder_start_token_id", None)
    return int(start) if start is not None else int(boundary_ids(tokenizer)[0])


def boundary_ids(tokenizer) -> tuple[int | None, int]:
    """(start marker, end marker) of a source: <s> … </s> (BART), … </s> (T5: no start), [CLS] … [SEP]
    (BERT). The end marker is also the pointer's end-of-sequence token."""
    begin = tokenizer.bos_token_id if tokenizer.bos_token_id is not None else tokenizer.cls_token_id
    end = tokenizer.eos_token_id if tokenizer.eos_token_id is not None else tokenizer.sep_token_id
    if end is None:
        raise GencnerError(f"the tokenizer {type(tokenizer).__name__} has neither an end-of-sequence nor a separator token")
    return begin, end


def width(backbone: nn.Module) -> int:
    return backbone.get_input_embeddings().embedding_dim


def max_positions(backbone: nn.Module, wanted: int) -> int:
    """Source length: `wanted`, within the encoder's absolute positions (T5's are relative: no limit)."""
    config = backbone.encoder.config if isinstance(backbone, EncoderDecoderPair) else backbone.config
    return min(wanted, getattr(config, "max_position_embeddings", None) or wanted)


def set_vocab_size(backbone: nn.Module, size: int) -> None:
    """Every configuration inside the backbone records the grown vocabulary (save/load rebuild from it)."""
    for module in backbone.modules():
        config = getattr(module, "config", None)
        if config is not None and hasattr(config, "vocab_size") and not isinstance(module, EncoderDecoderPair):
            config.vocab_size = size


def kind_of(backbone: nn.Module) -> str:
    """bart, t5 or bert2bert: how a saved model's backbone is loaded again."""
    return "bert2bert" if isinstance(backbone, EncoderDecoderPair) else PRETRAINED_KINDS[backbone.config.model_type]
