"""Content of the resident chat page (templates/chat.html) and the neutral quick-exit page
(templates/leave.html); no inline script or style.

Both languages are in the page; the script shows one (`lang` switch) so switching needs no reload.
The emergency banner is part of the page itself, so it shows even before the socket connects.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from bot.web.layout import Frame
from bot.web.templating import render
from config.emergency import Line as EmergencyLine
from config.emergency import load_emergency

UI = {
    "title": ("心理支持聊天", "Support chat"),
    "intro": ("你好，这里是社区心理服务网络。你可以匿名和我聊聊，"
              "我能回答常见问题，也能帮你联系值班心理咨询师。我不是医生。聊天内容加密保存，只有接手的咨询师能看到。",
              "Hello, this is the community psychological service network. You can talk with me "
              "anonymously; I answer common questions and can connect you with the on-duty counselor. "
              "I am not a doctor. Messages are stored encrypted; only the counselor who takes your chat "
              "sees them."),
    "danger": ("如果你现在有危险，请立即拨打：", "If you are in danger now, call:"),
    "exit": ("快速离开", "Quick exit"),
    "exit_hint": ("按 Esc 键也可以快速离开", "Press Esc to leave quickly"),
    "label": ("输入消息", "Your message"),
    "send": ("发送", "Send"),
    "log": ("对话记录", "Conversation"),
    "forget": ("删除我的对话记录", "Erase my conversation"),
}


def pick_lang(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    """zh or en: ?lang= first, then the switch the resident made last time (the `hl` cookie),
    then the browser's Accept-Language (the first of zh/en it lists, by its q weights); else zh."""
    for chosen in (query, cookie):
        if chosen in ("zh", "en"):
            return chosen
    best, best_q = "zh", 0.0
    for order, part in enumerate((accept_language or "").split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        base = tag.strip().lower().split("-")[0]
        if base not in ("zh", "en"):
            continue
        try:
            q = float(params.strip()[2:]) if params.strip().startswith("q=") else 1.0
        except ValueError:
            continue  # an unreadable weight: skip that entry, keep reading
        if q - order * 1e-6 > best_q:  # equal weights: the earlier entry wins
            best, best_q = base, q - order * 1e-6
    return best


@lru_cache(maxsize=4)
def emergency_lines(config_dir: Path) -> tuple[EmergencyLine, ...]:
    """The lines from config/emergency.yaml, each shown as a tel: link in both languages."""
    return tuple(load_emergency(config_dir).lines)


def chat_page(csrf: str, lang: str, max_chars: int, exit_url: str, config_dir: Path) -> str:
    frame = Frame(UI["title"][lang == "en"], lang=lang, body_class=f"resident lang-{lang}")
    return render("chat.html", frame=frame, ui=UI, csrf=csrf, max_chars=max_chars, exit_url=exit_url,
                  emergency=emergency_lines(config_dir))


def leave_page() -> str:
    """Deliberately ordinary: nothing on it hints at a support service."""
    return render("leave.html", frame=Frame("Weather", lang="zh", body_class="neutral"))
