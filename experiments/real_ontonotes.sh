#!/usr/bin/env bash
# The real-text CPU benchmark of experiments/real-ontonotes.md: OntoNotes-5 text (experiment=real-ontonotes,
# files from dataset.path, default ../shared/data/ontonotes5) with the stand-in checkpoint (make minilm).
# Usage: experiments/real_ontonotes.sh [offline|split-all|limits|seeds|filter-filter|bounds] (default: all six, in that
# order). Every command resumes after its last finished step, so the script can be stopped and run again.
# One thread per process: two such commands can run side by side on 2 cores (the numbers of that file).
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
make --no-print-directory minilm
train() { .venv/bin/gencner train experiment=real-ontonotes logger=csv trainer.progress=false "$@"; }
# The continual runs of real-ontonotes.md were made without a bound (--no-upper): these commands resume
# them. The bounds section compares the same run folders with their family's last-step bound (which bound
# a continual run is compared with is not part of its identity): it trains the bounds only.
# trainer.share_first_step: the methods of a family train step 1 once (runs/_first_step/), as the file's
# runs did by copying the first method's step 1 by hand.
run() { .venv/bin/gencner experiment experiment=real-ontonotes --no-upper launcher=sequential logger=csv trainer.progress=false trainer.share_first_step=true "$@"; }
if [[ "${1:-all}" == all || "$1" == offline ]]; then
  # each family offline (all six types at once on the whole pool), two epochs: the acceptance bar and the
  # family's learning ceiling on this recipe
  for method in spankl gencner-keep-all; do train setting=offline method=$method trainer.max_epochs=2; done
fi
if [[ "${1:-all}" == all || "$1" == split-all ]]; then
  # seed 1 of every row
  for method in spankl gencner-keep-all gencner-distill-below gencner finetune spankl-finetune; do run method=$method; done
  # each family's offline run is the bound the learning part is read against (the runs have none of their own)
  R=runs/real-ontonotes
  .venv/bin/gencner report $R/ontonotes-split-all-{spankl,gencner-keep-all,gencner-distill-below,gencner,finetune,spankl-finetune}-minilm \
    --bound $R/ontonotes-offline-spankl-minilm-p0-s1 --bound $R/ontonotes-offline-gencner-keep-all-minilm-p0-s1 --out $R/report
fi
if [[ "${1:-all}" == all || "$1" == limits ]]; then
  # what limits the learning part: step 1 (ORG) with chunks twice as large, and the pointer family's step 1
  # for 8 epochs instead of 4
  train --until-step 1 method=spankl name=spankl-chunks-of-2576 'dataset.tasks=[[ORG],[PERSON],[GPE]]' \
    'dataset.task_names=[ORG,PERSON,GPE]' 'dataset.permutations=[[0,1,2]]'
  train --until-step 1 method=gencner-keep-all name=pointer-8-epochs trainer.max_epochs=8
fi
if [[ "${1:-all}" == all || "$1" == seeds ]]; then
  for method in gencner-keep-all gencner-distill-below gencner; do run method=$method --seeds 1 2 3; done
  R=runs/real-ontonotes
  .venv/bin/gencner report $R/ontonotes-split-all-{gencner-keep-all,gencner-distill-below,gencner}-minilm \
    --bound $R/ontonotes-offline-gencner-keep-all-minilm-p0-s1 --out $R/report-seeds
fi
if [[ "${1:-all}" == all || "$1" == filter-filter ]]; then
  for method in gencner gencner-keep-all gencner-distill-below spankl; do run setting=filter-filter method=$method; done
fi
if [[ "${1:-all}" == all || "$1" == bounds ]]; then
  # each family's non-CL bound, trained once on all six chunks (the last step only), beside the finished
  # seed-1 rows above
  # (one bound per seed: the seeds of each row above, so that its summary keeps every seed)
  .venv/bin/gencner experiment experiment=real-ontonotes setting.upper_bound=last-step launcher=sequential \
    logger=csv trainer.progress=false method=gencner-keep-all --seeds 1 2 3
  .venv/bin/gencner experiment experiment=real-ontonotes setting.upper_bound=last-step launcher=sequential \
    logger=csv trainer.progress=false method=spankl
fi
