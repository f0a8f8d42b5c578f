"""A staff member's Telegram input: commands, card buttons, and plain text (relayed).

Parses, calls bot/services/staff.py (the one table of staff actions, with their permissions) or
answers a question (queue, rota views), and writes the reply. Commands that only read are checked
here against the same bot/security/roles.py permissions.
"""

from __future__ import annotations

from datetime import datetime

from bot.conversation import callbacks
from bot.conversation.callbacks import Head
from bot.conversation.coordinator import CoordinatorDesk
from bot.conversation.effects import After
from bot.conversation.messages import Button, Inbound, InboundKind, Outbound
from bot.conversation.posting import tell_staff
from bot.conversation.staff import StaffFlow
from bot.conversation.states import OPEN_HANDOFF_STATES, ActionResult
from bot.security.roles import Forbidden, require, staff_actor
from bot.services.rota import RotaService
from bot.services.staff import ActionRequest, StaffAction, StaffActions
from bot.services.staff_rota_commands import RotaCommands
from bot.storage.models import Counselor
from bot.storage.uow import UnitOfWork
from triage.levels import rank

COORDINATOR_COMMANDS = {"oncall": "rota.oncall", "rota": "rota.view", "gaps": "rota.gaps",
                        "override": "rota.override", "swaps": "rota.swap_approve",
                        "invite": "invite.create"}
COUNSELOR_COMMANDS = {"close": "handoff.close", "transfer": "handoff.transfer",
                      "handback": "handoff.handback", "queue": "handoff.queue", "duty": "duty.toggle",
                      # A counselor's own rota, as on the console's My shifts page (staff_rota_commands.py).
                      "myshifts": "swap.request", "swap": "swap.request", "leave": "swap.request"}
ROTA_COMMANDS = frozenset({"myshifts", "swap", "leave"})
CALLBACK_ACTIONS = {Head.ACCEPT: "handoff.accept", Head.DECLINE: "handoff.decline",
                    Head.OUTCOME: "handoff.close", Head.FOLLOW_UP: "handoff.close",
                    Head.TRANSFER: "handoff.transfer", Head.SWAP: "rota.swap_approve"}
REFUSED = "Your role does not allow this command."
HELP = ("Staff commands: /queue (open handoffs), /close, /transfer, /handback, /duty on|off.\n"
        "Your rota: /myshifts (next 14 days, numbered), /swap N COLLEAGUE (ask a colleague to take "
        "shift N), /leave FIRST [LAST] [reason] (days as YYYY-MM-DD).\n"
        "Coordinators: /oncall, /rota, /gaps, /override COUNSELOR HOURS, /swaps, /invite COUNSELOR.")


