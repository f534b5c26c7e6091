"""Settings of spoken feedback: capture, classification and alerts (``[feedback]``).

The ``[feedback]`` section of :class:`voice_agent.settings.Settings`, with its ``llm`` and
``alerts`` tables.
"""

from __future__ import annotations

from typing import Literal, Self

from pydantic import BaseModel, Field, SecretStr, model_validator


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
