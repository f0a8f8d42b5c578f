"""The conversation service under hostile input: `handle` never raises, never silently drops a
turn, leaves the database consistent, and a crisis sentence always gets the safety reply."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.conversation.messages import Inbound, clean_text
from bot.conversation.turn import TurnOutcome
from tests.fuzz.conftest import CRISIS, STAFF_IDS, Rig
from tests.fuzz.invariants import assert_consistent
from tests.fuzz.strategies import hostile_text, with_crisis

FUZZ = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])
RESIDENTS = ("9001", "9002", "-1009001")
COMMANDS = ("start", "help", "lang", "forget", "join", "close", "transfer", "handback", "queue",
            "duty", "oncall", "rota", "gaps", "override", "swaps", "invite")
CALLBACK_HEADS = ("acc", "dec", "out", "fu", "tr", "sw", "talk", "fb", "topic", "lang", "forget", "")
_keys = itertools.count()

callback_data = st.one_of(
    st.text(max_size=80),
    st.tuples(st.sampled_from(CALLBACK_HEADS), st.text(max_size=20),
              st.one_of(st.integers(-2**70, 2**70).map(str), st.text(max_size=10)))
    .map(lambda p: ":".join(p)),
    st.sampled_from(["forget:yes", "forget:no", "talk:yes", "talk:no", "fb:1:x", "lang:en", "acc:1",
                     "acc:99999999999999999999", "fb:-1:" + "x" * 500]),
)
users = st.one_of(st.sampled_from(RESIDENTS), st.sampled_from([str(v) for v in STAFF_IDS.values()]))
# A small pool of update keys so that replays (the same update twice) happen often.
update_keys = st.one_of(st.none(), st.sampled_from([f"tg:u:{i}" for i in range(5)]),
                        st.builds(lambda: f"fresh:{next(_keys)}"))


lang_hints = st.one_of(st.none(), st.sampled_from(["zh", "en", "zh-hans", ""]), st.text(max_size=5))


@st.composite
def inbounds(draw: st.DrawFn) -> Inbound:
    kind = draw(st.sampled_from(["text", "command", "callback", "sticker", "photo", "voice", "edited",
                                 "other", "", "nonsense"]))
    user = draw(users)
    fields: dict[str, Any] = {"channel": draw(st.sampled_from(["telegram", "telegram", "web"])),
                              "chat_key": user, "user_key": user, "kind": kind,
                              "text": draw(hostile_text), "update_key": draw(update_keys),
                              "lang_hint": draw(lang_hints)}
    if kind == "command":
        fields["command"] = draw(st.one_of(st.sampled_from(COMMANDS), st.text(max_size=20), st.none()))
        fields["args"] = tuple(draw(st.lists(st.one_of(st.text(max_size=30), st.sampled_from(
            ["on", "off", "en", "zh", "1", "c1", "-5", "99999999999999999999", "24"])), max_size=4)))
    if kind == "callback":
        fields["callback_data"] = draw(st.one_of(st.none(), callback_data))
    return Inbound(**fields)


async def handled(rig: Rig, inbound: Inbound) -> None:
    result = await rig.c.service.handle(inbound)
    await rig.c.dispatcher.deliver_due()
    rig.clock.advance(seconds=1)
    # The service logs and defers a failed turn instead of raising: with the database up, a
    # deferred turn is a swallowed crash.
    assert result.outcome != TurnOutcome.DEFERRED, f"turn failed and was deferred: {inbound!r:.300}"


@FUZZ
@given(batch=st.lists(inbounds(), min_size=1, max_size=4))
async def test_hostile_inbounds_never_crash_and_keep_the_database_consistent(
        rig: Rig, batch: list[Inbound]) -> None:
    for inbound in batch:
        await handled(rig, inbound)

    await assert_consistent(rig.c.uow)


def _urgent(rig: Rig, chat_key: str) -> int:
    return sum(1 for m in rig.tg.to(chat_key) if m.urgent)


@FUZZ
@given(noise=st.lists(inbounds(), max_size=3), crisis=st.sampled_from(CRISIS).flatmap(with_crisis),
       kind=st.sampled_from(["text", "edited", "photo", "command"]), resident=st.sampled_from(RESIDENTS))
async def test_every_crisis_message_gets_the_safety_reply_whatever_came_before(
        rig: Rig, noise: list[Inbound], crisis: str, kind: str, resident: str) -> None:
    for inbound in noise:  # whatever came before: commands, floods, callbacks, staff input
        await handled(rig, inbound)
    before = _urgent(rig, resident)
    text = f"/start {crisis}" if kind == "command" else crisis
    command = "start" if kind == "command" else None

    await handled(rig, Inbound("telegram", resident, resident, text, kind=kind, command=command,
                               update_key=f"crisis:{next(_keys)}"))

    assert rig.c.service.triage.assess(clean_text(crisis)).level in ("high", "imminent"), crisis
    assert _urgent(rig, resident) > before, f"no safety reply to {crisis!r}"
    await assert_consistent(rig.c.uow)
