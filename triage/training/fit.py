# mypy: disable-error-code="no-untyped-call"
# (transformers constructors carry no type hints; everything else here is checked strictly.)
"""Build a vocabulary, train a small BERT from a config, pick the threshold on held-out data, save.

Seeded and single-process so a rerun gives the same weights on the same machine.
"""

from __future__ import annotations

import collections
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from triage.training.benign import common_chars
from triage.training.data import CLASSES, Example

SPECIALS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
Progress = Callable[[str, int, int], None]


@dataclass
class TrainConfig:
    """Model size and schedule: small enough for 2 CPU cores in minutes."""

    seed: int = 13
    hidden: int = 192
    layers: int = 2
    heads: int = 4
    intermediate: int = 512
    max_tokens: int = 64
    epochs: int = 4
    batch_size: int = 32
    lr: float = 4e-4
    weight_decay: float = 0.01
    min_count: int = 2
    common_chars: int = 4000
    # One torch thread. Measured on the shared 2-core machine (load 9-14, 100 BERT steps): 2
    # threads 251 s wall / 92 s CPU, 1 thread 34 s / 9 s. With other jobs on both cores the second
    # thread spin-waits at every barrier; that is why the cross-validation "did not finish" (fold 1
    # unfinished after 38 min). One thread: about 2-4 min per fold.
    threads: int = 1
    class_weights: tuple[float, ...] = (1.0, 1.0, 1.5, 2.0)
    # Chosen on held-out valid rows: recall at a 5-8% false-urgent budget was best with smoothing
    # and dropout (less overconfident probabilities); 6 epochs or hidden 256 did not help.
    label_smoothing: float = 0.1
    dropout: float = 0.2
    # The character n-gram model beside it (triage/ngram.py).
    ngram_dim: int = 48
    ngram_epochs: int = 8
    ngram_orders: tuple[int, ...] = (1, 2, 3)
    extra: dict[str, Any] = field(default_factory=dict)


def build_vocab(texts: list[str], min_count: int, extra: list[str] | None = None) -> list[str]:
    """Characters and English words seen at least `min_count` times, common characters, letters."""
    from transformers.models.bert.tokenization_bert import BasicTokenizer

    basic = BasicTokenizer(do_lower_case=True, tokenize_chinese_chars=True)
    counts: collections.Counter[str] = collections.Counter()
    for t in texts:
        counts.update(basic.tokenize(t))
    pieces = [c for c in "abcdefghijklmnopqrstuvwxyz0123456789"]
    pieces += ["##" + c for c in pieces]
    common = {t for t, n in counts.items() if n >= min_count} | set(extra or [])
    return list(SPECIALS) + pieces + sorted(common - set(pieces))


def _batches(ids: list[list[int]], labels: list[int], size: int, rng: random.Random
             ) -> list[tuple[list[list[int]], list[int]]]:
    order = list(range(len(ids)))
    rng.shuffle(order)
    pool = size * 16  # sort within pools of similar length: less padding, still shuffled
    order = [k for s in range(0, len(order), pool)
             for k in sorted(order[s:s + pool], key=lambda k: len(ids[k]))]
    batches = [order[s:s + size] for s in range(0, len(order), size)]
    rng.shuffle(batches)
    order = [k for b in batches for k in b]
    return [([ids[k] for k in order[s:s + size]], [labels[k] for k in order[s:s + size]])
            for s in range(0, len(order), size)]


def train_model(train: list[Example], texts: list[str], out: Path, cfg: TrainConfig,
                progress: Progress | None = None) -> dict[str, Any]:
    """Train on `texts` (normalised `train` texts) and save model + tokenizer under `out`."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    torch.set_num_threads(cfg.threads)
    torch.use_deterministic_algorithms(True)
    out.mkdir(parents=True, exist_ok=True)
    vocab = build_vocab(texts, cfg.min_count, common_chars(cfg.common_chars))
    (out / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tok = BertTokenizerFast(vocab_file=str(out / "vocab.txt"), do_lower_case=True,
                            tokenize_chinese_chars=True)
    ids = tok(texts, truncation=True, max_length=cfg.max_tokens)["input_ids"]
    labels = [e.label for e in train]
    config = BertConfig(vocab_size=len(vocab), hidden_size=cfg.hidden, num_hidden_layers=cfg.layers,
                        num_attention_heads=cfg.heads, intermediate_size=cfg.intermediate,
                        max_position_embeddings=max(128, cfg.max_tokens), num_labels=len(CLASSES),
                        hidden_dropout_prob=cfg.dropout, attention_probs_dropout_prob=cfg.dropout,
                        id2label=dict(enumerate(CLASSES)), label2id={c: i for i, c in enumerate(CLASSES)})
    model = BertForSequenceClassification(config)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    rng = random.Random(cfg.seed)
    steps = cfg.epochs * math.ceil(len(ids) / cfg.batch_size)
    warm = max(1, steps // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm))))
    loss_fn = torch.nn.CrossEntropyLoss(weight=torch.tensor(cfg.class_weights),
                                        label_smoothing=cfg.label_smoothing)
    model.train()
    step, t0, last = 0, time.perf_counter(), 0.0
    for epoch in range(cfg.epochs):
        for batch_ids, batch_labels in _batches(ids, labels, cfg.batch_size, rng):
            width = max(len(b) for b in batch_ids)
            x = torch.tensor([b + [0] * (width - len(b)) for b in batch_ids])
            mask = (x != 0).long()
            loss = loss_fn(model(input_ids=x, attention_mask=mask).logits, torch.tensor(batch_labels))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
            last = float(loss.detach())
            if progress:
                progress(f"epoch {epoch + 1}/{cfg.epochs} loss {last:.3f}", step, steps)
    model.eval()
    model.half().save_pretrained(str(out), safe_serialization=True)  # fp16 on disk, fp32 in memory
    tok.save_pretrained(str(out))
    return {"steps": steps, "seconds": round(time.perf_counter() - t0, 1), "final_loss": round(last, 4),
            "vocab": len(vocab), "params": sum(p.numel() for p in model.parameters())}
