"""MODEL_CARD.md beside the weights: data, base, date and the figures of the run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

EXAM_HEADING = "## Exam figures"


def _fmt(figures: dict[str, float] | None) -> str:
    if not figures:
        return "n/a"
    return (f"crisis recall {figures['crisis_recall']:.3f}, concern {figures['concern_recall']:.3f}, "
            f"false urgent {figures['false_urgent']:.3f} (n={int(figures['n'])})")


def write_card(out: Path, f: dict[str, Any]) -> None:
    """Write MODEL_CARD.md; evaluation figures on the exam sets are added by hand after scoring."""
    cfg, fit = f["config"], f["train"]
    text = f"""# hotline triage classifier

A small BERT sequence classifier (4 classes: none, low, medium, crisis) trained from a config by
`hotline train triage` on {f['date']}. No pretrained weights: the base is
`BertConfig(hidden={cfg['hidden']}, layers={cfg['layers']}, heads={cfg['heads']},
intermediate={cfg['intermediate']})` with a vocabulary built from the training text (Chinese
characters and English words, letters as word pieces): {fit['vocab']} tokens, {fit['params']:,} parameters,
stored as fp16 safetensors, served in fp32 on CPU.

## Data
- PsySUICIDE valid.json (PsyGUARD, EMNLP 2024, MIT licence): labels 0-7 -> crisis, 8 -> medium,
  9-10 -> none; {f['held_out']} rows held out (stratified, seed {cfg['seed']}) to choose the threshold.
- The project's own examples (triage/data/train/own_*.yaml, zh and en) repeated twice, plus
  augmentation (traditional script, slang, spacing, emoji). {f['examples']} training examples in all.
- Everyday benign lines (label none): strings of common words from jieba's dictionary (MIT) and
  English templates (triage/training/benign.py), each checked to hold no lexicon risk word.
- Never used: PsySUICIDE test.json and Reddit C-SSRS (exams; `hotline train` refuses them by path
  and by content hash).

## Training
Seed {cfg['seed']}, {cfg['epochs']} epochs, batch {cfg['batch_size']}, AdamW lr {cfg['lr']}, class weights
{cfg['class_weights']}, label smoothing {cfg['label_smoothing']}, dropout {cfg['dropout']},
max {cfg['max_tokens']} tokens; {fit['steps']} steps in {fit['seconds']} s on the
2-core CPU; final loss {fit['final_loss']}.

## Figures (full engine: lexicon + rules + classifier)
- Chosen crisis thresholds (config/triage.yaml `classifier.high` with lexicon support,
  `classifier.high_alone` without): {f.get('threshold', 'n/a')}
- Classifier alone, held-out rows: ROC AUC of p(crisis) {f.get('held_out_auc', 'n/a')}
- Held-out PsySUICIDE valid, real rows: {_fmt(f.get('held_out_real'))}
- Held-out PsySUICIDE valid, all rows: {_fmt(f.get('held_out_all'))}
- Same real rows, lexicon and rules only: {_fmt(f.get('held_out_real_lexicon_only'))}

threshold_curve.svg shows crisis recall and false urgent against `classifier.high` on the
held-out rows.

## Limits
Trained mostly on Chinese; English relies on the lexicon and rules. A classifier alone never
lowers an unambiguous crisis phrase (the lexicon floor). Not a clinical instrument.
"""
    card = out / "MODEL_CARD.md"
    old = card.read_text(encoding="utf-8") if card.exists() else ""
    if EXAM_HEADING in old:  # scored by hand after training: keep them, marked for rescoring
        kept = old[old.index(EXAM_HEADING):]
        text += "\n" + kept.replace(EXAM_HEADING, EXAM_HEADING + " (from an earlier model: rescore)", 1)
    card.write_text(text, encoding="utf-8")


def write_curve(out: Path, points: list[tuple[float, float, float]]) -> None:
    """threshold_curve.svg: crisis recall and false urgent against the crisis threshold (held-out)."""
    w, h, pad = 480, 300, 40

    def xy(t: float, v: float) -> str:
        return f"{pad + t * (w - 2 * pad):.1f},{h - pad - v * (h - 2 * pad):.1f}"

    recall = " ".join(xy(t, r) for t, r, _ in points)
    false = " ".join(xy(t, f) for t, _, f in points)
    ticks = "".join(f'<text x="{pad + i / 5 * (w - 2 * pad):.0f}" y="{h - pad + 16}" font-size="11" '
                    f'text-anchor="middle">{i / 5:.1f}</text>' for i in range(6))
    svg = f"""<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif">
<rect width="{w}" height="{h}" fill="white"/>
<line x1="{pad}" y1="{h - pad}" x2="{w - pad}" y2="{h - pad}" stroke="black"/>
<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{h - pad}" stroke="black"/>{ticks}
<text x="{w / 2}" y="{h - 6}" font-size="12" text-anchor="middle">crisis threshold (classifier.high)</text>
<text x="{pad}" y="{pad - 10}" font-size="12">held-out PsySUICIDE valid (real rows), full engine</text>
<polyline fill="none" stroke="#1565c0" stroke-width="2" points="{recall}"/>
<polyline fill="none" stroke="#c62828" stroke-width="2" points="{false}"/>
<text x="{w - pad}" y="{pad + 14}" font-size="12" fill="#1565c0" text-anchor="end">crisis recall</text>
<text x="{w - pad}" y="{pad + 30}" font-size="12" fill="#c62828" text-anchor="end">false urgent</text>
</svg>
"""
    (out / "threshold_curve.svg").write_text(svg, encoding="utf-8")
