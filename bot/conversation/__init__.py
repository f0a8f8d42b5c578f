"""Channel-agnostic conversation service: one inbound type, effects out, adapters send."""
