"""`gencner report`: figures and a markdown report from finished run and experiment folders.

loading.py reads the folders into plain dicts, series.py derives the numbers (means, stds, per-type and
per-task series), figures.py draws them (matplotlib Figures, Agg, no display) and tables.py writes the
markdown; build.py puts the files on disk. Nothing here imports torch, so a report is quick to make."""
