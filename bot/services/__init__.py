"""The application layer: one service per domain (conversations, staff actions, rota), the only
place that opens units of work for its domain; channels, the web and the CLI call these."""
