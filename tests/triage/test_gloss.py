"""The CC-CEDICT gloss of issue 14 item 5 (an experiment input; triage/training/gloss.py)."""

from __future__ import annotations

from pathlib import Path

from triage.training.gloss import Glosser, read_cedict

TABLE = {"谢谢": "thank", "想": "want", "活": "live", "不想": "unexpectedly", "农药": "pesticide"}


def test_the_gloss_keeps_negation_where_the_dictionary_drops_it() -> None:
    g = Glosser(TABLE)
    assert g.gloss("不想活了") == "not want live"  # CEDICT alone: 不想 "unexpectedly"
    assert g.gloss("谢谢") == "thank"


def test_latin_text_stays_and_unknown_words_go_by_character() -> None:
    g = Glosser(TABLE)
    assert g.gloss("农药 app 想活") == "pesticide app want live"


def test_cedict_lines_give_usable_senses(tmp_path: Path) -> None:
    path = tmp_path / "cedict.txt"
    path.write_text("# comment\n"
                    "喝 喝 [he1] /CL:口[kou3]/to drink/to eat (porridge)/\n"
                    "喝 喝 [he4] /to shout/\n", encoding="utf-8")
    assert read_cedict(path) == {"喝": "drink eat"}
