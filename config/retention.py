"""Retention periods per kind of data (config/retention.yaml); the numbers' reasons are in the YAML."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from config.loader import CONFIG_DIR, load_yaml


class RetentionConfig(BaseModel):
    """Days to keep each kind of data; a day is the least, so a typo cannot purge everything at once."""

    model_config = ConfigDict(extra="forbid")
    message_text: int = Field(default=40, ge=1)
    handoff_records: int = Field(default=365, ge=1)
    audit_trail: int = Field(default=2190, ge=1)
    outbox_sent: int = Field(default=7, ge=1)
    processed_updates: int = Field(default=2, ge=1)
    batch_size: int = Field(default=500, ge=1, le=100_000)


def load_retention(config_dir: Path = CONFIG_DIR) -> RetentionConfig:
    return load_yaml(config_dir / "retention.yaml", RetentionConfig)
