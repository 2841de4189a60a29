"""Readers (and writers) for every supported input format; each returns ``list[Sentence]`` in file
order, counts every repair and drop in the caller's ``ReadReport`` and raises ``DataError`` (file and
line) on malformed input.

- ``read_spankl`` / ``write_spankl``: SpanKL jsonl (``text``, ``ent_dct``, optional ``task_id``);
- ``read_conll`` / ``write_conll``: token … tag column files, BIO, BIOES or IO;
- ``read_conll2012``: CoNLL-2012 ``*gold_conll`` files or folders of them;
- ``read_hub``: Few-NERD and OntoNotes through the ``datasets`` library (hub Parquet export,
  ``save_to_disk`` folders or parquet files).
"""

from gencner.data.readers.common import DROP_BIBLE, DROP_EMPTY, REPAIR_DUPLICATE
from gencner.data.readers.conll import read_conll, write_conll
from gencner.data.readers.conll2012 import read_conll2012
from gencner.data.readers.hub import HUB_SPLITS, SCHEMAS, read_hub
from gencner.data.readers.spankl import read_spankl, write_spankl

__all__ = [
    "DROP_BIBLE",
    "DROP_EMPTY",
    "HUB_SPLITS",
    "REPAIR_DUPLICATE",
    "SCHEMAS",
    "read_conll",
    "read_conll2012",
    "read_hub",
    "read_spankl",
    "write_conll",
    "write_spankl",
]
