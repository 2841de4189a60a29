"""Same seeds, same numbers: `gencner stream` prints byte-identical JSON across processes, and two tiny
`gencner train` runs with one seed in different folders give the same matrix and per-type counts on a
CPU; a different seed changes them."""

from __future__ import annotations

from reliability_support import SMALL_DATA, run_cli, scored_counts, train_in_process

STREAM = ["setting=split-all", *SMALL_DATA, "dataset.synthetic.train=300"]


def stream_json(tmp_path, *overrides: str) -> bytes:
    done = run_cli("stream", *STREAM, *overrides, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return done.stdout.encode("utf-8")


def test_the_stream_is_byte_identical_across_processes_and_changes_with_its_seeds(tmp_path):
    first = stream_json(tmp_path)
    assert stream_json(tmp_path) == first
    assert stream_json(tmp_path, "dataset.split_seed=2") != first  # another Split allocation
    assert stream_json(tmp_path, "dataset.synthetic.seed=14") != first  # another corpus


def test_two_runs_with_one_seed_give_the_same_metrics_and_another_seed_does_not(tmp_path, reference_run):
    again = train_in_process(tmp_path / "again")
    assert again["run_dir"] != reference_run["run_dir"]
    assert again["matrix"] == reference_run["matrix"]
    assert scored_counts(again) == scored_counts(reference_run)
    assert again["micro_f1"] == reference_run["micro_f1"]
    # the equality is not that of two runs that learnt nothing
    assert any(tp for steps in scored_counts(again).values() for step in steps for tp, _, _ in step.values())

    other = train_in_process(tmp_path / "seed-2", "seed=2")
    assert (other["matrix"], scored_counts(other)) != (reference_run["matrix"], scored_counts(reference_run))
