"""The pointer BART model: tokenizer handling, architecture, constrained decoding, saving/loading."""
