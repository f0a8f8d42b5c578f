"""The journal of Telegram updates (bot/services/deferred.py UpdateJournal): an update is on disk
before the poller may confirm it to Telegram, and leaves only when its turn is done. The end-to-end
case (kill -9 of a real server in that window) is tests/chaos/test_kill.py; these run in-process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.crypto import Cipher, new_key
from bot.services.deferred import DeferredSpool, UpdateJournal

LINE = "heliotrope-walrus: I have the pills here"


class FakeUpdate:
    """What the journal's queue reads of a PTB Update: an int update_id and to_dict()."""

    def __init__(self, update_id: int, text: str) -> None:
        self.update_id = update_id
        self.text = text

    def to_dict(self) -> dict[str, Any]:
        return {"update_id": self.update_id, "message": {"text": self.text}}


async def test_an_update_is_on_disk_before_the_poller_can_confirm_it(tmp_path: Path) -> None:
    # The poller awaits put() and only then sends the getUpdates that confirms the update.
    journal = UpdateJournal(tmp_path / "updates", Cipher([new_key()]))
    queue = journal.queue()

    await queue.put(FakeUpdate(41, LINE))

    assert [u["update_id"] for u in journal.left_over()] == [41]
    assert queue.qsize() == 1


async def test_what_is_not_an_update_passes_through_unjournaled(tmp_path: Path) -> None:
    journal = UpdateJournal(tmp_path / "updates", Cipher([new_key()]))
    queue = journal.queue()
    stop_signal = object()  # the application's _STOP_SIGNAL

    await queue.put(stop_signal)

    assert journal.left_over() == [] and queue.get_nowait() is stop_signal


async def test_a_done_update_is_gone_and_the_rest_come_back_in_telegrams_order(tmp_path: Path) -> None:
    journal = DeferredSpool(tmp_path / "deferred", Cipher([new_key()])).updates()
    queue = journal.queue()
    for update_id in (1002, 999, 1001):
        await queue.put(FakeUpdate(update_id, f"{LINE} {update_id}"))

    journal.done(1001)
    journal.done(1001)  # twice (a restart's replay and the poll's copy): no error

    assert [u["update_id"] for u in journal.left_over()] == [999, 1002]
    assert journal.left_over()[0]["message"]["text"] == f"{LINE} 999"


def test_journal_files_hold_no_plain_text_and_one_no_key_reads_is_set_aside(tmp_path: Path) -> None:
    folder = tmp_path / "updates"
    assert UpdateJournal(folder, Cipher([new_key()])).keep(7, {"update_id": 7, "message": {"text": LINE}})
    raw = b"".join(p.read_bytes() for p in folder.iterdir())
    assert b"heliotrope" not in raw and b"pills" not in raw

    assert UpdateJournal(folder, Cipher([new_key()])).left_over() == []
    assert [p.suffix for p in folder.iterdir()] == [".bad"]


async def test_a_text_with_lone_surrogates_is_journaled_and_comes_back_as_it_was(tmp_path: Path) -> None:
    # JSON may carry "\ud800" escapes and PTB's json.loads turns them into lone surrogates, which
    # UTF-8 cannot encode: the journal failed on them, the poller fetched the same update again for
    # ever and the bot went silent (found by tests/fuzz/test_telegram_fuzz.py).
    journal = UpdateJournal(tmp_path / "updates", Cipher([new_key()]))
    text = b"\xff\xfe pills".decode("utf-8", "surrogateescape")

    await journal.queue().put(FakeUpdate(7, text))

    assert journal.left_over() == [{"update_id": 7, "message": {"text": text}}]
