"""The trained sequence classifier, served on CPU with no network (weights from triage/model/)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from triage.errors import ModelUnavailable
from triage.policy import Probs

MODEL_DIR = Path(__file__).resolve().parent / "model"


class Classifier:
    """A small BERT over characters and English word pieces; long texts are read in windows."""

    def __init__(self, model_dir: Path = MODEL_DIR, threads: int = 2, max_tokens: int = 96,
                 max_windows: int = 4, batch_size: int = 64) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import torch
            from transformers import BertForSequenceClassification, BertTokenizerFast
            from transformers.utils import logging as hf_logging

            hf_logging.set_verbosity_error()  # type: ignore[no-untyped-call,unused-ignore]
            if not (model_dir / "model.safetensors").exists():
                raise FileNotFoundError(f"{model_dir / 'model.safetensors'}")
            torch.set_num_threads(threads)
            self._torch = torch
            self._tok = BertTokenizerFast.from_pretrained(str(model_dir), local_files_only=True)
            model = BertForSequenceClassification.from_pretrained(str(model_dir), local_files_only=True)
            self._model = model.float().eval()
        except Exception as exc:  # any failure: the engine runs on lexicon and rules alone
            raise ModelUnavailable(f"classifier unavailable ({exc.__class__.__name__}: {exc})"[:300]) from exc
        self.max_tokens, self.max_windows, self.batch_size = max_tokens, max_windows, batch_size

    def _windows(self, ids: list[int]) -> list[list[int]]:
        size = self.max_tokens - 2
        chunks = [ids[i:i + size] for i in range(0, max(1, len(ids)), size)] or [[]]
        if len(chunks) > self.max_windows:
            half = self.max_windows // 2
            chunks = chunks[:half] + chunks[-(self.max_windows - half):]
        return chunks

    def predict(self, texts: list[str]) -> list[Probs]:
        """Probabilities per text; a long text counts as its most worrying window."""
        enc: Any = self._tok(texts, add_special_tokens=False, truncation=False)["input_ids"]
        owners: list[int] = []
        windows: list[list[int]] = []
        for i, ids in enumerate(enc):
            for w in self._windows(list(ids)):
                owners.append(i)
                windows.append([self._tok.cls_token_id, *w, self._tok.sep_token_id])
        order = sorted(range(len(windows)), key=lambda k: len(windows[k]))
        probs: list[list[float]] = [[]] * len(windows)
        for s in range(0, len(order), self.batch_size):
            part = order[s:s + self.batch_size]
            for k, row in zip(part, self._run([windows[k] for k in part]), strict=True):
                probs[k] = row
        best: dict[int, list[float]] = {}
        for i, row in zip(owners, probs, strict=True):
            if i not in best or row[3] > best[i][3]:
                best[i] = row
        return [Probs(*best[i]) for i in range(len(texts))]

    def _run(self, batch: list[list[int]]) -> list[list[float]]:
        torch = self._torch
        width = max(len(b) for b in batch)
        ids = torch.zeros((len(batch), width), dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for r, b in enumerate(batch):
            ids[r, :len(b)] = torch.tensor(b)
            mask[r, :len(b)] = 1
        with torch.inference_mode():
            logits = self._model(input_ids=ids, attention_mask=mask).logits
        out: list[list[float]] = torch.softmax(logits.float(), dim=-1).tolist()
        return out
