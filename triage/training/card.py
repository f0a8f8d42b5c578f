"""MODEL_CARD.md beside the weights: data, base, date and the figures of the run."""

from __future__ import annotations

from pathlib import Path
from typing import Any


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
- Never used: PsySUICIDE test.json and Reddit C-SSRS (exams; `hotline train` refuses them by path
  and by content hash).

## Training
Seed {cfg['seed']}, {cfg['epochs']} epochs, batch {cfg['batch_size']}, AdamW lr {cfg['lr']}, class weights
{cfg['class_weights']}, max {cfg['max_tokens']} tokens; {fit['steps']} steps in {fit['seconds']} s on the
2-core CPU; final loss {fit['final_loss']}.

## Figures (full engine: lexicon + rules + classifier)
- Chosen crisis threshold (config/triage.yaml `classifier.high`): {f.get('threshold', 'n/a')}
- Held-out PsySUICIDE valid, real rows: {_fmt(f.get('held_out_real'))}
- Held-out PsySUICIDE valid, all rows: {_fmt(f.get('held_out_all'))}
- Same real rows, lexicon and rules only: {_fmt(f.get('held_out_real_lexicon_only'))}

## Limits
Trained mostly on Chinese; English relies on the lexicon and rules. A classifier alone never
lowers an unambiguous crisis phrase (the lexicon floor). Not a clinical instrument.
"""
    (out / "MODEL_CARD.md").write_text(text, encoding="utf-8")
