#!/usr/bin/env bash
# The synthetic CL benchmark of experiments/synthetic-*.md: every method, and the non-CL upper bound
# (computed once per setting and reused), on the default synthetic corpus with the tiny model on a CPU.
# Usage: experiments/synthetic_benchmark.sh [split-all|filter-filter|threshold]   (default: all three)
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
  for q in 0.0 0.25 0.75; do
    run setting=split-all method=gencner method.threshold_quantile=$q name=synthetic-split-all-gencner-q$q-tiny
  done
  run setting=split-all method=gencner method.kd_positions=all name=synthetic-split-all-gencner-kdall-tiny
fi
