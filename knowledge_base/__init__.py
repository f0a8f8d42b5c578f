"""Psychology Q&A knowledge base: reviewed entries, retrieval with an honest fallback, services.

Pure after loading: `load_kb()` reads the files once; `KnowledgeBase.search()` does no I/O.
"""

from knowledge_base.engine import KnowledgeBase, load_directory, load_kb
from knowledge_base.errors import KnowledgeBaseError
from knowledge_base.result import SearchResult

__all__ = ["KnowledgeBase", "KnowledgeBaseError", "SearchResult", "load_directory", "load_kb"]
