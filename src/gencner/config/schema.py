"""The configuration schema. Every key a user can set is declared here with its type and default;
OmegaConf rejects unknown keys and wrong types against it (see loading.py for the error messages).
A key with a fixed set of values is typed with one of the Literal types below: OmegaConf refuses any
other value, and these declarations are the only place the values are written down.

The YAML files under conf/ fill these dataclasses; their docstrings say what each key means."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Format = Literal["spankl", "conll", "conll2012", "hub", "synthetic"]
Tagging = Literal["bio", "bioes", "io"]
HubSchema = Literal["few-nerd", "ontonotes"]
TrainAllocation = Literal["split", "filter", "all"]
TestSet = Literal["all", "filter"]
UpperBoundSteps = Literal["every-step", "last-step"]
KdPositions = Literal["pseudo", "all"]
TargetOrder = Literal["pseudo-first", "sorted"]
BelowThreshold = Literal["drop", "distill", "keep", "teacher-pass"]
Selection = Literal["best", "last"]
Backbone = Literal["bart", "t5", "bert2bert"]
DecoderInit = Literal["encoder", "random"]
# fp16 is left out: its range cannot hold the masking score, and bf16 is what modern GPUs offer.
# Lightning's alias "32" is left out too: a bare 32 on the command line is a number, not this string.
Precision = Literal["32-true", "bf16-mixed", "bf16-true"]
LoggerName = Literal["none", "csv", "wandb"]
WandbMode = Literal["offline", "online", "disabled"]
LauncherName = Literal["sequential", "parallel", "slurm"]
# submitit's executors: a SLURM cluster, or each cell a process on this machine (a submission tried
# without a cluster). Its `debug` executor is left out: it opens a debugger on a failed job.
Cluster = Literal["slurm", "local"]


@dataclass
class SyntheticConfig:
    """Sizes and seed of the generated corpus (dataset.format=synthetic). The defaults here are the first
    benchmark's (conf/experiment/first-benchmark.yaml); conf/dataset/synthetic.yaml sets today's. They stay:
    a key added later (run_identity.ADDED_KEYS) leaves run names unchanged only at the value it was added with.
    The fields' own notes follow them."""

    seed: int = 13
    train: int = 3000
    dev: int = 300
    """Also the model-selection set; Split cuts it into one chunk per task (1,200 → 200 sentences per
    step): a stable best-epoch choice wants at least 200 per step."""
    test: int = 600
    empty_fraction: float = 0.1
    """Share of sentences without entities (exact per split)."""
    ambiguous_fraction: float = 0.0
    """The noisy-teacher variant: share of entity mentions (exact within a sentence's mentions per split)
    standing alone in a neutral sentence ("Officials discussed Jordan at length .") with a form several
    types share and a gold type drawn at random among them, so that the type cannot be read and
    pseudo-labels carry real errors. 0.0 = the regular corpus, unchanged."""
    pretrain_sentences: int = 0
    """The text of the denoising pretraining (model.denoise_epochs > 0) and of the tokenizer: 0 = the
    training sentences; N > 0 = N unlabeled sentences from the same generator's own stream "pretrain"
    (same templates and lexicon, another seed), none equal to a labelled train, dev or test sentence
    (those are redrawn, counted and reported)."""


@dataclass
class DatasetConfig:
    """A dataset definition: where the sentences come from and how types are grouped into tasks.

    format: which reader reads it (data/readers/; `synthetic` generates the corpus instead).
    path: folder holding train/dev/test files (file formats); train/dev/test override single files.
    source/hub_config/revision/schema: for format=hub, a hub name or a local folder (save_to_disk output
      or Parquet export), and which feature layout it has.
    tasks: the types of each task, in perm0 order; task_names: a short name per task.
    permutations: task orders as indices into `tasks` (perm0 first).
    type_names: natural-language name of each type (its type token is initialised from these words).
    type_map: renames applied while reading (a re-upload's label names → this definition's).
    flat: gold and predictions never overlap (OntoNotes, Few-NERD); overlapping gold is repaired.
    split_seed: the seed of SpanKL's Split allocation when no *_task.jsonl files are given, and of the
      dev hold-out and test sample below.
    """

    name: str = "synthetic"
    format: Format = "synthetic"
    path: str | None = None
    train: str | None = None
    dev: str | None = None
    test: str | None = None
    tagging: Tagging = "bio"
    token_column: int = 0
    tag_column: int = -1
    source: str | None = None
    hub_config: str | None = None
    revision: str | None = "refs/convert/parquet"
    schema: HubSchema | None = None
    use_task_files: bool = True
    tasks: list[list[str]] = field(default_factory=list)
    task_names: list[str] = field(default_factory=list)
    permutations: list[list[int]] = field(default_factory=list)
    type_names: dict[str, str] = field(default_factory=dict)
    type_map: dict[str, str] = field(default_factory=dict)
    flat: bool = True
    split_seed: int = 1
    dev_holdout: int = 0
    """N > 0: no dev file is read; N sentences of the training file, drawn with split_seed, are the dev
    split and the rest the training pool (a corpus that has one labelled pool, e.g. OntoNotes' dev file)."""
    test_sample: int = 0
    """N > 0: a fixed sample of N test sentences, drawn with split_seed, in file order (scoring the whole
    test set after every step of a CPU run costs more than its training)."""
    synthetic: SyntheticConfig = field(default_factory=SyntheticConfig)


