"""The knowledge base for the conversation service (its SearchResult fits the Answer port).

Loading it takes about 3 s on 2 cores (bm25s and scipy imports, jieba's dictionary, tokenising
every entry). Under `hotline serve` that happens in the loader thread (bot/adapters/background.py);
until then a question gets an honest "cannot look that up yet" with the counselor offer, while
triage screens every message as usual.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from bot.adapters import background
from bot.adapters.background import State

if TYPE_CHECKING:
    from knowledge_base import KnowledgeBase, SearchResult

log = logging.getLogger(__name__)
_CJK = re.compile(r"[\u3400-\u9fff]")

# Said instead of an answer in the few seconds before the knowledge base is loaded.
STARTING = {
    "zh": "我刚刚启动，暂时还查不到这个问题的资料，请过几秒再问一次；也可以直接找值班咨询师聊一聊。",
    "en": "I have only just started and cannot look that up yet; please ask again in a few seconds, "
          "or talk to the counselor on duty.",
}
# Said instead of an answer when the knowledge base failed to load (the log says why).
UNAVAILABLE = {
    "zh": "抱歉，我现在查不到资料。你可以直接找值班咨询师聊一聊。",
    "en": "Sorry, I cannot look anything up right now. You can talk to the counselor on duty.",
}


def _load_kb(demo: bool | None = None) -> KnowledgeBase:
    from knowledge_base import load_kb  # bm25s and scipy: imported here, not on the serve path

    return load_kb(demo=demo)


class KnowledgeAdapter:
    """`KnowledgeAdapter()` loads the knowledge base before returning, except under `hotline
    serve` (`background.enable()`); `loader` runs when `load()` is called (tests hold it back).

    `demo` is the deployment's mode (settings.demo, HOTLINE_DEMO): unpublished entries are served,
    marked as such, only in demo mode (issue 21 governance); None keeps kb.yaml's governance.demo.
    """

    def __init__(self, kb: KnowledgeBase | None = None,
                 loader: Callable[[], KnowledgeBase] | None = None, demo: bool | None = None) -> None:
        self.kb = kb
        self.state: State = "ready" if kb is not None else "loading"
        self._loader = loader or (lambda: _load_kb(demo))
        if kb is not None or loader is not None:
            return
        if background.enabled():
            background.queue(1, self.load)
        else:
            self.kb = _load_kb(demo)  # a broken entry file stops a synchronous start, as it always has
            self.state = "ready"

    def load(self) -> None:
        try:
            self.kb = self._loader()
        except Exception as exc:  # triage still screens; answers stay "cannot look that up"
            log.error("knowledge base unavailable (%s: %s)", exc.__class__.__name__, exc)
            self.state = "failed"
            return
        self.state = "ready"
        log.info("knowledge base ready")

    def readiness(self) -> dict[str, State]:
        return {"knowledge_base": self.state}

    def answer(self, question: str, lang: str, now: datetime) -> SearchResult:
        kb = self.kb
        if kb is None or (_CJK.search(question) and not kb.chinese_ready):
            # The answer runs inside the turn, on the event loop: a Chinese question must not
            # wait there for jieba's dictionary (seconds after start), holding up every other
            # resident's reply, the emergency numbers included (safety rule 1).
            return self._not_yet(lang)
        return kb.answer(question, lang, now)

    def topic_answer(self, topic: str, lang: str) -> SearchResult:
        kb = self.kb
        return kb.topic_answer(topic, lang) if kb is not None else self._not_yet(lang)

    def _not_yet(self, lang: str) -> SearchResult:
        # Only in the first seconds: the loader thread imports the package first thing, so this
        # import finds it loaded or waits for the rest of that import (under a second).
        from knowledge_base.result import SearchResult

        lang = "zh" if lang == "zh" else "en"
        texts = UNAVAILABLE if self.state == "failed" else STARTING
        return SearchResult("fallback", lang, texts[lang], 0.0)
