"""Continual learning: the per-step LightningModule (CE + distillation, frozen teacher), pseudo-labelling
with type-specific thresholds, and the callbacks that run between tasks."""
