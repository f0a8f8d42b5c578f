"""Channel adapters (Telegram, web) and the outbox that delivers to them."""
