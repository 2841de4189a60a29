"""What every test file shares: the sizes of the tiny networks the tests train on a CPU in seconds. Each
file adds what its own test needs (vocabulary, layers, pretraining, the corpus's size)."""

# small enough to train in seconds on one CPU thread; d_model a multiple of the attention heads
TINY_MODEL = ["model.d_model=32", "model.ffn_dim=64", "model.attention_heads=2"]
