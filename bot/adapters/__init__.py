"""Adapters from the pure packages (triage, knowledge_base, scheduling) to the conversation ports."""
