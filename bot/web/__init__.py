"""aiohttp application: health, metrics, and (later) web chat, console and dashboard."""
