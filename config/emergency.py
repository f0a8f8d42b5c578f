"""The emergency lines every imminent-risk reply starts with."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from config.loader import CONFIG_DIR, load_yaml


class Line(BaseModel):
    model_config = ConfigDict(extra="forbid")
    number: str = Field(min_length=2)
    zh: str
    en: str


class EmergencyConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    lines: list[Line] = Field(min_length=1)

    def render(self, lang: str) -> str:
        """One line per number, in the resident's language."""
        return "\n".join(f"☎ {line.number} {line.zh if lang == 'zh' else line.en}" for line in self.lines)


def load_emergency(config_dir: Path = CONFIG_DIR) -> EmergencyConfig:
    return load_yaml(config_dir / "emergency.yaml", EmergencyConfig)