@dataclass
class SettingConfig:
    """How tasks are drawn from the corpus (docs/protocol.md, "Settings").

    train: split (SpanKL's disjoint chunks) | filter (sentences holding a task's types) | all.
    test: the test sets scored after every step, the first is the headline.
    cumulative: non-CL upper bound: step k trains on tasks 1..k with gold of all seen types.
    single_step: offline upper bound: one step, all types, all training data.
    upper_bound: the non-CL upper bound a CL run is compared with: every-step (one cumulative training
      per step, the gap at every step) | last-step (one training on every task's data at once, as the
      last cumulative step trains: the final gap only, at a fraction of the cost).
    """

    name: str = "split-all"
    train: TrainAllocation = "split"
    test: list[TestSet] = field(default_factory=lambda: ["all"])
    cumulative: bool = False
    single_step: bool = False
    upper_bound: UpperBoundSteps = "every-step"


@dataclass
class SpanConfig:
    """The encoder families' heads (method.family=spankl; docs/methods.md, "SpanKL"; the tagger reads
    word_dropout, head_lr and warmup_steps of it too): the size h of each
    type's start and end vectors, the widest span scored (in words; SpanKL has no limit: memory grows as
    n·max_span_width per sentence of n words instead of n²; spans wider than it are counted), the dropout on
    word vectors, the heads' learning rate (the encoder's is trainer.lr), the warm-up steps of its cosine
    schedule (SpanKL: 200, set by model=bert-large-cased; null = trainer.warmup_ratio of the step's updates,
    for the short CPU steps), and the probability at which a (span, type) is predicted."""

    head_size: int = 50
    max_span_width: int = 64
    word_dropout: float = 0.1
    head_lr: float = 1e-3
    warmup_steps: int | None = None
    threshold: float = 0.5


@dataclass
class ModelConfig:
    """The network of the method's family. `pretrained` names a checkpoint (hub name or folder: a BART, T5
    or EncoderDecoderModel for the pointer family, a BERT-like encoder for spankl and tagger;
    `pretrained_encoder` a BERT-like encoder for any family); otherwise the architecture below is built
    with random weights (for spankl and tagger: a BERT with d_model hidden units, encoder_layers layers,
    attention_heads heads and ffn_dim intermediate units) with a tokenizer trained on the corpus (byte-level BPE as
    BART's, WordPiece as BERT's), and `denoise_epochs` > 0 first pretrains it as its kind is
    pretrained (BART: text infilling; BERT: masked LM) on unlabeled text, once per corpus, family and
    architecture (cached under <output_dir>/_pretrained/). The decoding keys are the pointer's, but for
    `constrained`, which also picks the tagger's decoding (BIO-constrained Viterbi, or per-word argmax)."""

    name: str = "tiny"
    pretrained: str | None = None
    pretrained_encoder: str | None = None
    """A BERT-like encoder-only checkpoint (hub name or folder). The span scorer takes it as its encoder
    (when `pretrained` is unset); the pointer family warm-starts from it: its encoder is this checkpoint,
    its decoder a transformer decoder of the same width with `decoder_layers` layers (decoder_init)."""
    decoder_init: DecoderInit = "encoder"
    """The warm start's decoder: encoder = its self-attention and feed-forward layers copied from the
    encoder's first `decoder_layers` layers, its cross-attention new (BERT2BERT) | random."""
    backbone: Backbone = "bart"
    """The pointer family's architecture when nothing pretrained is given: bart | t5 | bert2bert."""
    tokenizer: str | None = None
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
    span: SpanConfig = field(default_factory=SpanConfig)


@dataclass
class MethodConfig:
    """The continual-learning method (docs/methods.md, "The methods"). finetune: no teacher; pseudo-only /
    kd-only: one half of GenCNER; gencner: both; spankl: a span scorer distilled on its logits.

    family: the model family the method trains (gencner.families): pointer (the generative pointer
      network of GenCNER) | spankl (SpanKL's BERT span scorer) | tagger (ExtendNER's and AddNER's BIO
      tagger); the model group gives its sizes or checkpoint.

    threshold_quantile: τ_t is this quantile of the confidences of type t's pseudo triplets (0.5 = median).
    below_threshold: what a pseudo triplet below τ_t becomes: drop (out of the target: the paper read
      literally) | distill (in the decoder input, no cross-entropy on its indices, distilled like the
      kept ones) | keep (a hard label like the kept ones; τ_t is still computed and logged) |
      teacher-pass (the pointer family: out of the CE target as with drop, but distilled in a second
      teacher-forced pass of the student over the teacher's own sequence, every pseudo-triplet that
      misses new gold in teacher order; the KL applies there only, at the three indices of each).
    kd_positions: pseudo (KL at the pseudo-segment positions) | all.
    kd_eos: distil the teacher's end-of-sequence probability too (the paper's KL over the whole output
      space). false (the pointer family): both distributions renormalised without EOS, because a teacher
      that knows no new type ends where the student's target goes on to the new gold.
    target_order: pseudo-first (kept pseudo triplets in the teacher's order, then gold) | sorted.
    """

    name: str = "gencner"
    family: str = "pointer"
    pseudo_labels: bool = True
    distill: bool = True
    threshold_quantile: float = 0.5
    below_threshold: BelowThreshold = "drop"
    kd_weight: float = 1.0
    kd_temperature: float = 1.0
    kd_positions: KdPositions = "pseudo"
    kd_eos: bool = True
    target_order: TargetOrder = "pseudo-first"