def _small_int(text: str) -> int:
    """A count typed in a command; 0 when it is not a plain short number."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 4 else 0


class StaffRouter:
    staff_commands = frozenset(set(COUNSELOR_COMMANDS) | set(COORDINATOR_COMMANDS) | {"join"})
    coordinator_commands = frozenset(COORDINATOR_COMMANDS)

    def __init__(self, actions: StaffActions, coordinator: CoordinatorDesk) -> None:
        self.actions = actions
        self.flow: StaffFlow = actions.flow
        self.coordinator = coordinator
        rota = self.flow.handoffs.rota  # the real rota service outside tests with a fake rota
        self.rota = RotaCommands(rota) if isinstance(rota, RotaService) else None

    async def handle(self, uow: UnitOfWork, inbound: Inbound, text: str, counselor: Counselor | None,
                     now: datetime, after: After) -> None:
        if counselor is None:  # only /join CODE reaches here without an account
            await self._join(uow, inbound, now)
            return
        try:
            if inbound.kind == InboundKind.CALLBACK:
                await self._callback(uow, inbound.callback_data or "", counselor, now, after)
            elif inbound.kind == InboundKind.COMMAND:
                await self._command(uow, inbound, counselor, now, after)
            elif text:
                await self._act(uow, counselor, ActionRequest(StaffAction.RELAY, text=text), now, after)
        except Forbidden:
            await tell_staff(uow, counselor, REFUSED, now)

    async def _act(self, uow: UnitOfWork, c: Counselor, request: ActionRequest, now: datetime,
                   after: After) -> ActionResult:
        done = await self.actions.run(uow, c, request, now, after)
        if done.text:
            await tell_staff(uow, c, done.text, now)
        return done.result

    async def _join(self, uow: UnitOfWork, inbound: Inbound, now: datetime) -> None:
        counselor = await self.flow.join(uow, inbound.args[0], int(inbound.user_key), now) \
            if inbound.user_key.isdigit() else None
        text = (f"Welcome, {counselor.name}. Handoff cards will arrive here. {HELP}" if counselor
                else "That invite code is not valid or has expired. Ask your coordinator for a new one.")
        out = Outbound("telegram", inbound.chat_key, text)
        await uow.outbox.add(out.channel, out.chat_key, out.to_payload(), now)

    async def _command(self, uow: UnitOfWork, inbound: Inbound, c: Counselor, now: datetime,
                       after: After) -> None:
        cmd, args = inbound.command or "", inbound.args
        permission = COORDINATOR_COMMANDS.get(cmd) or COUNSELOR_COMMANDS.get(cmd)
        if permission is not None:
            require(staff_actor(c.id, c.roles), permission)  # every command checked in one place
        if cmd == "override":
            await self._act(uow, c, ActionRequest(
                StaffAction.OVERRIDE, to=args[0] if args else "",
                hours=_small_int(args[1]) if len(args) > 1 else 0,
                station=args[2] if len(args) > 2 else None), now, after)
        elif cmd == "invite":
            await self._act(uow, c, ActionRequest(StaffAction.INVITE, to=args[0] if args else ""), now, after)
        elif cmd in COORDINATOR_COMMANDS:
            text, buttons = await self.coordinator.command(uow, c, cmd, args, now)
            await tell_staff(uow, c, text, now, buttons)
        elif cmd in ROTA_COMMANDS:
            text = (await self.rota.answer(uow, c.id, cmd, args, now) if self.rota is not None
                    else "Your shifts are not kept here: ask your coordinator.")
            await tell_staff(uow, c, text, now)
        elif cmd == "close":
            await self.flow.ask_outcome(uow, c, now)
        elif cmd == "handback":
            if await self._act(uow, c, ActionRequest(StaffAction.HAND_BACK), now, after) != ActionResult.OK:
                await tell_staff(uow, c, "You have no active chat.", now)
        elif cmd == "transfer":
            await self._offer_transfer(uow, c, now)
        elif cmd == "queue":
            await self._queue(uow, c, now)
        elif cmd == "duty" and args and args[0] in ("on", "off"):
            await self._act(uow, c, ActionRequest(StaffAction.DUTY, available=args[0] == "on"), now, after)
            await tell_staff(uow, c, f"You are now {'available' if c.available else 'off duty'}.", now)
        else:
            await tell_staff(uow, c, HELP, now)

    async def _callback(self, uow: UnitOfWork, data: str, c: Counselor, now: datetime, after: After) -> None:
        cb = callbacks.decode(data)
        head, parts, hid = cb.head, cb.parts, cb.handoff_id
        if head in CALLBACK_ACTIONS:
            require(staff_actor(c.id, c.roles), CALLBACK_ACTIONS[Head(head)])
        if hid is None:
            if head == Head.SWAP and len(parts) == 2:
                await self._act(uow, c, ActionRequest(StaffAction.SWAP_DECISION, swap_id=parts[0],
                                                      approve=parts[1] == "approve"), now, after)
            return
        second = parts[1] if len(parts) == 2 else None
        if head == Head.ACCEPT:
            await self._act(uow, c, ActionRequest(StaffAction.ACCEPT, hid), now, after)
        elif head == Head.DECLINE:
            await self._act(uow, c, ActionRequest(StaffAction.DECLINE, hid), now, after)
        elif head == Head.OUTCOME and second is not None:
            await self._act(uow, c, ActionRequest(StaffAction.CLOSE, hid, outcome=second), now, after)
        elif head == Head.FOLLOW_UP and second is not None and second != callbacks.NO_FOLLOW_UP:
            await self._act(uow, c, ActionRequest(StaffAction.FOLLOW_UP, hid, followup=second), now, after)
        elif head == Head.TRANSFER and second is not None:
            request = ActionRequest(StaffAction.TRANSFER, hid, to=second)
            if await self._act(uow, c, request, now, after) != ActionResult.OK:
                await tell_staff(uow, c, "Transfer not possible.", now)

    async def _offer_transfer(self, uow: UnitOfWork, c: Counselor, now: datetime) -> None:
        h = await self.flow.current_chat(uow, c)
        if h is None:
            await tell_staff(uow, c, "You have no active chat to transfer.", now)
            return
        ids = [i for i in await self.flow.handoffs.rota.on_duty(now, None, uow) if i != c.id]
        rows = []
        for cid in ids[:8]:
            other = await uow.counselors.get(cid)
            if other is not None:
                rows.append((Button(other.name, callbacks.transfer(h.id, cid)),))
        text = f"Transfer #{h.id} to:" if rows else "Nobody else is on duty right now."
        await tell_staff(uow, c, text, now, tuple(rows))

    async def _queue(self, uow: UnitOfWork, c: Counselor, now: datetime) -> None:
        open_ = await uow.handoffs.by_state(*OPEN_HANDOFF_STATES)
        open_.sort(key=lambda h: (-rank(h.level), h.created_at))
        if not open_:
            await tell_staff(uow, c, "No open handoffs.", now)
            return
        rows = tuple((Button(f"#{h.id} {h.level}", callbacks.accept(h.id)),) for h in open_[:10])
        await tell_staff(uow, c, f"{len(open_)} open handoff(s), most urgent first:", now, rows)

    async def follow_up_due(self, uow: UnitOfWork, followup_id: int, now: datetime, after: After) -> bool:
        return bool(await self.flow.follow_up_due(uow, followup_id, now))
