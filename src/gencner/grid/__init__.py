"""An experiment as a grid of cells, run by a launcher, then merged.

A cell is one run folder: a method's (permutation, seed) run, or a non-CL bound that several of them
share. Cells are independent and resumable (each has its own lock, resume and cached bound), so they
can run in any order and in any process; the merge reads the finished ones only, with the functions
the sequential experiment uses, so every launcher gives the same summary.

  cells      the cells of an experiment or a comparison, bounds first, each bound once
  execution  one cell in this process (what a worker or a SLURM job runs)
  worker     `python -m gencner.grid.worker`: a process of the parallel launcher
  local      the parallel launcher: worker processes pinned to GPUs or cores, fed cells one at a time
  slurm      the slurm launcher: job arrays through submitit, waiting for them, their states
  progress   the live table of cells (queued, running, finished, failed) and the final one
  merge      the experiment summaries and the comparison from the finished cells
  launch     `gencner experiment`'s dispatch on launcher.name, then the merge
"""
