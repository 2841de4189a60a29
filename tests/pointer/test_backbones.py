"""The pointer family on other backbones than BART: a config-built tiny T5 with a SentencePiece (Unigram)
tokenizer, a config-built tiny BERT2BERT with a WordPiece tokenizer, a warm start from a tiny BERT
checkpoint folder (model.pretrained_encoder) and an EncoderDecoderModel folder (model.pretrained). For
each: words align to their first piece through the fast tokenizer's word ids, the model learns to
generate two sentences' triplets, and save → load → `gencner predict` gives the same entities."""

from __future__ import annotations

import json

import pytest
import torch
import torch.nn.functional as F
from tests.conftest import TINY_MODEL
from tests.pointer.conftest import TYPE_NAMES, WORDS, tiny_config

from gencner.cli import main
from gencner.data.schema import Sentence, Span
from gencner.data.targets import Example
from gencner.errors import GencnerError
from gencner.families.pointer import backbones
from gencner.families.pointer.batching import Collator, encode_examples
from gencner.families.pointer.inference import predict_sentences
from gencner.families.pointer.io import load_model, save_model
from gencner.families.pointer.model import build_model

GOLD = [
    Sentence(("John", "Smith", "visited", "Zürich", "on", "Monday", "."), (Span(0, 2, "PER"), Span(3, 4, "LOC"))),
    Sentence(("Acme", "Corp", "hired", "Maria", "Garcia", "."), (Span(0, 2, "ORG"), Span(3, 5, "PER"))),
]
SIZES = [*TINY_MODEL, "model.encoder_layers=2", "model.decoder_layers=1"]


def _save_tokenizer(tokenizer_object, folder, **special):
    from transformers import PreTrainedTokenizerFast

    tokenizer = PreTrainedTokenizerFast(tokenizer_object=tokenizer_object, **special)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def sentencepiece_dir(tmp_path_factory):
    """A Unigram model with a Metaspace pre-tokenizer (T5's scheme): <pad>=0 </s>=1 <unk>=2, no start token."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.Unigram())
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    tok.decoder = decoders.Metaspace()
    trainer = trainers.UnigramTrainer(vocab_size=300, special_tokens=["<pad>", "</s>", "<unk>"], unk_token="<unk>", show_progress=False)
    tok.train_from_iterator([" ".join(s.tokens) for s in GOLD] + [" ".join(WORDS)], trainer)
    return _save_tokenizer(tok, tmp_path_factory.mktemp("t5-tokenizer"), eos_token="</s>", pad_token="<pad>", unk_token="<unk>")


@pytest.fixture(scope="module")
def wordpiece_dir(tmp_path_factory):
    from gencner.families.spankl.tokenization import train_wordpiece_tokenizer

    tokenizer = train_wordpiece_tokenizer(WORDS + [w for s in GOLD for w in s.tokens], 300)
    folder = tmp_path_factory.mktemp("wordpiece")
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def bert_checkpoint(wordpiece_dir, tmp_path_factory):
    """A tiny BERT saved as a Hugging Face folder, with its tokenizer: the encoder-only checkpoint."""
    from transformers import AutoTokenizer, BertConfig, BertModel

    tokenizer = AutoTokenizer.from_pretrained(wordpiece_dir)
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    folder = tmp_path_factory.mktemp("tiny-bert")
    BertModel(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def encoder_decoder_dir(bert_checkpoint, tmp_path_factory):
    """An EncoderDecoderModel folder (BERT encoder, BERT decoder with cross-attention) and its tokenizer."""
    from transformers import AutoTokenizer, EncoderDecoderModel

    folder = tmp_path_factory.mktemp("bert2bert")
    model = EncoderDecoderModel.from_encoder_decoder_pretrained(str(bert_checkpoint), str(bert_checkpoint))
    model.save_pretrained(folder)
    AutoTokenizer.from_pretrained(bert_checkpoint).save_pretrained(folder)
    return folder


def backbone_overrides(kind, folders) -> list[str]:
    return {
        "t5": ["model.backbone=t5", f"model.tokenizer={folders['sentencepiece']}"],
        "bert2bert": ["model.backbone=bert2bert", f"model.tokenizer={folders['wordpiece']}"],
        "warm-start": [f"model.pretrained_encoder={folders['bert']}", "model.decoder_layers=1"],
        "encoder-decoder": [f"model.pretrained={folders['encoder_decoder']}"],
    }[kind]


KINDS = ["t5", "bert2bert", "warm-start", "encoder-decoder"]


@pytest.fixture(scope="module")
def folders(sentencepiece_dir, wordpiece_dir, bert_checkpoint, encoder_decoder_dir):
    return {"sentencepiece": sentencepiece_dir, "wordpiece": wordpiece_dir, "bert": bert_checkpoint, "encoder_decoder": encoder_decoder_dir}


def make(kind, folders, *extra):
    model = build_model(tiny_config(*SIZES, *backbone_overrides(kind, folders), "model.dropout=0.0", *extra).model, WORDS, TYPE_NAMES)
    model.add_types(["PER", "LOC", "ORG"])
    return model


def fit(model, sentences, max_steps=600, target=0.02):
    """Teacher-forced cross-entropy on the sentences' gold triplets until the loss is under `target`;
    returns the last loss. Stopping on the loss rather than after a fixed count keeps the test from
    depending on how fast one CPU's arithmetic happens to reach it."""
    encoded, _ = encode_examples([Example(s, s.spans) for s in sentences], model.source_encoder(), model.space, model.type_ids)
    batch = Collator(model.tokenizer.pad_token_id, model.space)(encoded)
    optimizer = torch.optim.AdamW(model.net.parameters(), lr=3e-3)
    model.net.train()
    for _ in range(max_steps):
        dec = model.net.decoder_input_ids(batch["targets"], batch["src_ids"], model.start_id)
        logits = model.net(batch["src_ids"], batch["src_mask"], batch["word_mask"], dec)
        loss = F.cross_entropy(logits.transpose(1, 2), batch["targets"], ignore_index=-100)
        if loss.item() < target:
            break
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.net.eval()
    return loss.item()


