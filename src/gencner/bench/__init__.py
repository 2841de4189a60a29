"""Speed benchmark: the paper's configuration against gencner's GPU path, on random weights."""
