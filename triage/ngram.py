"""A character n-gram classifier (fastText-style): a second, different opinion beside the BERT.

Hashed character 1-3-grams and English words -> mean embedding -> linear layer over the four
classes. Different errors from the small BERT (it sees every n-gram of a long text at once, no
window limit); the two are averaged. Trains in seconds, serves in well under a millisecond.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path
from typing import Any

BUCKETS = 1 << 18
_WORD = re.compile(r"[a-z0-9']+")


def features(text: str, buckets: int = BUCKETS, orders: tuple[int, ...] = (1, 2, 3)) -> list[int]:
    """Hashed ids of character n-grams (spaces dropped) and English words; stable across runs."""
    t = text.lower()
    chars = "".join(t.split())
    grams = [chars[i:i + n] for n in orders for i in range(len(chars) - n + 1)]
    grams += ["w:" + w for w in _WORD.findall(t)]
    return [zlib.crc32(g.encode("utf-8")) % buckets for g in grams] or [0]


class NgramModel:
    """EmbeddingBag + linear; kept tiny so it loads with the engine."""

    def __init__(self, torch: Any, dim: int = 48, classes: int = 4, buckets: int = BUCKETS,
                 orders: tuple[int, ...] = (1, 2, 3)) -> None:
        nn = torch.nn
        self.torch, self.buckets, self.orders = torch, buckets, orders
        self.bag = nn.EmbeddingBag(buckets, dim, mode="mean", sparse=True)  # only seen rows update
        self.out = nn.Linear(dim, classes)
        self.drop = nn.Dropout(0.2)

    def logits(self, texts: list[str], train: bool = False) -> Any:
        return self.logits_of([features(t, self.buckets, self.orders) for t in texts], train)

    def logits_of(self, ids: list[list[int]], train: bool = False) -> Any:
        torch = self.torch
        flat = torch.tensor([i for row in ids for i in row], dtype=torch.long)
        offsets = torch.tensor([0, *[len(r) for r in ids[:-1]]], dtype=torch.long).cumsum(0)
        h = self.bag(flat, offsets)
        self.drop.train(train)
        return self.out(self.drop(h))

    def predict(self, texts: list[str]) -> list[list[float]]:
        with self.torch.inference_mode():
            out: list[list[float]] = self.torch.softmax(self.logits(texts), dim=-1).tolist()
        return out

    def save(self, path: Path) -> None:
        """Only the rows training touched: the rest are zero (zero_init), so the file stays small."""
        from safetensors.torch import save_file

        weight = self.bag.weight.detach()
        rows = weight.abs().sum(dim=1).nonzero().flatten()
        save_file({"rows": rows.to(self.torch.int64).contiguous(), "bag": weight[rows].half().contiguous(),
                   "buckets": self.torch.tensor([self.buckets]),
                   "out_w": self.out.weight.detach().contiguous(),
                   "out_b": self.out.bias.detach().contiguous(),
                   "orders": self.torch.tensor(self.orders)}, str(path))

    @classmethod
    def load(cls, torch: Any, path: Path) -> NgramModel:
        from safetensors.torch import load_file

        state = load_file(str(path))
        model = cls(torch, dim=state["bag"].shape[1], classes=state["out_w"].shape[0],
                    buckets=int(state["buckets"][0]), orders=tuple(state["orders"].tolist()))
        with torch.no_grad():
            model.bag.weight.zero_()
            model.bag.weight[state["rows"]] = state["bag"].float()
            model.out.weight.copy_(state["out_w"])
            model.out.bias.copy_(state["out_b"])
        return model


def train_ngram(torch: Any, texts: list[str], labels: list[int], class_weights: list[float],
                seed: int = 13, epochs: int = 8, lr: float = 0.02, batch: int = 32,
                dim: int = 48, orders: tuple[int, ...] = (1, 2, 3), buckets: int = BUCKETS
                ) -> NgramModel:
    """Seeded Adam training; a few seconds for a few thousand texts."""
    import random

    torch.manual_seed(seed)
    rng = random.Random(seed)
    model = NgramModel(torch, dim=dim, orders=orders, buckets=buckets)
    with torch.no_grad():
        # Zero rows for n-grams never seen: they add nothing at serving time (not random noise),
        # and the saved file only needs the rows training touched.
        model.bag.weight.zero_()
    opts = [torch.optim.SparseAdam(list(model.bag.parameters()), lr=lr),
            torch.optim.Adam(list(model.out.parameters()), lr=lr)]
    loss_fn = torch.nn.CrossEntropyLoss(weight=torch.tensor(class_weights), label_smoothing=0.1)
    ids = [features(t, model.buckets, orders) for t in texts]  # hashed once, not once per epoch
    order = list(range(len(texts)))
    for _ in range(epochs):
        rng.shuffle(order)
        for s in range(0, len(order), batch):
            part = order[s:s + batch]
            loss = loss_fn(model.logits_of([ids[k] for k in part], train=True),
                           torch.tensor([labels[k] for k in part]))
            for opt in opts:
                opt.zero_grad()
            loss.backward()
            for opt in opts:
                opt.step()
    return model
