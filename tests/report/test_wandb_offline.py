"""logger=wandb, offline: a two-step tiny experiment run in-process through the CLI leaves, in each offline
run's files, the cl/* history on the cl/step axis, the matrix table and the config, for the CL run and for
its upper bound (job type upper-bound), and nothing in this process tried to reach a remote host."""

from __future__ import annotations

import json
import socket
import struct
from pathlib import Path

import pytest
from tests.conftest import TINY_MODEL

from gencner.cli import main

pytest.importorskip("wandb")
from wandb.proto import wandb_internal_pb2  # noqa: E402  (after the skip: wandb is a runtime dependency anyway)

NAME = "wb"
OVERRIDES = [
    "dataset.tasks=[[ORG],[PERSON]]",
    "dataset.task_names=[ORG,PERSON]",
    "dataset.permutations=[[0,1]]",
    "dataset.synthetic.train=40",
    "dataset.synthetic.dev=10",
    "dataset.synthetic.test=10",
    *TINY_MODEL,
    "model.vocab_size=400",
    "model.encoder_layers=1",
    "model.decoder_layers=1",
    "model.denoise_epochs=0",
    "trainer.max_epochs=1",
    "trainer.progress=false",
    "model.max_length_base=4",
    "model.max_length_ratio=0.2",
    "logger=wandb",
    f"name={NAME}",
]
LOCAL_HOSTS = {"127.0.0.1", "::1", "localhost", "0.0.0.0", "::"}
BLOCK, HEADER = 32768, 7  # the .wandb transaction log: LevelDB-style 32 KiB blocks, 7-byte headers
FULL, LAST = 1, 4


def read_transaction_log(path: Path) -> list:
    """The Records of a run-*.wandb file. wandb ≥ 0.19 no longer ships its Python reader (the writer is
    wandb-core), so the format is read here: a 7-byte file header (':W&B', magic, version), then chunks
    (crc32 u32, length u16, kind u8) that never cross a block; FIRST/MIDDLE/LAST chunks join into one."""
    data = path.read_bytes()
    assert data[:4] == b":W&B", f"{path} is not a W&B transaction log"
    records, pending, offset = [], b"", HEADER
    while offset + HEADER <= len(data):
        if BLOCK - offset % BLOCK < HEADER:  # the block's tail is zero padding
            offset += BLOCK - offset % BLOCK
            continue
        _, length, kind = struct.unpack("<IHB", data[offset : offset + HEADER])
        pending += data[offset + HEADER : offset + HEADER + length]
        offset += HEADER + length
        if kind in (FULL, LAST):
            record = wandb_internal_pb2.Record()
            record.ParseFromString(pending)
            records.append(record)
            pending = b""
    return records


def guard_network(monkeypatch, attempts: list) -> None:
    """Every connect of this process is recorded; one to a remote host is refused. wandb's own service
    talks to this process over localhost or a Unix socket, which stays allowed."""

    def is_remote(address) -> bool:
        return isinstance(address, tuple) and str(address[0]) not in LOCAL_HOSTS

    def check(address):
        attempts.append(address)
        if is_remote(address):
            raise OSError(f"network access to {address} during an offline run")

    original_connect, original_connect_ex, original_create = socket.socket.connect, socket.socket.connect_ex, socket.create_connection
    monkeypatch.setattr(socket.socket, "connect", lambda self, address: (check(address), original_connect(self, address))[1])
    monkeypatch.setattr(socket.socket, "connect_ex", lambda self, address: (check(address), original_connect_ex(self, address))[1])
    monkeypatch.setattr(socket, "create_connection", lambda address, *a, **k: (check(address), original_create(address, *a, **k))[1])


@pytest.fixture(scope="module")
def experiment(tmp_path_factory):
    """Runs the experiment once; returns (output folder, every address this process connected to)."""
    root = tmp_path_factory.mktemp("wandb-offline")
    attempts: list = []
    with pytest.MonkeyPatch.context() as monkeypatch:
        folders = (("WANDB_DIR", "dir"), ("WANDB_CACHE_DIR", "cache"), ("WANDB_CONFIG_DIR", "config"), ("WANDB_DATA_DIR", "data"))
        for variable, folder in folders:
            (root / folder).mkdir()
            monkeypatch.setenv(variable, str(root / folder))
        monkeypatch.setenv("WANDB_MODE", "offline")
        monkeypatch.setenv("WANDB_SILENT", "true")
        monkeypatch.delenv("WANDB_API_KEY", raising=False)
        guard_network(monkeypatch, attempts)
        assert main(["experiment", f"output_dir={root / 'runs'}", *OVERRIDES, "--perms", "0"]) == 0
    yield root / "runs", attempts
    import wandb

    wandb.teardown()  # stop the local service this test started


