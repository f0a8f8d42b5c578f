"""Reading long texts in windows: both classifiers tokenise, split, pad and keep the worst window."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from triage.policy import Probs


def split(ids: list[int], max_tokens: int, max_windows: int, overlap: bool = False) -> list[list[int]]:
    """Windows of at most `max_tokens - 2` ids; beyond `max_windows`, the first and last ones.

    `overlap`: consecutive windows share a quarter, so a sentence cut in two is still read whole.
    """
    size = max_tokens - 2
    step = size * 3 // 4 if overlap else size
    end = max(1, len(ids) - size // 4) if overlap else max(1, len(ids))
    chunks = [ids[i:i + size] for i in range(0, end, step)] or [[]]
    if len(chunks) > max_windows:
        half = max_windows // 2
        chunks = chunks[:half] + chunks[-(max_windows - half):]
    return chunks


def windows_of(tok: Any, texts: list[str], cut: Callable[[list[int]], list[list[int]]]
               ) -> tuple[list[list[int]], list[int]]:
    """([CLS] window [SEP] for every window of every text, owner text index per window)."""
    enc: Any = tok(texts, add_special_tokens=False, truncation=False)["input_ids"]
    owners: list[int] = []
    windows: list[list[int]] = []
    for i, ids in enumerate(enc):
        for w in cut(list(ids)):
            owners.append(i)
            windows.append([tok.cls_token_id, *w, tok.sep_token_id])
    return windows, owners


def batches(windows: list[list[int]], size: int) -> list[list[int]]:
    """Window indexes in batches of similar length (less padding)."""
    order = sorted(range(len(windows)), key=lambda k: len(windows[k]))
    return [order[s:s + size] for s in range(0, len(order), size)]


def pad(torch: Any, batch: list[list[int]]) -> tuple[Any, Any]:
    """(input ids, attention mask) tensors, right-padded with zeros."""
    width = max(len(b) for b in batch)
    ids = torch.zeros((len(batch), width), dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    for r, b in enumerate(batch):
        ids[r, :len(b)] = torch.tensor(b)
        mask[r, :len(b)] = 1
    return ids, mask


def worst(owners: list[int], rows: list[list[float]], n: int) -> list[Probs]:
    """Per text, the window with the highest crisis probability."""
    best: dict[int, list[float]] = {}
    for i, row in zip(owners, rows, strict=True):
        if i not in best or row[3] > best[i][3]:
            best[i] = row
    return [Probs(*best[i]) for i in range(n)]
