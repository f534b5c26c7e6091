"""Settings: ``config/default.toml``, then an optional override file, then environment.

Environment variables are named ``VOICE_AGENT_<SECTION>__<KEY>`` (for example
``VOICE_AGENT_STT__MODEL=base.en``); ``VOICE_AGENT_CONFIG`` names an override file.
Only the composition root (CLI, server) reads settings; everything else receives values.

The sections are defined by concern: the voice loop's in :mod:`voice_agent.speech_settings`,
feedback's in :mod:`voice_agent.feedback_settings`, notices' and quizzes' in
:mod:`voice_agent.broadcast_settings`, the HTTP service's in
:mod:`voice_agent.service_settings`; the answerer's, the knowledge base's, storage's and
LiveKit's here.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from voice_agent.broadcast_settings import BroadcastSettings, QuizSettings
from voice_agent.feedback_settings import FeedbackSettings
from voice_agent.service_settings import Environment, ServiceSettings, check_production_secrets
from voice_agent.speech_settings import (
    AudioSettings,
    BargeInSettings,
    SttSettings,
    TtsSettings,
    TurnSettings,
    VadSettings,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG_FILE = PROJECT_ROOT / "config" / "default.toml"
ENV_PREFIX = "VOICE_AGENT_"


class OpenAISettings(BaseModel):
    """Any OpenAI-compatible endpoint (OpenAI, DeepSeek, Qwen, vLLM, Ollama, llama.cpp)."""

    base_url: str | None = None
    model: str = "gpt-4o-mini"
    api_key: SecretStr | None = None
    first_token_deadline_secs: float = Field(default=1.5, gt=0.0)
    """Without a first token by then, the grounded answer is spoken instead."""
    max_tokens: int = Field(default=120, ge=8)
    temperature: float = Field(default=0.2, ge=0.0, le=2.0)


class AnswererSettings(BaseModel):
    """Which answerer speaks, and who to name when the knowledge base has no answer."""

    kind: Literal["grounded", "openai"] = "grounded"
    contact: str = "the promotions desk at headquarters, extension 1000"
    """Named only when the chain's ``contacts.yaml`` sets no ``default:``."""
    openai: OpenAISettings = OpenAISettings()


class KnowledgeBaseSettings(BaseModel):
    """Where the promotion knowledge base lives."""

    path: str = ""
    """Directory of promotion and catalogue files; empty means the packaged sample content."""
    poll_interval_secs: float = Field(default=2.0, gt=0.0)
    """How often the service checks for new publications and edited files."""
    publish_edits: bool = True
    """Publish valid edits of the promotion files automatically (``published_by`` file-watch;
    one node). Off: only ``kb publish`` and ``POST /v1/publications`` publish."""


class StorageSettings(BaseModel):
    """Durable storage (feedback, question mining, sessions)."""

    database_url: str = "sqlite:///var/voice-agent.sqlite3"
    """``sqlite:///relative/path`` (to the working directory), ``sqlite:////absolute/path``,
    or ``postgresql://user:password@host/dbname`` for several nodes (see docs/storage.md)."""


class LiveKitSettings(BaseModel):
    """LiveKit server: the local dev server by default, any deployment by URL and keys."""

    url: str = "ws://127.0.0.1:7880"
    api_key: str = "devkey"
    api_secret: SecretStr = SecretStr("development-only-secret-change-me-000000")
    """At least 32 characters (livekit-server refuses shorter secrets outside --dev)."""
    start_local_server: bool = True
    """Start the locally built livekit-server (development and the default run)."""
    binary: str = ""
    """Path of livekit-server; empty: $VOICE_AGENT_LIVEKIT_BINARY, the install cache, PATH."""


class Settings(BaseSettings):
    """All settings of the voice agent."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_nested_delimiter="__", extra="forbid"
    )

    stt: SttSettings = SttSettings()
    tts: TtsSettings = TtsSettings()
    vad: VadSettings = VadSettings()
    turn: TurnSettings = TurnSettings()
    barge_in: BargeInSettings = BargeInSettings()
    answerer: AnswererSettings = AnswererSettings()
    knowledge_base: KnowledgeBaseSettings = KnowledgeBaseSettings()
    audio: AudioSettings = AudioSettings()
    storage: StorageSettings = StorageSettings()
    livekit: LiveKitSettings = LiveKitSettings()
    feedback: FeedbackSettings = FeedbackSettings()
    broadcast: BroadcastSettings = BroadcastSettings()
    quiz: QuizSettings = QuizSettings()
    environment: Environment = "development"
    """``production`` refuses the published development API keys and LiveKit secret."""
    service: ServiceSettings = ServiceSettings()

    @model_validator(mode="after")
    def _no_development_secrets(self) -> Self:
        check_production_secrets(
            environment=self.environment,
            service=self.service,
            livekit_api_secret=self.livekit.api_secret.get_secret_value(),
        )
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Environment beats explicit file values, which beat defaults."""
        return (env_settings, init_settings)


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


class ConfigFileError(ValueError):
    """A settings file is missing or not valid TOML."""


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as e:
        raise ConfigFileError(f"config file not found: {path}") from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigFileError(f"{path}: invalid TOML: {e}") from e


def load_settings(config_file: Path | None = None) -> Settings:
    """Read defaults, then ``config_file`` (or ``$VOICE_AGENT_CONFIG``), then the environment."""
    values = _read_toml(DEFAULT_CONFIG_FILE) if DEFAULT_CONFIG_FILE.exists() else {}
    override = config_file or (
        Path(os.environ[f"{ENV_PREFIX}CONFIG"]) if os.environ.get(f"{ENV_PREFIX}CONFIG") else None
    )
    if override is not None:
        values = _deep_merge(values, _read_toml(override))
    return Settings(**values)
