"""Moved: the conversation service is bot/services/conversations.py. This module keeps
`clean_text` importable from here for bot/web/chat.py until it imports bot.conversation.messages."""

from bot.conversation.messages import clean_text

__all__ = ["clean_text"]
