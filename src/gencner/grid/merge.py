"""One merge for every launcher: the experiment summaries and, with several methods, the comparison,
built from the finished cells' results.json (experiment.write_summary, comparison.write_comparison), so
that they read the same whatever ran the cells. A run not finished yet (or not yet compared with its
cell's bound: cells.cell_results) is left out and named in its experiment's summary (status partial)."""

from __future__ import annotations

from collections.abc import Sequence

from gencner.comparison import write_comparison
from gencner.config.schema import Config
from gencner.console import console
from gencner.experiment import run_configs, write_summary
from gencner.grid.cells import RUN, Cell, cell_results
from gencner.run_identity import experiment_dir, experiment_run_dir, run_label


def merge(cfgs: Sequence[Config], perms: Sequence[int], seeds: Sequence[int], cells: Sequence[Cell], seconds: float | None) -> list[dict]:
    """The summaries written (one per experiment with a finished run); the comparison of those. `cells`:
    the grid's (cells.grid_cells of the same arguments), whose runs are looked up by folder."""
    by_folder = {cell.folder: cell for cell in cells if cell.kind == RUN}
    merged: list[tuple[Config, dict]] = []
    for cfg in cfgs:
        runs = run_configs(cfg, perms, seeds)
        found = [(run, cell_results(by_folder[experiment_run_dir(run)])) for run in runs]
        finished = [results for _, results in found if results is not None]
        missing = [run_label(run) for run, results in found if results is None]
        if not finished:
            console.print(f"{experiment_dir(cfg)}: no run has finished yet; nothing to merge", highlight=False)
            continue
        if missing:
            console.print(f"{experiment_dir(cfg)}: {len(missing)} of {len(runs)} runs not finished ({', '.join(missing)})", highlight=False)
        merged.append((cfg, write_summary(cfg, perms, seeds, finished, seconds, missing)))
    if len(cfgs) > 1 and merged:
        write_comparison([cfg for cfg, _ in merged], perms, seeds, [summary for _, summary in merged], seconds)
    return [summary for _, summary in merged]
