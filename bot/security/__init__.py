"""Roles, permissions, rate limits: security decided in one place."""
