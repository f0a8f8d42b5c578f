"""Markup of the resident chat page and the neutral quick-exit page (no inline script or style).

Both languages are in the page; the script shows one (`lang` switch) so switching needs no reload.
The emergency banner is part of the page itself, so it shows even before the socket connects.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape as esc
from pathlib import Path

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


def _both(key: str) -> str:
    zh, en = UI[key]
    return f'<span lang="zh" data-l="zh">{esc(zh)}</span><span lang="en" data-l="en">{esc(en)}</span>'


@lru_cache(maxsize=4)
def emergency_banner(config_dir: Path) -> str:
    """The lines from config/emergency.yaml, each a tel: link, in both languages."""
    cfg = load_emergency(config_dir)
    items = "".join(
        f'<li><a href="tel:{esc(line.number)}">{esc(line.number)}</a> '
        f'<span lang="zh" data-l="zh">{esc(line.zh)}</span>'
        f'<span lang="en" data-l="en">{esc(line.en)}</span></li>'
        for line in cfg.lines)
    return (f'<aside id="emergency" class="emergency" aria-label="Emergency numbers">'
            f'<p>{_both("danger")}</p><ul>{items}</ul></aside>')


def chat_page(csrf: str, lang: str, max_chars: int, exit_url: str, config_dir: Path) -> str:
    return (
        f'<!doctype html><html lang="{esc(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="csrf-token" content="{esc(csrf)}">'
        '<meta name="referrer" content="no-referrer">'
        f'<title>{esc(UI["title"][lang == "en"])}</title>'
        '<link rel="stylesheet" href="/static/base.css"><link rel="stylesheet" href="/static/chat.css">'
        '<script src="/static/chat.js" defer></script></head>'
        f'<body class="resident lang-{esc(lang)}" data-lang="{esc(lang)}" data-max="{max_chars}" '
        f'data-exit="{esc(exit_url)}">'
        '<header class="chat-top">'
        f'<h1>{_both("title")}</h1>'
        '<div class="tools">'
        '<button type="button" id="lang-switch" aria-label="中文 / English">EN / 中文</button>'
        f'<button type="button" id="quick-exit" class="exit" title="Esc">{_both("exit")}</button>'
        '</div></header>'
        f'{emergency_banner(config_dir)}'
        '<main id="main">'
        f'<p class="intro">{_both("intro")}</p>'
        '<p id="status" class="status" role="status" aria-live="polite"></p>'
        f'<ol id="log" class="log" role="log" aria-live="polite" aria-label="{esc(UI["log"][1])}"></ol>'
        '<form id="composer" class="composer" autocomplete="off">'
        f'<label for="text">{_both("label")}</label>'
        f'<textarea id="text" name="text" rows="2" maxlength="{max_chars}" required></textarea>'
        f'<button type="submit" id="send">{_both("send")}</button>'
        '</form>'
        f'<p class="hint">{_both("exit_hint")} · '
        f'<button type="button" id="forget" class="link">{_both("forget")}</button></p>'
        '</main></body></html>'
    )


def leave_page() -> str:
    """Deliberately ordinary: nothing on it hints at a support service."""
    return (
        '<!doctype html><html lang="zh"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<title>天气 Weather</title><link rel="stylesheet" href="/static/base.css"></head>'
        '<body class="neutral"><main><h1>天气预报 · Weather</h1>'
        '<p>今天多云，气温适中。出门记得带伞。</p><p>Cloudy today with mild temperatures.</p>'
        '</main></body></html>'
    )