def entities(model, sentences):
    predicted, _ = predict_sentences(model, [Sentence(s.tokens) for s in sentences], batch_size=4)
    return [sorted((t.span.start, t.span.end, t.span.type) for t in row) for row in predicted]


def gold(sentences):
    return [sorted((s.start, s.end, s.type) for s in sent.spans) for sent in sentences]


@pytest.mark.parametrize("kind", KINDS)
def test_every_word_points_at_its_own_first_piece(kind, folders):
    model = make(kind, folders)
    encoder = model.source_encoder()
    words = ["Zürich", "unheardofword", "New-York", "</s>", "[SEP]", "."]
    source = encoder.encode(words)
    tokenizer = model.tokenizer
    assert len(source.word_starts) == len(words)
    for w, word in enumerate(words):
        end = source.word_starts[w + 1] if w + 1 < len(words) else len(source.ids) - 1
        pieces = list(source.ids[source.word_starts[w] : end])
        alone = tokenizer([[" " + word]], is_split_into_words=True, add_special_tokens=False, split_special_tokens=True)
        assert pieces == alone["input_ids"][0], f"{kind}: {word!r}"
        if tokenizer.unk_token_id not in pieces:  # characters the tiny vocabulary lacks read as <unk>
            assert tokenizer.decode(pieces).replace(" ", "").lower() == word.lower()
    begin, end_id = backbones.boundary_ids(tokenizer)
    assert source.ids[-1] == end_id == model.net.eos_token_id
    assert (source.ids[0] == begin) if begin is not None else source.word_starts[0] == 0


@pytest.mark.parametrize("kind", KINDS)
def test_each_backbone_learns_two_sentences_and_round_trips_through_disk_and_predict(kind, folders, tmp_path, capsys):
    torch.manual_seed(0)
    model = make(kind, folders)
    loss = fit(model, GOLD)
    assert loss < 0.02, f"{kind}: loss {loss:.3f} after the last step"
    assert entities(model, GOLD) == gold(GOLD)

    save_model(model, tmp_path / "model")
    loaded = load_model(tmp_path / "model")
    assert backbones.kind_of(loaded.net.backbone) == backbones.kind_of(model.net.backbone)
    assert loaded.start_id == model.start_id and loaded.types == model.types
    assert entities(loaded, GOLD) == gold(GOLD)

    text = tmp_path / "input.txt"
    text.write_text("\n".join(" ".join(s.tokens) for s in GOLD) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["predict", "--model", str(tmp_path / "model"), "--input", str(text)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [sorted((e["start"], e["end"], e["type"]) for e in row["entities"]) for row in rows] == gold(GOLD)


def test_a_t5_decoder_starts_from_pad_and_a_bert2bert_one_from_cls(folders):
    t5, bert = make("t5", folders), make("warm-start", folders)
    assert t5.start_id == t5.tokenizer.pad_token_id and t5.tokenizer.bos_token_id is None
    assert bert.start_id == bert.tokenizer.cls_token_id and bert.net.eos_token_id == bert.tokenizer.sep_token_id


def test_the_warm_start_copies_the_checkpoint_into_the_encoder_and_its_first_layers_into_the_decoder(folders):
    from transformers import BertModel

    checkpoint = BertModel.from_pretrained(folders["bert"]).state_dict()
    model = make("warm-start", folders)
    pair = model.net.backbone
    assert isinstance(pair, backbones.EncoderDecoderPair)
    encoder, decoder = pair.encoder.state_dict(), pair.decoder.state_dict()
    vocab = checkpoint["embeddings.word_embeddings.weight"].size(0)
    assert torch.equal(encoder["embeddings.word_embeddings.weight"][:vocab], checkpoint["embeddings.word_embeddings.weight"])
    assert torch.equal(encoder["encoder.layer.1.output.dense.weight"], checkpoint["encoder.layer.1.output.dense.weight"])
    assert pair.decoder.config.num_hidden_layers == 1 and pair.decoder.config.add_cross_attention
    assert torch.equal(decoder["encoder.layer.0.attention.self.query.weight"], checkpoint["encoder.layer.0.attention.self.query.weight"])
    assert "encoder.layer.0.crossattention.self.query.weight" in decoder
    # one embedding: the type tokens added per task exist once, for the encoder and the decoder alike
    assert pair.decoder.get_input_embeddings() is pair.encoder.get_input_embeddings()


def test_a_random_decoder_init_leaves_the_decoder_layers_new(folders):
    from transformers import BertModel

    checkpoint = BertModel.from_pretrained(folders["bert"]).state_dict()
    decoder = make("warm-start", folders, "model.decoder_init=random").net.backbone.decoder.state_dict()
    assert not torch.equal(
        decoder["encoder.layer.0.attention.self.query.weight"], checkpoint["encoder.layer.0.attention.self.query.weight"]
    )


def test_a_decoder_deeper_than_the_encoder_it_copies_is_refused(folders):
    with pytest.raises(GencnerError, match="decoder_layers=3"):
        make("warm-start", folders, "model.decoder_layers=3")


def test_an_encoder_only_checkpoint_given_as_model_pretrained_points_at_pretrained_encoder(folders):
    with pytest.raises(GencnerError, match="pretrained_encoder"):
        build_model(tiny_config(f"model.pretrained={folders['bert']}").model, WORDS, TYPE_NAMES)
