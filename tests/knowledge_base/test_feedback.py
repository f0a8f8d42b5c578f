"""The editors' feedback report built from rating and fallback events."""

from __future__ import annotations

import pytest

from knowledge_base.feedback import Fallback, Rating, build_report, question_key


def test_report_ranks_entries_by_negative_ratings_and_groups_fallbacks() -> None:
    events = [
        Rating("sleep-001", "up"), Rating("sleep-001", "down"),
        Rating("panic-002", "down"), Rating("panic-002", "not_what_i_asked"), Rating("panic-002", "up"),
        Rating("grief-001", "up"), Rating("grief-001", "up"),
        Fallback("睡不着怎么办？", "zh", "sleep"), Fallback("睡不着 怎么办", "zh", "sleep"),
        Fallback("Where can I park my car?", "en", None), Fallback("  ", "en", None),
    ]
    report = build_report(events, titles={"panic-002": "Panic at night"})

    ranked = [(e.entry_id, e.negative, e.up) for e in report.rated_down]
    assert ranked == [("panic-002", 2, 1), ("sleep-001", 1, 1)]
    assert report.rated_down[0].title == "Panic at night" and report.rated_down[1].title is None
    assert [(g.example, g.count, g.best_topic) for g in report.fallbacks] == [
        ("睡不着怎么办？", 2, "sleep"), ("Where can I park my car?", 1, None)]
    # A fallback without text (blank here; the bot keeps none) still counts for its closest topic.
    assert [(g.topic, g.count) for g in report.gaps] == [(None, 2), ("sleep", 2)]
    assert report.ratings == 7 and report.fallback_count == 4
    assert report.as_json()["rated_down"][0]["negative_share"] == 0.667  # type: ignore[index]


def test_min_ratings_and_unknown_votes() -> None:
    events = [Rating("a-001", "down"), Rating("b-001", "down"), Rating("b-001", "down")]
    assert [e.entry_id for e in build_report(events, min_ratings=2).rated_down] == ["b-001"]
    with pytest.raises(ValueError, match="unknown vote"):
        build_report([Rating("a-001", "meh")])  # type: ignore[arg-type]
    assert question_key("ＳＬＥＥＰ，help!") == "sleephelp"


def test_fallbacks_stored_without_their_text_count_by_closest_topic() -> None:
    events = [Fallback("", best_topic="grief"), Fallback("", best_topic="grief"),
              Fallback("", best_topic="sleep")]
    report = build_report(events)

    assert report.fallbacks == () and report.fallback_count == 3
    assert [(g.topic, g.count) for g in report.gaps] == [("grief", 2), ("sleep", 1)]
