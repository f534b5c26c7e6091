"""Settings of urgent notices to clerks and the quizzes after them.

The ``[broadcast]`` and ``[quiz]`` sections of :class:`voice_agent.settings.Settings`.
"""

from __future__ import annotations

from typing import Literal, Self

from pydantic import BaseModel, Field, SecretStr, model_validator


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
