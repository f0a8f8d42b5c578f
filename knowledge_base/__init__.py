"""Psychology Q&A knowledge base: reviewed entries, retrieval with an honest fallback, services.

Pure after loading: `load_kb()` reads the files once; `KnowledgeBase.search()` does no I/O.

The names below are imported on first use: validating kb.yaml or services.yaml at start-up
(config/registry.py reads `knowledge_base.model`) must not pay for the retrieval engine's imports
(bm25s, scipy, numpy: about half a second before the server's port opens).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from knowledge_base.engine import KnowledgeBase, load_directory, load_kb
    from knowledge_base.errors import KnowledgeBaseError
    from knowledge_base.result import SearchResult

_HOME = {"KnowledgeBase": "engine", "load_directory": "engine", "load_kb": "engine",
         "KnowledgeBaseError": "errors", "SearchResult": "result"}
__all__ = ["KnowledgeBase", "KnowledgeBaseError", "SearchResult", "load_directory", "load_kb"]


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(importlib.import_module(f"knowledge_base.{_HOME[name]}"), name)
    raise AttributeError(f"module 'knowledge_base' has no attribute {name!r}")
