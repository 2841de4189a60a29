"""Data: sentences with word-level spans, readers for every supported format, task streams."""
