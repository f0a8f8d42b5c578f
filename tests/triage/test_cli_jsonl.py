"""The scoring contract: one JSON line out per line in, whatever the line holds."""

from __future__ import annotations

import io
import json

from bot.cli.triage import run_jsonl
from triage import LEVELS, TriageEngine

LINES = ['{"text": "我想死", "lang": "zh"}', "", "not json at all", '{"text": null}', "[1, 2]",
         '{"lang": "en"}', '{"text": "I have the pills here"}', '"just a string"', "{", '{"text": 42}']


def test_every_input_line_gets_exactly_one_output_line(lexicon_engine: TriageEngine) -> None:
    out = io.StringIO()
    run_jsonl(lexicon_engine, io.StringIO("\n".join(LINES) + "\n"), out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(rows) == len(LINES)
    assert all(r["level"] in LEVELS for r in rows)
    assert rows[0]["level"] == "high" and rows[6]["level"] == "imminent"


def test_output_order_holds_across_batches(lexicon_engine: TriageEngine) -> None:
    texts = ["I want to die" if i % 100 == 7 else "hello" for i in range(600)]
    src = io.StringIO("".join(json.dumps({"text": t}) + "\n" for t in texts))
    out = io.StringIO()
    run_jsonl(lexicon_engine, src, out)
    levels = [json.loads(line)["level"] for line in out.getvalue().splitlines()]
    assert [i for i, lv in enumerate(levels) if lv == "high"] == [i for i in range(600) if i % 100 == 7]
