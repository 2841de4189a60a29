"""`gencner experiment [--methods A B ...] [--perms 0 1 | all] [--seeds 1 2] [--wait | --collect]
key=value ...`: one or several methods and their non-CL upper bound over task orders and seeds, ending
with a comparison table when there are several; `make experiment` calls this. `launcher=parallel` or
`launcher=slurm` runs the grid's cells side by side (gencner.grid)."""

from __future__ import annotations

from gencner.config import load_config
from gencner.config.validation import check_seed
from gencner.errors import ConfigError


def parse_ints(values: list[str], name: str, available: int | None = None) -> list[int]:
    """ "0 1", "0,1" and "all" (every permutation of the dataset) are accepted."""
    items = [v for value in values for v in value.replace(",", " ").split()]
    if items == ["all"] and available is not None:
        return list(range(available))
    try:
        numbers = [int(v) for v in items]
    except ValueError:
        raise ConfigError(f"--{name} takes whole numbers{' or all' if available else ''}, got {' '.join(values)}") from None
    check_distinct(numbers, name)
    return numbers


def check_distinct(items: list, name: str) -> None:
    """A value listed twice would be one run counted twice in the mean and the std."""
    repeated = sorted({str(item) for item in items if items.count(item) > 1})
    if repeated:
        raise ConfigError(f"--{name} lists {', '.join(repeated)} more than once: {' '.join(map(str, items))}")


def add_arguments(parser) -> None:
    parser.add_argument("--perms", nargs="+", default=None, help="permutation indices, or 'all' (default: permutation=)")
    parser.add_argument("--seeds", nargs="+", default=None, help="seeds (default: seed=)")
    parser.add_argument(
        "--methods", nargs="+", default=None, help="method presets (conf/method/) to run on the same stream and compare (default: method=)"
    )
    parser.add_argument("--no-upper", action="store_true", help="skip the non-CL upper bound")
    parser.add_argument(
        "--wait", action="store_true", help="launcher=slurm: wait for the jobs, then merge them (default: return once submitted)"
    )
    parser.add_argument("--collect", action="store_true", help="run nothing: merge the cells that have finished (after launcher=slurm)")


def method_configs(overrides: list[str], methods: list[str] | None, conf: str | None) -> list:
    """One configuration per method, all composed (and so validated) before anything runs. With
    several methods and a `name=`, each experiment is named `<name>-<method>`."""
    if not methods:
        return [load_config(overrides, conf)]
    check_distinct(methods, "methods")
    cfgs = []
    for method in methods:
        cfg = load_config([*overrides, f"method={method}"], conf)
        if cfg.name and len(methods) > 1:  # composed again, not edited: a composed configuration is final
            cfg = load_config([*overrides, f"method={method}", f"name={cfg.name}-{method}"], conf)
        cfgs.append(cfg)
    return cfgs


def run(
    overrides: list[str],
    conf: str | None = None,
    perms=None,
    seeds=None,
    no_upper: bool = False,
    methods=None,
    wait: bool = False,
    collect: bool = False,
) -> int:
    # `--perms 0 1 name=x`: argparse hands the trailing overrides to --perms; give them back.
    overrides = list(overrides) + [v for v in (perms or []) + (seeds or []) + (methods or []) if "=" in v]
    perms = [v for v in perms or [] if "=" not in v] or None
    seeds = [v for v in seeds or [] if "=" not in v] or None
    methods = [m for value in methods or [] if "=" not in value for m in value.replace(",", " ").split()] or None
    cfgs = method_configs(overrides, methods, conf)
    cfg = cfgs[0]
    n_perms = max(len(cfg.dataset.permutations), 1)
    perm_list = parse_ints(perms, "perms", n_perms) if perms else [cfg.permutation]
    seed_list = parse_ints(seeds, "seeds") if seeds else [cfg.seed]
    for perm in perm_list:
        if not 0 <= perm < n_perms:
            raise ConfigError(f"--perms {perm} is out of range; this dataset has permutations 0..{n_perms - 1}")
    for seed in seed_list:
        check_seed(seed, "--seeds")
    if wait and (collect or cfg.launcher.name != "slurm"):
        raise ConfigError("--wait waits for submitted jobs: it goes with launcher=slurm, without --collect")
    from gencner.grid.launch import launch  # heavy (torch, Lightning): only when running

    return launch(cfgs, perm_list, seed_list, with_upper=not no_upper, collect=collect, wait=wait)
