"""Calibrated probabilities: one temperature per language, fitted on out-of-fold predictions.

The classifiers were trained with class weights and label smoothing, so their raw probabilities
are not frequencies ("谢谢" got p(crisis)=0.98). `hotline train triage` fits a temperature T per
language that minimises the log loss of the out-of-fold probabilities (p_i ** (1/T), renormalised:
the order of the classes for one text never changes) and stores it in calibration.json beside the
weights; the thresholds are then chosen on the calibrated probabilities, so serving and choice
agree. The model card shows the reliability curve before and after.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

from triage.policy import Probs

CALIBRATION_FILE = "calibration.json"
_T_GRID = tuple(round(0.4 * 1.1 ** i, 4) for i in range(30))  # 0.4 .. ~6.3


def temper(p: Probs, t: float) -> Probs:
    """Probabilities at temperature `t` (1.0: unchanged)."""
    if t == 1.0:
        return p
    vals = [max(v, 1e-12) ** (1.0 / t) for v in vars(p).values()]
    total = sum(vals)
    return Probs(*(v / total for v in vals))


def log_loss(probs: Sequence[Probs], labels: Sequence[int]) -> float:
    rows = [list(vars(p).values()) for p in probs]
    return -sum(math.log(max(r[y], 1e-12)) for r, y in zip(rows, labels, strict=True)) / max(1, len(rows))


def fit_temperature(probs: Sequence[Probs], labels: Sequence[int]) -> float:
    """The temperature on the grid with the lowest log loss (1.0 when there is nothing to fit)."""
    if not probs:
        return 1.0
    return min(_T_GRID + (1.0,), key=lambda t: log_loss([temper(p, t) for p in probs], labels))


def reliability(scores: Sequence[float], positive: Sequence[bool], bins: int = 10
                ) -> list[tuple[float, float, int]]:
    """(mean predicted p(crisis), observed crisis share, rows) per equal-width bin with rows."""
    out = []
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        sel = [(s, y) for s, y in zip(scores, positive, strict=True)
               if lo <= s < hi or (b == bins - 1 and s == 1.0)]
        if sel:
            out.append((sum(s for s, _ in sel) / len(sel), sum(y for _, y in sel) / len(sel), len(sel)))
    return out


def load_temperatures(model_dir: Path) -> dict[str, float]:
    """{"zh": T, "en": T} from calibration.json; an absent or unreadable file means no change."""
    try:
        data = json.loads((model_dir / CALIBRATION_FILE).read_text(encoding="utf-8"))
        return {k: float(v) for k, v in data.items() if k in ("zh", "en") and float(v) > 0}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}
