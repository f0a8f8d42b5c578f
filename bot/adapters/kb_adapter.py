"""The knowledge base for the conversation service (its SearchResult fits the Answer port)."""

from __future__ import annotations

from datetime import datetime

from knowledge_base import KnowledgeBase, SearchResult, load_kb


class KnowledgeAdapter:
    def __init__(self, kb: KnowledgeBase | None = None) -> None:
        self.kb = kb or load_kb()

    def answer(self, question: str, lang: str, now: datetime) -> SearchResult:
        return self.kb.answer(question, lang, now)

    def topic_answer(self, topic: str, lang: str) -> SearchResult:
        return self.kb.topic_answer(topic, lang)
