"""Escalation steps: who is asked at each step, the end of the chain, and the policy copy."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from scheduling.escalation import step_targets
from scheduling.model import Counselor, Leave, Rotation
from scheduling.schedule import Schedule
from scheduling.settings import load_escalation
from tests.scheduling.builders import people, rota, sh

AT = sh(2026, 1, 6, 21)  # shift 3 of (a, b, c) is a's: a on duty, b next


def setup():  # type: ignore[no-untyped-def]
    cs = {**people("a", "b", "c", langs=("zh",)), **people("e", langs=("zh", "en")),
          **people("s1", station="st"), "boss": Counselor("boss", "Boss", ("zh",), "hd", ("coordinator",)),
          "top": Counselor("top", "Top", ("zh",), "city", ("coordinator",))}
    rots = [Rotation("hd1", "hd", ("a", "b", "c"), timedelta(hours=12), sh(2026, 1, 5, 8)),
            Rotation("hd2", "hd", ("e",), timedelta(days=1), sh(2026, 1, 5)),
            Rotation("room", "room", ("s1",), timedelta(days=1), sh(2026, 1, 5), )]
    return cs, rots


def policy(station: str | None) -> dict[str, object]:
    steps = ["on_duty_primary", "all_on_duty", "backup", "coordinator", "parent_station", "hotline_fallback"]
    return {"level": "high", "station": station,
            "steps": [{"kind": k, "timeout_s": 120.0, "repeat": 0} for k in steps]}


def targets(r, station, step, lang=None):  # type: ignore[no-untyped-def]
    s = Schedule(r, AT - timedelta(days=1), AT + timedelta(days=1))
    return step_targets(policy(station), step, s, AT, lang)


def test_each_step_names_the_right_people() -> None:
    cs, rots = setup()
    r = rota(rots, cs)
    assert targets(r, "hd", 0).counselors == ("a",)
    assert targets(r, "hd", 1).counselors == ("a", "e")
    assert targets(r, "hd", 2).counselors == ("b",)
    assert targets(r, "hd", 3).counselors == ("boss",)
    assert targets(r, "hd", 4).counselors == ()  # nobody on duty at the city station
    assert targets(r, "room", 4).counselors == ("a", "e")  # room -> street (empty) -> hd


def test_language_is_preferred_but_never_leaves_a_crisis_without_anyone() -> None:
    cs, rots = setup()
    r = rota(rots, cs)
    assert targets(r, "hd", 0, "en").counselors == ("e",)
    assert targets(r, "room", 0, "en").counselors == ("s1",)  # nobody speaks en there: still s1


def test_an_english_chat_goes_to_english_speakers_first_then_everyone_with_a_note() -> None:
    cs, rots = setup()
    r = rota(rots, cs)
    first, everyone, backup = (targets(r, "hd", i, "en") for i in range(3))
    assert (first.counselors, first.note) == (("e",), "")
    assert everyone.counselors == ("e",)  # a (Chinese only) is on duty too, but not asked yet
    assert backup.counselors == ("b", "a")  # the backup, and now everyone on duty
    assert backup.note == "English speakers on duty did not accept: offered to everyone on duty"
    assert targets(r, "hd", 2, "zh").counselors == ("b",) and targets(r, "hd", 2, "zh").note == ""
    alone = targets(r, "room", 0, "en")
    assert alone.counselors == ("s1",)
    assert alone.note == "no English speaker on duty: offered to everyone on duty"


def test_backup_skips_people_on_leave() -> None:
    cs, rots = setup()
    r = rota(rots, cs, leave=(Leave("L", "b", AT - timedelta(hours=1), AT + timedelta(hours=1)),))
    assert targets(r, "hd", 2).counselors == ("c",)


def test_coordinator_step_climbs_to_the_nearest_station_with_a_coordinator() -> None:
    cs, rots = setup()
    assert targets(rota(rots, cs), "room", 3).counselors == ("boss",)
    assert targets(rota(rots, cs), "city", 3).counselors == ("top",)


def test_chain_ends_in_fallback_and_names_coordinators_to_tell() -> None:
    cs, rots = setup()
    end = targets(rota(rots, cs), "hd", 5)
    assert end.fallback and end.counselors == () and end.coordinators == ("boss",)
    assert targets(rota(rots, cs), "hd", 99).fallback


def test_config_defaults_give_the_documented_timeouts() -> None:
    cfg = load_escalation()
    timeouts = {lv: cfg.policy(lv)["steps"][0]["timeout_s"] for lv in ("imminent", "high", "medium")}
    assert timeouts == {"imminent": 60.0, "high": 120.0, "medium": 900.0}
    assert cfg.policy("imminent")["steps"][0]["kind"] == "all_on_duty"


def test_policy_copy_is_plain_json_and_later_config_edits_do_not_change_it(tmp_path: Path) -> None:
    src = Path("config/escalation.yaml").read_text(encoding="utf-8")
    (tmp_path / "escalation.yaml").write_text(src, encoding="utf-8")
    copied = load_escalation(tmp_path).policy("high", "hd")
    stored = json.loads(json.dumps(copied))
    (tmp_path / "escalation.yaml").write_text(src.replace("timeout_s: 120", "timeout_s: 5"), encoding="utf-8")
    assert load_escalation(tmp_path).policy("high")["steps"][0]["timeout_s"] == 5.0
    cs, rots = setup()
    assert targets(rota(rots, cs), "hd", 0).timeout_s == 120.0
    s = Schedule(rota(rots, cs), AT - timedelta(days=1), AT + timedelta(days=1))
    assert step_targets(stored, 0, s, AT).timeout_s == 120.0
    assert stored == copied and stored["station"] == "hd"


def test_shift_reminder_goes_out_fifteen_minutes_before_and_not_for_a_continuation() -> None:
    from scheduling.reminders import shift_reminders

    cs, rots = setup()
    s = Schedule(rota(rots, cs), AT - timedelta(days=1), AT + timedelta(days=1))
    due = shift_reminders(s, sh(2026, 1, 7, 7, 45), sh(2026, 1, 7, 7, 46))
    assert [(n.counselor, n.at) for n in due] == [("b", sh(2026, 1, 7, 7, 45))]
    assert due[0].dedupe_key.startswith("remind:b:hd:")


def test_gap_alert_reaches_the_coordinator_of_the_station() -> None:
    from scheduling.reminders import gap_alerts

    cs, rots = setup()
    r = rota(rots, cs, leave=(Leave("L", "s1", AT, AT + timedelta(hours=3)),))
    s = Schedule(r, AT, AT + timedelta(days=2))
    notices = gap_alerts(s, AT, days=1)
    assert [n.counselor for n in notices] == ["boss"]  # room -> street -> hd has the coordinator
    assert "room" in notices[0].text


def test_a_station_removed_after_the_case_started_asks_the_whole_network() -> None:
    cs, rots = setup()
    assert targets(rota(rots, cs), "gone", 1).counselors == ("a", "e", "s1")


def test_an_inactive_account_is_skipped_and_covered() -> None:
    from dataclasses import replace

    cs, rots = setup()
    cs["a"] = replace(cs["a"], active=False)
    assert targets(rota(rots, cs), "hd", 0).counselors == ("b",)


def test_primary_who_is_away_in_the_console_passes_to_the_next_person_on_duty() -> None:
    cs, rots = setup()
    s = Schedule(rota(rots, cs), AT - timedelta(days=1), AT + timedelta(days=1))
    assert step_targets(policy("hd"), 0, s, AT, away=frozenset({"a"})).counselors == ("e",)
    assert step_targets(policy("hd"), 2, s, AT, away=frozenset({"b"})).counselors == ("c",)
    assert step_targets(policy("hd"), 3, s, AT, away=frozenset({"boss"})).counselors == ("boss",)
