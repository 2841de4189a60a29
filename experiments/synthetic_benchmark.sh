#!/usr/bin/env bash
# The synthetic CL benchmark of experiments/synthetic-*.md: every method, and the non-CL upper bound
# (computed once per setting and reused), on the default synthetic corpus with the tiny model on a CPU.
# Usage: experiments/synthetic_benchmark.sh [split-all|filter-filter|threshold|gap|below-threshold]
#        (default: all five)
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
if [[ "${1:-all}" == all || "$1" == gap ]]; then
  # synthetic-gap-to-non-cl.md: the same Split-All runs with a longer denoising pretraining of the tiny
  # model (20 epochs instead of 3), Filter-Filter with q = 0, then Split-All with three times the training
  # corpus (chunks of 1,500 sentences)
  denoise20=(setting=split-all model.denoise_epochs=20 output_dir=runs/denoise20)
  run "${denoise20[@]}" method=gencner
  run "${denoise20[@]}" method=gencner method.threshold_quantile=0.0 name=synthetic-split-all-gencner-q0.0-tiny
  run "${denoise20[@]}" method=finetune
  run setting=filter-filter method=gencner method.threshold_quantile=0.0 name=synthetic-filter-filter-gencner-q0.0-tiny
  train9000=(setting=split-all dataset.synthetic.train=9000 output_dir=runs/train9000)
  run "${train9000[@]}" method=gencner
  run "${train9000[@]}" method=gencner method.threshold_quantile=0.0 name=synthetic-split-all-gencner-q0.0-tiny
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
  run --no-upper setting=filter-filter method=gencner method.threshold_quantile=0.25 \
    name=synthetic-filter-filter-gencner-drop-q0.25-tiny --seeds 1
  run --no-upper setting=split-all method=gencner-keep-all method.kd_weight=2.0 \
    name=synthetic-split-all-gencner-keep-all-kd2-tiny --seeds 1
fi
