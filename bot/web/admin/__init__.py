"""Coordinator dashboard at /admin."""
