"""An experiment as a grid of cells, run by a launcher, then merged.

A cell is one run folder: a method's (permutation, seed) run, or a non-CL bound that several of them
share. Cells are independent and resumable (each has its own lock, resume and cached bound), so they
can run in any order and in any process; every launcher, the sequential one included, ends with the
same merge of the finished ones, so every launcher gives the same summary.

  cells      the cells of an experiment or a comparison, bounds first, each bound once
  execution  one cell in this process (what the sequential launcher, a worker or a SLURM job runs)
  beside     a run's steps reported beside its bound (logged once it is there; tracked.json)
  worker     `python -m gencner.grid.worker`: a process of the parallel launcher
  local      the parallel launcher: worker processes pinned to GPUs or cores, fed cells one at a time
  slurm      the slurm launcher: job arrays through submitit, waiting for them, their states
  progress   the live table of cells (queued, running, finished, failed) and the final one
  merge      the experiment summaries and the comparison from the finished cells
  launch     `gencner experiment`'s dispatch on launcher.name (sequential: the cells in order), then the merge
"""
