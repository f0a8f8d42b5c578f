"""Eleven probe sets written by helpers who never saw the engine (tests/triage/data/probes_*.jsonl).

Each set was first scored unseen (the figures are in the issue notes), then used to fix the
lexicon and rules, so the figures here are in-sample: this test keeps them from sliding back.
Crisis recall: lines whose lowest acceptable level is high or above that reach high or above.
False urgent: lines whose highest acceptable level is medium or below that reach high or above.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from triage import TriageEngine
from triage.levels import rank

DATA = Path(__file__).parent / "data"
# (set, crisis recall at least, false urgent at most) on the full engine: measured 0.972/0.027,
# 0.969/0.072, 1.000/0.051, 0.864/0.110, 0.920/0.043, 0.886/0.068, 0.903/0.089, 0.882/0.068,
# 0.961/0.055, 0.924/0.033, 1.000/0.070 when this test was written (f: 0.899 after the last round).
FLOORS = {"probes_a": (0.95, 0.05), "probes_b": (0.92, 0.09), "probes_c": (0.97, 0.08),
          "probes_d": (0.82, 0.13), "probes_e": (0.89, 0.06), "probes_f": (0.86, 0.09),
          "probes_g": (0.87, 0.11), "probes_h": (0.85, 0.09),
          "probes_i": (0.93, 0.08), "probes_j": (0.90, 0.06), "probes_k": (0.96, 0.09)}


def figures(engine: TriageEngine, name: str) -> tuple[float, float]:
    rows = [json.loads(line) for line in (DATA / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()]
    levels = [rank(a.level) for a in engine.assess_batch([r["text"] for r in rows])]
    crisis = [lv >= 3 for r, lv in zip(rows, levels, strict=True) if rank(r["min_ok"]) >= 3]
    benign = [lv >= 3 for r, lv in zip(rows, levels, strict=True) if rank(r["max_ok"]) <= 2]
    return sum(crisis) / len(crisis), sum(benign) / len(benign)


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_probe_set_keeps_its_figures(engine: TriageEngine, name: str) -> None:
    recall, false_urgent = figures(engine, name)
    least, most = FLOORS[name]
    assert recall >= least and false_urgent <= most, (name, round(recall, 3), round(false_urgent, 3))
