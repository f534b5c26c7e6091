"""Settings: ``config/default.toml``, then an optional override file, then environment.

Environment variables are named ``VOICE_AGENT_<SECTION>__<KEY>`` (for example
``VOICE_AGENT_STT__MODEL=base.en``); ``VOICE_AGENT_CONFIG`` names an override file.
Only the composition root (CLI, server) reads settings; everything else receives values.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from knowledge_base.text import SPOKEN_LANGUAGES
from voice_agent.service_settings import Environment, ServiceSettings, check_production_secrets

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG_FILE = PROJECT_ROOT / "config" / "default.toml"
ENV_PREFIX = "VOICE_AGENT_"


class SttSettings(BaseModel):
    """Speech to text (faster-whisper)."""

    model: str = "packaged:tiny.en"
    """Model name, local CTranslate2 directory, or ``packaged:tiny.en``."""
    language: str = "en"
    """What a multilingual model is told when the store names no language (``en``, ``zh``,
    ``auto`` to detect); a store's ``language`` in the knowledge base wins (it is also what
    the session speaks). An English-only model (``*.en``) hears English whatever is set."""
    device: str = "cpu"
    compute_type: str = "int8"
    cpu_threads: int = Field(default=2, ge=1)
    beam_size: int = Field(default=1, ge=1)
    num_workers: int = Field(default=1, ge=1)
    """Transcriptions that may run at once across sessions."""
    allow_download: bool = False
    """Let faster-whisper fetch a named model from its hub (off: offline by design)."""
    use_catalogue_hints: bool = True
    """Bias recognition toward the catalogue's product names and SKU codes."""
    engine: Literal["batched", "full_window"] = "batched"
    """``batched``: one shared engine batches every session's utterances on a short window;
    ``full_window``: each utterance alone through faster-whisper's 30 s window."""
    engine_beam_size: int = Field(default=3, ge=1, le=8)
    """Beam on the engine's short window (``beam_size`` is for the full window)."""
    batch_wait_ms: float = Field(default=5.0, ge=0.0, le=100.0)
    """Milliseconds the engine waits for more utterances to decode together."""
    max_batch: int = Field(default=8, ge=1, le=64)
    """Most utterances decoded in one call."""
    window_floor_secs: float = Field(default=10.0, ge=5.0, le=30.0)
    """Smallest encoder window, in seconds (shorter windows make Whisper loop)."""
    window_margin_secs: float = Field(default=2.0, ge=0.5, le=10.0)
    """Silence the window keeps after the utterance, at least, in seconds."""
    max_tokens_per_sec: float = Field(default=6.0, gt=0.0)
    """Output cap per second of audio on a short window; reaching it means a runaway."""
    min_avg_logprob: float = Field(default=-1.0, le=0.0)
    """Short-window results less confident than this are redone on the full window."""
    no_repeat_ngram_size: int = Field(default=3, ge=0)
    """Token n-grams that may not repeat on a short window (0 turns the guard off)."""


class TtsSettings(BaseModel):
    """Text to speech (Piper)."""

    voice: str = "packaged:en_US-joe-medium"
    """Path to a Piper ``.onnx`` voice (its ``.onnx.json`` beside it) or ``packaged:<voice>``:
    the default voice, which speaks English (``en``) unless ``voices`` names another for it."""
    voices: dict[str, str] = {}
    """Language -> Piper voice (path or ``packaged:<voice>``) for the stores speaking it:
    ``{"zh-CN" = "/opt/voices/zh_CN-huayan-medium.onnx"}``. Each voice file loads once per
    node. A store whose language has no voice here speaks English (docs/knowledge-base.md)."""
    length_scale: float = Field(default=1.0, gt=0.2, lt=3.0)
    """Piper length scale: below 1.0 speaks faster."""
    cache_mib: float = Field(default=32.0, ge=0.0, le=4096.0)
    """Rendered answer sentences kept for every session to reuse, in MiB (0: no cache)."""
    prerender_max_sentences: int = Field(default=64, ge=0, le=10_000)
    """Sentences of likely answers rendered ahead into the cache per publication (0: none)."""

    @field_validator("voices")
    @classmethod
    def _languages_the_texts_have(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(SPOKEN_LANGUAGES))
        if unknown:
            raise ValueError(
                f"no texts are written in {', '.join(unknown)}: voices are for"
                f" {', '.join(SPOKEN_LANGUAGES)}"
            )
        return value


