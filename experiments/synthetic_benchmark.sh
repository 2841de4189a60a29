#!/usr/bin/env bash
# The synthetic CL benchmark of experiments/synthetic-*.md: every method, and the non-CL upper bound
# (computed once per setting and reused), on the default synthetic corpus with the tiny model on a CPU.
# Usage: experiments/synthetic_benchmark.sh [split-all|filter-filter|threshold|gap|below-threshold|spankl|families]
#        (default: all seven). The variants are presets in conf/experiment/ (`experiment=NAME`).
# The numbers of those files are from the first benchmark: run this script from a checkout of commit
# 0e96aa8 to reproduce them. On today's default it runs the same comparisons on today's benchmark, except
# `gap`, whose presets extend first-benchmark; synthetic-benchmark.md has its own commands.
set -euo pipefail
cd "$(dirname "$0")/.."
run() { .venv/bin/gencner experiment "$@"; }
if [[ "${1:-all}" == all || "$1" == split-all ]]; then
  for method in gencner finetune pseudo-only kd-only; do run setting=split-all method=$method; done
fi
if [[ "${1:-all}" == all || "$1" == filter-filter ]]; then
  for method in gencner finetune pseudo-only kd-only; do run setting=filter-filter method=$method; done
fi
if [[ "${1:-all}" == all || "$1" == threshold ]]; then
  for q in 0.0 0.25 0.75; do run experiment=split-all-q$q; done
  run experiment=split-all-kd-all
fi
if [[ "${1:-all}" == all || "$1" == gap ]]; then
  # synthetic-gap-to-non-cl.md: the same Split-All runs with a longer denoising pretraining of the tiny
  # model (20 epochs instead of 3), Filter-Filter with q = 0, then Split-All with three times the training
  # corpus (chunks of 1,500 sentences)
  run experiment=denoise20
  run experiment=denoise20-q0.0
  run experiment=denoise20 method=finetune
  run experiment=filter-filter-q0.0
  run experiment=train9000
  run experiment=train9000-q0.0
fi
if [[ "${1:-all}" == all || "$1" == below-threshold ]]; then
  # synthetic-below-threshold.md: what a pseudo triplet below its type's threshold becomes, seeds 1-3, one
  # thread per process (the numbers of that file; two such commands can run side by side on 2 cores)
  export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
  for setting in split-all filter-filter; do
    for method in gencner gencner-keep-all gencner-distill-below; do
      run --no-upper setting=$setting method=$method --seeds 1 2 3
    done
  done
  run --no-upper setting=split-all method=finetune --seeds 1
  run --no-upper experiment=filter-filter-drop-q0.25 --seeds 1
  run --no-upper experiment=split-all-keep-all-kd2 --seeds 1
fi
if [[ "${1:-all}" == all || "$1" == spankl ]]; then
  # synthetic-spankl.md: SpanKL with and without its distillation, seeds 1-3, one thread per process
  export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
  for setting in split-all filter-filter; do
    for method in spankl spankl-finetune; do
      run --no-upper setting=$setting method=$method --seeds 1 2 3
    done
  done
fi
if [[ "${1:-all}" == all || "$1" == families ]]; then
  # synthetic-families.md: the three families on today's default, each against its own bound, one thread
  export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
  run launcher=sequential --methods gencner-keep-all spankl extendner addner --seeds 1
  run launcher=sequential --methods extendner addner tagger-finetune --seeds 1 2 3
  run launcher=sequential --methods spankl spankl-finetune --seeds 1 2 3
  run launcher=sequential setting=filter-filter --methods spankl spankl-finetune --seeds 1
fi
