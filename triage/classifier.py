"""The trained sequence classifier, served on CPU with no network (weights from triage/model/)."""

from __future__ import annotations

import os
from pathlib import Path

from triage.errors import ModelUnavailable
from triage.policy import Probs
from triage.windows import batches, pad, split, windows_of, worst

MODEL_DIR = Path(__file__).resolve().parent / "model"


def lean_transformers() -> None:
    """Keep transformers from importing scikit-learn, before its models are imported.

    transformers' generation code imports sklearn.metrics when scikit-learn is installed (for
    assisted decoding, which classification never runs): about 1.2 s of CPU at every start-up
    (issue 13). Nothing in the project uses scikit-learn; training scripts that do still can.
    """
    import sys

    if "sklearn" in sys.modules:
        return
    try:
        from transformers.utils import import_utils
    except ImportError:
        return
    import_utils._sklearn_available = False


class Classifier:
    """A small BERT over characters and English word pieces; long texts are read in windows."""

    def __init__(self, model_dir: Path = MODEL_DIR, threads: int = 2, max_tokens: int = 96,
                 max_windows: int = 4, batch_size: int = 64) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            lean_transformers()
            import torch
            from transformers import BertForSequenceClassification, BertTokenizerFast
            from transformers.utils import logging as hf_logging

            hf_logging.set_verbosity_error()  # type: ignore[no-untyped-call,unused-ignore]
            if not (model_dir / "model.safetensors").exists():
                raise FileNotFoundError(f"{model_dir / 'model.safetensors'}")
            torch.set_num_threads(threads)
            self.torch = torch
            self._tok = BertTokenizerFast.from_pretrained(str(model_dir), local_files_only=True)
            model = BertForSequenceClassification.from_pretrained(str(model_dir), local_files_only=True)
            self._model = model.float().eval()
        except Exception as exc:  # any failure: the engine runs on lexicon and rules alone
            raise ModelUnavailable(f"classifier unavailable ({exc.__class__.__name__}: {exc})"[:300]) from exc
        self.max_tokens, self.max_windows, self.batch_size = max_tokens, max_windows, batch_size

    def predict(self, texts: list[str]) -> list[Probs]:
        """Probabilities per text; a long text counts as its most worrying window."""
        windows, owners = windows_of(self._tok, texts,
                                     lambda ids: split(ids, self.max_tokens, self.max_windows))
        probs: list[list[float]] = [[]] * len(windows)
        for part in batches(windows, self.batch_size):
            for k, row in zip(part, self._run([windows[k] for k in part]), strict=True):
                probs[k] = row
        return worst(owners, probs, len(texts))

    def _run(self, batch: list[list[int]]) -> list[list[float]]:
        torch = self.torch
        ids, mask = pad(torch, batch)
        with torch.inference_mode():
            logits = self._model(input_ids=ids, attention_mask=mask).logits
        out: list[list[float]] = torch.softmax(logits.float(), dim=-1).tolist()
        return out
