"""The DataModule of one step: encoded training examples (gold, or [pseudo; gold] targets) and dev
sentences. The runner builds a new one for every task (pseudo-labels change between tasks)."""

from __future__ import annotations

from collections.abc import Sequence

import lightning as L
import torch
from torch.utils.data import DataLoader, DistributedSampler

from gencner.data.sampling import LengthBucketSampler, RankBatches, TokenBudgetSampler, length_batches
from gencner.data.schema import Sentence
from gencner.distributed import active, rank, shard, world_size
from gencner.families.pointer.batching import Collator, Example, encode_examples


class StepDataModule(L.LightningDataModule):
    def __init__(
        self,
        model,  # NerModel: tokenizer, output space and type ids
        train: Sequence[Example],
        dev: Sequence[Sentence],
        batch_size: int,
        eval_batch_size: int,
        seed: int,
        num_workers: int = 0,
        length_bucketing: bool = False,
        token_budget: int | None = None,
    ):
        super().__init__()
        self.batch_size = batch_size
        self.eval_batch_size = eval_batch_size
        self.seed = seed
        self.num_workers = num_workers
        self.length_bucketing = length_bucketing
        self.token_budget = token_budget
        encoder, space, type_ids = model.source_encoder(), model.space, model.type_ids
        self.train_items, self.train_truncation = encode_examples(train, encoder, space, type_ids)
        self.dev_items, self.dev_truncation = encode_examples([Example(s) for s in dev], encoder, space, type_ids)
        self.collate = Collator(model.tokenizer.pad_token_id, space)

    def truncation(self) -> dict:
        return {"train": self.train_truncation.to_dict(), "dev": self.dev_truncation.to_dict()}

    def _generator(self) -> torch.Generator:
        return torch.Generator().manual_seed(self.seed)

    def _batch_sampler(self) -> LengthBucketSampler | TokenBudgetSampler | None:
        lengths = [len(it.source.ids) + len(it.target) for it in self.train_items]
        if self.token_budget:
            return TokenBudgetSampler(lengths, self.token_budget, self._generator())
        if self.length_bucketing:
            return LengthBucketSampler(lengths, self.batch_size, self._generator())
        return None

    def train_dataloader(self) -> DataLoader:
        sampler = self._batch_sampler()
        if sampler is not None:
            if active():  # every rank the same number of batches, every sentence once (Lightning's sampler swap is off)
                sampler = RankBatches(sampler, rank(), world_size())
            return DataLoader(self.train_items, batch_sampler=sampler, collate_fn=self.collate, num_workers=self.num_workers)
        if active():  # each rank its share of a seeded shuffle
            shuffled = DistributedSampler(self.train_items, shuffle=True, seed=self.seed, drop_last=False)
            return DataLoader(
                self.train_items, batch_size=self.batch_size, sampler=shuffled, collate_fn=self.collate, num_workers=self.num_workers
            )
        return DataLoader(
            self.train_items,
            batch_size=self.batch_size,
            shuffle=True,
            generator=self._generator(),
            collate_fn=self.collate,
            num_workers=self.num_workers,
        )

    def val_dataloader(self) -> DataLoader:
        mine = [self.dev_items[i] for i in shard(len(self.dev_items))]  # no padded repeats: exact counts
        # decoded in length order, as predict_sentences decodes (less padding)
        batches = length_batches([len(it.source.ids) for it in mine], self.eval_batch_size)
        return DataLoader(mine, batch_sampler=batches, collate_fn=self.collate, num_workers=self.num_workers)
