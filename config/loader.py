"""Load a YAML file into a pydantic model, turning every failure into one ConfigError."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from config.errors import ConfigError

M = TypeVar("M", bound=BaseModel)

CONFIG_DIR = Path(__file__).resolve().parent


def parse_yaml(text: str) -> Any:
    """YAML text to Python, through libyaml's C loader when PyYAML has it (the same safe subset):
    the triage lexicon parses about ten times faster, and that parse is most of the time before the
    server can screen messages."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506


def read_yaml(path: str | Path) -> object:
    """Parse a YAML file; a missing or broken file becomes a ConfigError naming it."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(str(p), None, "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(p), None, f"cannot read file ({exc.__class__.__name__})") from None
    try:
        return parse_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ConfigError(str(p), where, f"broken YAML: {problem}") from None


def validation_to_config_error(source: str, exc: ValidationError) -> ConfigError:
    """Name the first failing field as a dotted path (`rotations.0.shift`)."""
    err = exc.errors()[0]
    field = ".".join(str(part) for part in err["loc"]) or None
    kind = err["type"]
    if kind == "extra_forbidden":
        problem = "unknown key"
    elif kind == "missing":
        problem = "required field is missing"
    else:
        problem = err["msg"]
    return ConfigError(source, field, problem)


def load_yaml(path: str | Path, model: type[M]) -> M:
    """Read and validate a YAML file against `model` (which should forbid extra keys)."""
    data = read_yaml(path)
    if data is None:
        data = {}
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_to_config_error(str(path), exc) from None
