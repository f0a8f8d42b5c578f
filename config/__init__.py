"""Settings (environment, prefix HOTLINE_) and YAML files validated on load."""

from config.errors import ConfigError
from config.loader import load_yaml
from config.settings import Settings, load_settings

__all__ = ["ConfigError", "Settings", "load_settings", "load_yaml"]
