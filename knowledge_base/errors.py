"""The root exception of the knowledge-base package."""


class KnowledgeBaseError(Exception):
    """The knowledge base cannot be built: a broken entry, topic list or service directory.

    The message names the file and the field so an editor can fix it without a traceback.
    """
