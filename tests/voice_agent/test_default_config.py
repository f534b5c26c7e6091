"""config/default.toml documents every setting of :class:`voice_agent.settings.Settings`."""

from __future__ import annotations

import re
import tomllib

from pydantic import BaseModel

from voice_agent.settings import DEFAULT_CONFIG_FILE, Settings, load_settings


def _settings_paths(model: type[BaseModel], prefix: str = "") -> list[str]:
    paths: list[str] = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            paths += _settings_paths(annotation, f"{prefix}{name}.")
        else:
            paths.append(prefix + name)
    return paths


def test_every_setting_is_in_the_default_config_file_set_or_commented() -> None:
    text = DEFAULT_CONFIG_FILE.read_text(encoding="utf-8")
    values = tomllib.loads(text)
    missing = []
    for path in _settings_paths(Settings):
        *sections, key = path.split(".")
        table = values
        for section in sections:
            table = table.get(section, {})
        # Secrets and optional endpoints are documented as commented-out lines.
        if key not in table and not re.search(rf"^# {key}( =|:)", text, re.MULTILINE):
            missing.append(path)
    assert missing == []


def test_the_default_config_file_gives_the_code_defaults() -> None:
    assert load_settings() == Settings()
