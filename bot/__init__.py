"""Application layer: conversations, handoffs, storage, channels, web, CLI, bootstrap."""
