"""The configuration schema. Every key a user can set is declared here with its type and default;
OmegaConf rejects unknown keys and wrong types against it (see loading.py for the error messages).

The YAML files under conf/ fill these dataclasses; their docstrings say what each key means."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


@dataclass
class SyntheticConfig:
    """Sizes and seed of the generated corpus (dataset.format=synthetic).

    dev: also the model-selection set; Split cuts it into one chunk per task (300 → 50 sentences per
      step), so a stable best-epoch choice wants dev ≥ 200 × the number of tasks (1,200 for six).
    empty_fraction: share of sentences without entities (exact per split).
    ambiguous_fraction: the noisy-teacher variant: share of entity mentions (exact within a sentence's
      mentions per split) standing alone in a neutral sentence ("Officials discussed Jordan at length .")
      with a form several types share and a gold type drawn at random among them, so that the type
      cannot be read and pseudo-labels carry real errors. 0.0 = the regular corpus, unchanged.
    pretrain_sentences: the text of the denoising pretraining (model.denoise_epochs > 0) and of the
      tokenizer: 0 = the training sentences; N > 0 = N unlabeled sentences from the same generator's
      own stream "pretrain" (same templates and lexicon, another seed), none equal to a labelled train,
      dev or test sentence (those are redrawn, counted and reported).
    """

    seed: int = 13
    train: int = 3000
    dev: int = 300
    test: int = 600
    empty_fraction: float = 0.1
    ambiguous_fraction: float = 0.0
    pretrain_sentences: int = 0


@dataclass
class DatasetConfig:
    """A dataset definition: where the sentences come from and how types are grouped into tasks.

    format: spankl | conll | conll2012 | hub | synthetic.
    path: folder holding train/dev/test files (file formats); train/dev/test override single files.
    source/hub_config/revision/schema: for format=hub, a hub name or a local folder (save_to_disk output
      or Parquet export), and which feature layout it has (few-nerd | ontonotes).
    tasks: the types of each task, in perm0 order; task_names: a short name per task.
    permutations: task orders as indices into `tasks` (perm0 first).
    type_names: natural-language name of each type (its type token is initialised from these words).
    type_map: renames applied while reading (a re-upload's label names → this definition's).
    flat: gold and predictions never overlap (OntoNotes, Few-NERD); overlapping gold is repaired.
    split_seed: the seed of SpanKL's Split allocation when no *_task.jsonl files are given.
    """

    name: str = "synthetic"
    format: str = "synthetic"
    path: Optional[str] = None
    train: Optional[str] = None
    dev: Optional[str] = None
    test: Optional[str] = None
    tagging: str = "bio"
    token_column: int = 0
    tag_column: int = -1
    source: Optional[str] = None
    hub_config: Optional[str] = None
    revision: Optional[str] = "refs/convert/parquet"
    schema: Optional[str] = None
    use_task_files: bool = True
    tasks: list[list[str]] = field(default_factory=list)
    task_names: list[str] = field(default_factory=list)
    permutations: list[list[int]] = field(default_factory=list)
    type_names: dict[str, str] = field(default_factory=dict)
    type_map: dict[str, str] = field(default_factory=dict)
    flat: bool = True
    split_seed: int = 1
    synthetic: SyntheticConfig = field(default_factory=SyntheticConfig)


@dataclass
class SettingConfig:
    """How tasks are drawn from the corpus (protocol §2).

    train: split (SpanKL's disjoint chunks) | filter (sentences holding a task's types) | all.
    test: the test sets scored after every step, the first is the headline: all | filter.
    cumulative: non-CL upper bound: step k trains on tasks 1..k with gold of all seen types.
    single_step: offline upper bound: one step, all types, all training data.
    """

    name: str = "split-all"
    train: str = "split"
    test: list[str] = field(default_factory=lambda: ["all"])
    cumulative: bool = False
    single_step: bool = False


@dataclass
class ModelConfig:
    """The pointer BART. `pretrained` names a checkpoint (hub name or folder); otherwise the architecture
    below is built with random weights and a byte-level BPE tokenizer is trained on the corpus, and
    `denoise_epochs` > 0 first pretrains it as BART is pretrained (text infilling on the training
    sentences, no labels), once per corpus and architecture (cached under <output_dir>/_pretrained/)."""

    name: str = "tiny"
    pretrained: Optional[str] = None
    tokenizer: Optional[str] = None
    vocab_size: int = 1200
    d_model: int = 128
    encoder_layers: int = 2
    decoder_layers: int = 2
    attention_heads: int = 4
    ffn_dim: int = 256
    dropout: float = 0.1
    max_positions: int = 256
    denoise_epochs: int = 0
    denoise_lr: float = 1e-3
    max_source_tokens: int = 250
    constrained: bool = True
    beam_size: int = 1
    max_length_base: int = 10
    max_length_ratio: float = 0.8


@dataclass
class MethodConfig:
    """The continual-learning method (protocol §5). finetune: no teacher; pseudo-only / kd-only: one half
    of GenCNER; gencner: both.

    threshold_quantile: τ_t is this quantile of the confidences of type t's pseudo triplets (0.5 = median).
    below_threshold: what a pseudo triplet below τ_t becomes: drop (out of the target: the paper read
      literally) | distill (in the decoder input, no cross-entropy on its indices, distilled like the
      kept ones) | keep (a hard label like the kept ones; τ_t is still computed and logged).
    kd_positions: pseudo (KL at the pseudo-segment positions) | all.
    target_order: pseudo-first (kept pseudo triplets in the teacher's order, then gold) | sorted.
    """

    name: str = "gencner"
    pseudo_labels: bool = True
    distill: bool = True
    threshold_quantile: float = 0.5
    below_threshold: str = "drop"
    kd_weight: float = 1.0
    kd_temperature: float = 1.0
    kd_positions: str = "pseudo"
    target_order: str = "pseudo-first"


@dataclass
class TrainerConfig:
    """Optimisation and hardware for every step (protocol §5.8: AdamW, linear warm-up/decay, best dev)."""

    name: str = "cpu"
    accelerator: str = "auto"
    devices: int = 1
    strategy: str = "auto"
    precision: str = "32-true"
    max_epochs: int = 10
    batch_size: int = 8
    eval_batch_size: int = 64
    lr: float = 5e-5
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    gradient_clip: float = 1.0
    select: str = "best"
    num_workers: int = 0
    length_bucketing: bool = False
    token_budget: Optional[int] = None  # padded tokens per training batch (replaces batch_size when set)
    compile: bool = False  # torch.compile the student's and teacher's forward (measure with `gencner bench --compile`)
    deterministic: bool = True
    progress: bool = True


@dataclass
class LoggerConfig:
    """Where metrics go besides runs/: none | csv | wandb (offline unless mode=online)."""

    name: str = "csv"
    project: str = "gencner"
    entity: Optional[str] = None
    group: Optional[str] = None
    tags: list[str] = field(default_factory=list)
    mode: str = "offline"


@dataclass
class Config:
    """The whole configuration. `choices` records which file of each group was used (read-only)."""

    dataset: DatasetConfig = field(default_factory=DatasetConfig)
    setting: SettingConfig = field(default_factory=SettingConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    method: MethodConfig = field(default_factory=MethodConfig)
    trainer: TrainerConfig = field(default_factory=TrainerConfig)
    logger: LoggerConfig = field(default_factory=LoggerConfig)
    choices: dict[str, str] = field(default_factory=dict)
    experiment: Optional[str] = None
    name: Optional[str] = None
    seed: int = 1
    permutation: int = 0
    output_dir: str = "runs"
