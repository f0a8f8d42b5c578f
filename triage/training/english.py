"""Train the English head over frozen MiniLM embeddings; thresholds from cross-validation.

Data (English only; the exams are refused like everywhere else):
- the project's written lines: triage/data/train/own_en.yaml and en_posts_*.jsonl;
- real questions from counsel-chat (MIT), labelled by the project in en_counselchat_*.jsonl
  (ids and labels only; the text is read from data/counsel-chat/, committed with its licence);
- therapists' answers from the same csv as "none": they talk to a person about suicide, pain and
  hope, which is what supportive forum replies look like (the false alarms a keyword list makes);
- everyday English lines (triage/training/benign.py).
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path
from typing import Any

from triage.training.data import (
    CLASSES,
    COUNSEL_CHAT_CSV,
    OWN_DIR,
    Example,
    load_everyday,
    load_own,
    load_posts,
)


def load_counsel_chat(csv_path: Path = COUNSEL_CHAT_CSV, directory: Path = OWN_DIR,
                      answers: int = 600, seed: int = 13) -> list[Example]:
    """Labelled counsel-chat questions plus a sample of therapists' answers (label none)."""
    if not csv_path.exists():
        return []
    csv.field_size_limit(10**8)
    rows = list(csv.DictReader(csv_path.open(encoding="utf-8")))
    questions: dict[str, str] = {}
    for r in rows:
        questions.setdefault(r["questionID"], f"{r['questionTitle']}\n{r['questionText']}".strip())
    out = []
    for path in sorted(directory.glob("en_counselchat_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                lab = json.loads(line)
                if lab["questionID"] in questions:
                    out.append(Example(questions[lab["questionID"]], CLASSES.index(lab["label"]),
                                       f"counselchat:{lab.get('kind', '')}"))
    texts = sorted({r["answerText"].strip() for r in rows if len(r["answerText"].strip()) > 40})
    random.Random(seed).shuffle(texts)
    out += [Example(t, 0, "counselchat:answer") for t in texts[:answers]]
    return out


def fit_head(torch: Any, emb: Any, labels: list[int], seed: int = 13, weight_decay: float = 3e-4,
             epochs: int = 300, class_weights: tuple[float, ...] = (1.0, 1.0, 1.5, 2.0)) -> Any:
    """Multinomial logistic regression on the embeddings (full batch, Adam, seeded)."""
    from triage.english import Head

    torch.manual_seed(seed)
    head = Head(torch, emb.shape[1], len(CLASSES))
    opt = torch.optim.Adam(head.layer.parameters(), lr=0.05, weight_decay=weight_decay)
    y = torch.tensor(labels)
    loss_fn = torch.nn.CrossEntropyLoss(weight=torch.tensor(class_weights))
    for _ in range(epochs):
        loss = loss_fn(head.layer(emb), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return head


def english_examples(lex: Any, seed: int, everyday: bool = True) -> list[Example]:
    from triage.training.benign import benign_lines

    rng = random.Random(seed)
    out = load_own(pattern="own_en.yaml") + load_posts() + load_counsel_chat(seed=seed)
    out += load_everyday(lang="en") if everyday else []
    return out + [Example(t, 0, "benign") for t in benign_lines(lex, 0, 200, rng)]


def _oof(torch: Any, windows: list[Any], labels: list[int], folds: int, seed: int,
         sources: list[str]) -> list[list[float]]:
    """Out-of-fold probabilities: each text scored by a head that never saw it (worst window);
    everyday lines are held out a whole kind at a time (as in triage/training/pipeline.py)."""
    order = list(range(len(windows)))
    random.Random(seed).shuffle(order)
    fold = [0] * len(windows)
    for j, i in enumerate(order):
        fold[i] = j % folds
    kinds = sorted({s for s in sources if s.startswith("everyday:")})
    for i, s in enumerate(sources):
        if s in kinds:
            fold[i] = kinds.index(s) % folds
    out: list[list[float]] = [[]] * len(windows)
    for k in range(folds):
        train = [i for i in order if fold[i] != k]
        head = fit_head(torch, torch.stack([windows[i].mean(0) for i in train]),
                        [labels[i] for i in train], seed + k)
        for i in (i for i in order if fold[i] == k):
            p = head.probs(windows[i])
            out[i] = p[int(p[:, 3].argmax())].tolist()
    return out


def train_english(out: Path, lex: Any, seed: int, folds: int, progress: Any = None,
                  extra_false: float = 0.05, everyday: bool = True) -> dict[str, Any]:
    """Embed, cross-validate the head, choose English thresholds, save the final head.

    Thresholds: the best crisis recall while the classifier adds at most `extra_false` to the false
    urgent of the lexicon alone on the same rows (supportive replies already trip the lexicon) and
    flags few near misses (triage/training/choose.py).
    """
    import time

    import torch

    from triage.calibration import fit_temperature, reliability, temper
    from triage.english import HEAD_FILE, Encoder
    from triage.policy import Probs
    from triage.training.choose import choose_english
    from triage.training.measure import auc

    t0 = time.perf_counter()
    rows = english_examples(lex, seed, everyday)
    base = lex.settings.classifier_en
    enc = Encoder(1, base.max_tokens, base.max_windows, base.batch_size)
    texts = [lex.normaliser.normalise(e.text).text for e in rows]
    windows: list[Any] = []
    for s in range(0, len(texts), 64):
        emb, owners = enc.embed(texts[s:s + 64])
        windows += [emb[[k for k, o in enumerate(owners) if o == i]] for i in range(len(texts[s:s + 64]))]
        if progress:
            progress("English: embedding", s + 64, len(texts))
    labels = [e.label for e in rows]
    raw = [Probs(*p) for p in _oof(torch, windows, labels, folds, seed, [e.source for e in rows])]
    temperature = fit_temperature(raw, labels)
    probs = [temper(p, temperature) for p in raw]
    (out / "oof_en.json").write_text(json.dumps(
        [{"source": e.source, "label": e.label, "probs": list(vars(p).values())}
         for e, p in zip(rows, raw, strict=True)]),
        encoding="utf-8")
    th, chosen = choose_english(lex, rows, probs, extra_false)
    head = fit_head(torch, torch.stack([w.mean(0) for w in windows]), labels, seed)
    head.save(out / HEAD_FILE)
    by_source = {}
    for src in ("written", "counselchat"):
        sel = [i for i, e in enumerate(rows) if e.source.startswith(src)]
        by_source[src] = {
            "n": len(sel), "auc": auc([probs[i].crisis for i in sel], [labels[i] == 3 for i in sel])}
    crisis = [y == 3 for y in labels]
    return {"examples": len(rows), "high": th.high, "high_alone": th.high_alone, "medium": th.medium,
            "medium_alone": th.medium_alone,
            "temperature": temperature, "reliability_raw": reliability([p.crisis for p in raw], crisis),
            "reliability": reliability([p.crisis for p in probs], crisis),
            "everyday": chosen["everyday"], "everyday_lexicon_only": chosen["everyday_lexicon_only"],
            "everyday_by_kind": chosen["everyday_by_kind"], "oof": chosen["all"],
            "near_misses": chosen["near_misses"], "benign_by_kind": chosen["benign_by_kind"],
            "lexicon_only": chosen["lexicon_only"],
            "auc": auc([p.crisis for p in probs], [y == 3 for y in labels]), "by_source": by_source,
            "seconds": round(time.perf_counter() - t0, 1)}