class VadSettings(BaseModel):
    """Silero voice activity detection."""

    confidence: float = Field(default=0.6, ge=0.0, le=1.0)
    start_secs: float = Field(default=0.15, ge=0.0)
    """Seconds of speech before a turn starts."""
    stop_secs: float = Field(default=0.25, ge=0.05)
    """Seconds of silence that end a turn candidate."""
    min_volume: float = Field(default=0.4, ge=0.0, le=1.0)


class TurnSettings(BaseModel):
    """End-of-turn decisions beyond plain VAD silence."""

    incomplete_wait_secs: float = Field(default=1.2, ge=0.0)
    """Extra seconds to wait when a transcript looks unfinished."""


class BargeInSettings(BaseModel):
    """When the user's speech may cut the bot off."""

    enabled: bool = True
    min_level_dbfs: float = -26.0
    """Quieter speech (a customer farther away, music) does not interrupt."""


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


INPUT_SAMPLE_RATES = (8000, 16000)
"""Input rates Silero VAD accepts, in hertz."""


class AudioSettings(BaseModel):
    """Pipeline audio formats."""

    input_sample_rate: int = 16000
    """Hertz of the audio sessions receive: 8000 or 16000 (the rates Silero VAD accepts);
    Whisper's 16 kHz input is resampled from it."""
    output_sample_rate: int = Field(default=16000, ge=8000, le=48000)
    """Hertz of the audio sessions send (Piper's voice is resampled to it)."""

    @field_validator("input_sample_rate")
    @classmethod
    def _a_rate_silero_takes(cls, value: int) -> int:
        if value not in INPUT_SAMPLE_RATES:
            raise ValueError(f"must be one of {', '.join(map(str, INPUT_SAMPLE_RATES))} (hertz)")
        return value


class StorageSettings(BaseModel):
    """Durable storage (feedback, question mining, sessions)."""

    database_url: str = "sqlite:///var/voice-agent.sqlite3"
    """``sqlite:///relative/path`` (to the working directory), ``sqlite:////absolute/path``,
    or ``postgresql://user:password@host/dbname`` for several nodes (see docs/storage.md)."""


class FeedbackLLMSettings(BaseModel):
    """The LLM feedback classifier (``feedback.classifier = "llm"``)."""

    base_url: str | None = None
    """OpenAI-compatible endpoint; empty: the answerer's (``answerer.openai.base_url``)."""
    model: str | None = None
    """Model name; empty: the answerer's."""
    deadline_secs: float = Field(default=3.0, gt=0.0)
    """Without a complete, valid label by then, the offline classifier labels the feedback."""
    max_tokens: int = Field(default=60, ge=16)


class FeedbackAlertSettings(BaseModel):
    """Thresholds of the anomaly rules (``docs/feedback.md``)."""

    stock_out_min_stores: int = Field(default=3, ge=1)
    stock_out_window_minutes: int = Field(default=120, ge=1)
    surge_ratio: float = Field(default=3.0, gt=1.0)
    """Today's count at least this many times the trailing daily mean."""
    surge_min_count: int = Field(default=5, ge=1)
    surge_baseline_days: int = Field(default=7, ge=1)
    confusion_min_stores: int = Field(default=3, ge=1)
    confusion_window_minutes: int = Field(default=60, ge=1)


