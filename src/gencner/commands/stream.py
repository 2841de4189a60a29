"""`gencner stream`: print the stream a configuration would train on (JSON on stdout, a table on stderr)."""

from __future__ import annotations

import json
import sys

from gencner.config import load_config
from gencner.console import console, report_table, stream_table
from gencner.data.corpus import check_corpus, load_corpus
from gencner.data.stream_config import stream_from_config
from gencner.data.summary import stream_summary


def run(overrides: list[str], conf: str | None = None) -> int:
    cfg = load_config(overrides, conf)
    corpus = load_corpus(cfg.dataset)
    stream = stream_from_config(cfg, corpus)
    check_corpus(corpus, cfg.dataset)
    summary = stream_summary(stream, corpus.report)
    json.dump(summary, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    console.print(stream_table(summary))
    table = report_table(summary["reader"])
    if table is not None:
        console.print(table)
    for warning in summary["warnings"]:
        console.print(f"[yellow]warning:[/] {warning}")
    return 0
