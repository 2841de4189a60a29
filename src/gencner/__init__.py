"""gencner: continual named entity recognition by generating (start, end, type) triplets."""

__version__ = "0.1.0"