class FeedbackSettings(BaseModel):
    """Spoken feedback: capture, classification and alerts."""

    classifier: Literal["offline", "llm"] = "offline"
    """``llm`` asks an OpenAI-compatible model and falls back to the offline classifier."""
    training_set: str = ""
    """YAML set the offline classifier learns at start-up; empty: the packaged one."""
    end_silence_secs: float = Field(default=4.0, gt=0.0)
    """Silence that ends a feedback turn."""
    max_chunk_chars: int = Field(default=1500, ge=100, le=4000)
    """Longest text of one record; a longer monologue becomes several records."""
    llm: FeedbackLLMSettings = FeedbackLLMSettings()
    alerts: FeedbackAlertSettings = FeedbackAlertSettings()
    webhook_url: str = ""
    """Alerts are POSTed here as signed JSON; empty: no webhook."""
    webhook_secret: SecretStr | None = None
    """HMAC-SHA256 key of the ``X-Voice-Agent-Signature`` header (required with a URL)."""

    @model_validator(mode="after")
    def _secret_with_url(self) -> Self:
        secret = self.webhook_secret.get_secret_value() if self.webhook_secret else ""
        if self.webhook_url and not secret:
            raise ValueError(
                "feedback.webhook_secret is required with feedback.webhook_url"
                " (set VOICE_AGENT_FEEDBACK__WEBHOOK_SECRET)"
            )
        return self


class BroadcastSettings(BaseModel):
    """Urgent notices to clerks: acknowledgement timing, escalation, the roster."""

    acknowledge_within_secs: float = Field(default=120.0, gt=0.0)
    """After a complete playing, how long an acknowledgement may take before the notice is
    replayed once, and after the replay, before the store manager is told."""
    max_plays: int = Field(default=3, ge=1)
    """Complete plays of one notice at most, repeats the clerk asked for included."""
    language: str = "en"
    """Language of notices when the clerk's session does not say (``en`` or ``zh-CN``)."""
    escalation_webhook_url: str = ""
    """Escalations are POSTed here as signed JSON; empty: no webhook."""
    escalation_webhook_secret: SecretStr | None = None
    """HMAC-SHA256 key of the ``X-Voice-Agent-Signature`` header (required with a URL)."""
    roster_file: str = ""
    """Roster (CSV or YAML) ``voice-agent roster load`` reads when no file is given."""
    tick_secs: float = Field(default=1.0, gt=0.0)
    """How often due replays, escalations and shift starts are looked at."""
    presence_stale_secs: float = Field(default=10.0, gt=0.0)
    """On a cluster, a node's sessions count as gone this long after its last tick (the node
    died): its clerks may then be escalated by another node. Several times ``tick_secs``."""
    escalation_spoken_within_secs: float = Field(default=8 * 3600.0, gt=0.0)
    """A store manager who connects (to any node) this long after an escalation about one of
    their clerks still hears it, unless the clerk acknowledged meanwhile."""

    @model_validator(mode="after")
    def _secret_with_url(self) -> Self:
        if self.escalation_webhook_url and self.escalation_webhook_secret is None:
            raise ValueError(
                "broadcast.escalation_webhook_secret is required with escalation_webhook_url"
                " (set VOICE_AGENT_BROADCAST__ESCALATION_WEBHOOK_SECRET)"
            )
        return self


class QuizSettings(BaseModel):
    """Spoken quizzes after an acknowledged urgent notice (or a briefing's change)."""

    enabled: bool = True
    """Quiz each clerk who acknowledged an urgent notice."""
    questions: int = Field(default=3, ge=1, le=6)
    """Questions per quiz (fewer when the promotion's facts do not give that many)."""
    retry_after_secs: float = Field(default=300.0, ge=0.0)
    """A wrongly answered question is asked again this long after the answer, at the next
    quiet moment from then."""
    max_attempts: int = Field(default=3, ge=1)
    """Answers per question at most (the first included); then the quiz counts as failed."""
    answer_within_secs: float = Field(default=60.0, gt=0.0)
    """How long an answer is awaited without the wake phrase after a question was asked; an
    unanswered question is asked again ``retry_after_secs`` later."""
    judge: Literal["rules", "llm"] = "rules"
    """``llm``: the answerer's OpenAI-compatible model may accept wording the rules rejected
    (never a number)."""
    judge_deadline_secs: float = Field(default=3.0, gt=0.0)
    """Without a verdict by then the rules' verdict stands."""


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
