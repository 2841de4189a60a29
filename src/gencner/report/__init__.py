"""`gencner report`: figures and a markdown report from finished run and experiment folders.

loading.py reads the folders into typed results (gencner.results), series.py derives the comparison
rows and the per-type and per-task series (every mean and std over runs comes from gencner.results.stats),
figures.py draws them (matplotlib Figures, Agg, no display) and tables.py writes the markdown (numbers
as gencner.results.formatting writes them); build.py puts the files on disk. Nothing here imports
torch, so a report is quick to make."""