def offline_run(run_dir: Path) -> tuple[Path, list]:
    folders = sorted((run_dir / "wandb").glob("offline-run-*"))
    assert len(folders) == 1, f"expected one offline run in {run_dir}, found {folders}"
    logs = list(folders[0].glob("run-*.wandb"))
    assert len(logs) == 1
    return folders[0], read_transaction_log(logs[0])


def history(records: list) -> list[dict]:
    rows = []
    for record in records:
        if record.WhichOneof("record_type") == "history":
            rows.append({item.key or "/".join(item.nested_key): json.loads(item.value_json) for item in record.history.item})
    return rows


def run_record(records: list):
    runs = [r.run for r in records if r.WhichOneof("record_type") == "run"]
    assert runs, "no run record in the transaction log"
    return runs[0]


def config_of(run) -> dict:
    return {item.key: json.loads(item.value_json) for item in run.config.update}


def cl_run_dir(root: Path) -> Path:
    return root / NAME / "runs" / "p0-s1"


def upper_run_dir(root: Path) -> Path:
    (folder,) = (root / "_upper").iterdir()
    return folder


def test_cl_history_has_both_steps_on_the_cl_step_axis(experiment):
    root, _ = experiment
    results = json.loads((cl_run_dir(root) / "results.json").read_text())
    _, records = offline_run(cl_run_dir(root))
    by_step = {row["cl/step"]: row for row in history(records) if "cl/step" in row and "cl/macro_f1" in row}
    assert sorted(by_step) == [1, 2]
    for k in (1, 2):
        assert by_step[k]["cl/macro_f1"] == pytest.approx(results["macro_f1"][k - 1])
        assert by_step[k]["cl/upper_macro_f1"] == pytest.approx(results["upper_bound"]["macro_f1"][k - 1])
        assert by_step[k]["cl/gap"] == pytest.approx(results["gap"][k - 1])
    assert set(by_step[2]) >= {"cl/task_f1/ORG", "cl/task_f1/PERSON", "cl/forgetting"}
    matrix = results["matrix"]
    assert by_step[2]["cl/learning_accuracy"] == pytest.approx((matrix[0][0] + matrix[1][1]) / 2)


def test_matrix_table_matches_results(experiment):
    root, _ = experiment
    results = json.loads((cl_run_dir(root) / "results.json").read_text())
    folder, records = offline_run(cl_run_dir(root))
    logged = [row for row in history(records) if row.get("cl/matrix/_type") == "table-file"]
    assert len(logged) == 1
    table = json.loads((folder / "files" / logged[0]["cl/matrix/path"]).read_text())
    assert table["columns"] == ["after step", "ORG", "PERSON", "Micro-F1", "Macro-F1"]
    matrix = results["matrix"]
    assert table["data"] == [
        [1, matrix[0][0], None, results["micro_f1"][0], results["macro_f1"][0]],
        [2, *matrix[1], results["micro_f1"][1], results["macro_f1"][1]],
    ]


def test_config_and_job_types(experiment):
    root, _ = experiment
    _, records = offline_run(cl_run_dir(root))
    run = run_record(records)
    config = config_of(run)
    assert (run.job_type, run.run_group) == ("cl", NAME)
    assert config["method"]["name"] == "gencner" and config["dataset"]["task_names"] == ["ORG", "PERSON"]
    upper_dir = upper_run_dir(root)
    folder, upper_records = offline_run(upper_dir)
    upper = run_record(upper_records)
    assert (upper.job_type, upper.run_group) == ("upper-bound", NAME)
    assert config_of(upper)["setting"]["cumulative"] is True
    assert upper.run_id == (upper_dir / "wandb-run-id").read_text().strip() and folder.name.endswith(upper.run_id)
    assert sorted(row["cl/step"] for row in history(upper_records) if "cl/macro_f1" in row) == [1, 2]


def test_no_remote_host_was_contacted(experiment):
    _, attempts = experiment
    assert attempts, "the guard saw no connection at all, not even wandb's local service: is it patched in?"
    remote = [a for a in attempts if isinstance(a, tuple) and str(a[0]) not in LOCAL_HOSTS]
    assert remote == []


def test_report_reads_the_real_experiment(experiment):
    """The report's loader on folders the runner wrote (the report tests use made-up numbers)."""
    root, _ = experiment
    assert main(["report", str(root / NAME)]) == 0
    report = (root / NAME / "report" / "report.md").read_text()
    assert "| gencner |" in report and "| **Non-CL (upper bound)** |" in report
    assert (root / NAME / "report" / "matrix-gencner.png").is_file()