@dataclass
class TrainerConfig:
    """Optimisation and hardware for every step (docs/methods.md, "Optimisation and model selection").

    devices: Lightning's `devices`: a number of devices (-1: all), a list of device indices ([0, 1]) or
      auto. Typed Any because OmegaConf's Union cannot tell a user which of the three was meant:
      validation.py checks it with one message.
    extra: any other keyword argument of Lightning's Trainer (e.g. {limit_train_batches: 10,
      profiler: simple}), passed through as given; one that gencner sets itself is an error.
    share_first_step: step 1 has no teacher, so the methods of a family train it alike: the first run to
      finish it leaves a copy in runs/_first_step/ and every later run with the same data, setting,
      model, trainer, seed and order (and what of the method its family says step 1 reads) starts from
      that copy instead of training it (cl/first_step.py). Results are unchanged; single-device runs.
    """

    name: str = "cpu"
    accelerator: str = "auto"
    devices: Any = 1
    strategy: str = "auto"
    precision: Precision = "32-true"
    max_epochs: int = 10
    batch_size: int = 8
    eval_batch_size: int = 64
    lr: float = 5e-5
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    gradient_clip: float = 1.0
    select: Selection = "best"
    num_workers: int = 0
    length_bucketing: bool = False
    token_budget: int | None = None  # padded tokens per training batch (replaces batch_size when set)
    compile: bool = False  # torch.compile the student's and teacher's forward (measure with `gencner bench --compile`)
    deterministic: bool = True
    progress: bool = True
    share_first_step: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class LoggerConfig:
    """Where metrics go besides runs/ (W&B: offline unless mode=online)."""

    name: LoggerName = "csv"
    project: str = "gencner"
    entity: str | None = None
    group: str | None = None
    tags: list[str] = field(default_factory=list)
    mode: WandbMode = "offline"


@dataclass
class LauncherConfig:
    """How `gencner experiment` runs the cells of its grid (gencner.grid; a cell is one run or one
    non-CL bound): one after the other in this process (sequential), side by side in worker processes
    on this machine (parallel), or one SLURM job each, a job array submitted through submitit (slurm).
    Where a cell runs never changes what it computes: no launcher key is part of a run's identity
    (run_identity.NOT_RESULTS), so every launcher writes the same folders.

    jobs: cells at once. parallel: worker processes (null: one per visible GPU, or one per core on a
      machine without one); slurm: array tasks running at once (null: as many as the cluster allows).
    gpus_per_job: GPUs of each worker (parallel: pinned with CUDA_VISIBLE_DEVICES; unused on a CPU) or
      of each job (slurm: gpus per node; 0 on a CPU partition).
    cpus_per_job: cores of each worker (parallel: pinned, and torch's thread count; null: the cores
      divided among the workers) or of each job (slurm: cpus per task; null: the cluster's default).
    mem_gb, partition, time_min: each job's memory (null: the cluster's default), partition (null: the
      default one) and time limit in minutes (slurm).
    cluster: submitit's executor: slurm, or local (every cell a process on this machine, all at once).
    folder: submitit's job files and logs (null: <output_dir>/_grid/<grid>/submitit).
    poll_s: how often a launcher that waits looks at its cells (and a cell at the bound it waits for).
    extra: any other parameter of submitit's AutoExecutor.update_parameters, as given
      (e.g. {slurm_account: nlp, slurm_qos: high, slurm_constraint: h100}).
    """

    name: LauncherName = "sequential"
    jobs: int | None = None
    gpus_per_job: int = 1
    cpus_per_job: int | None = None
    mem_gb: int | None = None
    partition: str | None = None
    time_min: int = 720
    cluster: Cluster = "slurm"
    folder: str | None = None
    poll_s: float = 10.0
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Config:
    """The whole configuration. `choices` records which file of each group was used (read-only)."""

    dataset: DatasetConfig = field(default_factory=DatasetConfig)
    setting: SettingConfig = field(default_factory=SettingConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    method: MethodConfig = field(default_factory=MethodConfig)
    trainer: TrainerConfig = field(default_factory=TrainerConfig)
    logger: LoggerConfig = field(default_factory=LoggerConfig)
    launcher: LauncherConfig = field(default_factory=LauncherConfig)
    choices: dict[str, str] = field(default_factory=dict)
    experiment: str | None = None
    name: str | None = None
    seed: int = 1
    permutation: int = 0
    output_dir: str = "runs"
