"""Every YAML file in config/ and the model that validates it ("module:Class", imported lazily).

An area adds its file here; `hotline config check` and server start-up validate them all.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from pydantic import BaseModel

from config.loader import load_yaml

SCHEMAS: dict[str, str] = {
    "emergency.yaml": "config.emergency:EmergencyConfig",
    "retention.yaml": "config.retention:RetentionConfig",
    "escalation.yaml": "scheduling.settings:EscalationSettings",
    "demand.yaml": "scheduling.settings:DemandSettings",
    "triage.yaml": "triage.settings:TriageSettings",
    "kb.yaml": "knowledge_base.model:KBConfig",
    "services.yaml": "knowledge_base.services:Directory",
    "demo_rota.yaml": "scheduling.rota_file:RotaFile",
}


def model_for(spec: str) -> type[BaseModel]:
    module, _, name = spec.partition(":")
    model: type[BaseModel] = getattr(importlib.import_module(module), name)
    return model


def check_all(config_dir: Path) -> list[str]:
    """Validate every registered file; raises ConfigError on the first bad one."""
    checked = []
    for filename, spec in SCHEMAS.items():
        load_yaml(config_dir / filename, model_for(spec))
        checked.append(filename)
    return checked
