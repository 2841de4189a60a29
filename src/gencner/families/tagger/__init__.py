"""A BERT token tagger grown per task: ExtendNER and AddNER (Monaikul et al., AAAI 2021) as the SpanKL
reference code (github.com/Qznan/SpanKL, `train_clner.py --m ext|add`) runs them.

A softmax over BIO tags is read at each word's first piece; heads are appended per task (layout.py):
  - ExtendNER (layout extend): one softmax over a shared O and B/I of every learned type. A step's
    cross-entropy covers the words tagged with its types (every word without a teacher); every other
    word is distilled from the previous step's model by a KL over its tags (losses.py).
  - AddNER (layout add): one O/B/I softmax per task; cross-entropy on the step's head over every word,
    a KL per old head; the heads' argmaxes are merged by AddNER's rule (decoding.py).
  - tagger-finetune and the family's non-CL bound: ExtendNER's head without a teacher.

The encoder, its word pieces, its masked-LM pretraining and cache, the optimiser's groups and schedule
and the step's data and module scaffolding are the span family's (spankl/), reused as they are.

Where this differs from the reference code and why:
  - Decoding: the reference's ExtendNER Viterbi adds the start scores in place of the transition
    scores, so it reduces to a per-token argmax; here the BIO-constrained Viterbi it meant is the
    default and that argmax an option (`model.constrained=false`).
  - An I that continues no entity of its type is read as O after the argmax (the reference's entity
    extraction skips it too, but an I of the open entity's type after another type's I extends that
    entity over the gap there; here the gap closes it).
  - AddNER's means run over real words (the reference's include padding, so its loss depended on
    which sentences shared a batch).
  - Heads are created when their task arrives, so a future type is never computed or decayed (the
    reference builds every type's columns at once).
  - An entity's confidence is the lowest probability of its words' tags (the reference writes 1)."""

from gencner.families.tagger.batching import TagCollator, TagExample, gold_tags
from gencner.families.tagger.config import ADD, EXTEND, TaggerModelConfig
from gencner.families.tagger.decoding import Tag, decode, decode_words, merge, viterbi
from gencner.families.tagger.io import load_model, save_model
from gencner.families.tagger.layout import IGNORE, Group, global_tag, groups
from gencner.families.tagger.losses import add_loss, cross_entropy, distillation, extend_loss, step_loss
from gencner.families.tagger.model import TaggerModel, from_span_base
from gencner.families.tagger.network import TagNet
from gencner.families.tagger.teacher import teacher_logits

__all__ = [
    "TagCollator",
    "TagExample",
    "gold_tags",
    "ADD",
    "EXTEND",
    "TaggerModelConfig",
    "Tag",
    "decode",
    "decode_words",
    "merge",
    "viterbi",
    "load_model",
    "save_model",
    "IGNORE",
    "Group",
    "global_tag",
    "groups",
    "add_loss",
    "cross_entropy",
    "distillation",
    "extend_loss",
    "step_loss",
    "TaggerModel",
    "from_span_base",
    "TagNet",
    "teacher_logits",
]
