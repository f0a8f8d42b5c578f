"""The entry-token cache: same tokens as cutting afresh, reused while the texts are unchanged,
a damaged file is ignored and rewritten, an unwritable folder only costs the cut."""

from __future__ import annotations

from pathlib import Path

from knowledge_base.text import tokenize
from knowledge_base.tokcache import tokenize_all

TEXTS = ["晚上睡不着，脑子停不下来", "离不开酒，想戒掉", "我总是担心"]


def test_cached_tokens_equal_fresh_ones_and_are_reused(tmp_path: Path) -> None:
    first = tokenize_all(TEXTS, "zh", tmp_path)
    assert first == [tokenize(t, "zh") for t in TEXTS]
    (f,) = tmp_path.glob("tokens-zh-*.json")
    stamp = f.stat().st_mtime_ns
    assert tokenize_all(TEXTS, "zh", tmp_path) == first
    assert f.stat().st_mtime_ns == stamp  # read, not rewritten


def test_changed_texts_get_a_new_file_and_a_damaged_one_is_rewritten(tmp_path: Path) -> None:
    tokenize_all(TEXTS, "zh", tmp_path)
    changed = [*TEXTS[:2], "我一直很焦虑"]
    assert tokenize_all(changed, "zh", tmp_path) == [tokenize(t, "zh") for t in changed]
    assert len(list(tmp_path.glob("tokens-zh-*.json"))) == 2
    for f in tmp_path.glob("tokens-zh-*.json"):
        f.write_text("{not json", encoding="utf-8")
    assert tokenize_all(TEXTS, "zh", tmp_path) == [tokenize(t, "zh") for t in TEXTS]


def test_unwritable_folder_still_tokenises(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("", encoding="utf-8")  # a file where the folder should be
    assert tokenize_all(TEXTS, "en", blocked / "kb") == [tokenize(t, "en") for t in TEXTS]
