"""Request and response bodies of the HTTP API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from knowledge_base.answering import Role
from knowledge_base.gaps import GapGroup
from voice_agent.agent.history import SessionInfo, SessionRefusal
from voice_agent.agent.lifecycle import SessionState


class ErrorDetail(BaseModel):
    """What went wrong, for machines (``code``) and people (``message``)."""

    code: str
    message: str
    details: list[dict[str, Any]] | None = None
    """Per-field problems of an invalid request body or query."""


class ErrorBody(BaseModel):
    """Every error response: ``{"error": {"code": ..., "message": ...}}``."""

    error: ErrorDetail


class TokenCreate(BaseModel):
    """Ask for a LiveKit token; every field defaults to the caller's own."""

    model_config = ConfigDict(extra="forbid")

    identity: str | None = None
    """Participant identity; default: the API key's identity."""
    role: Literal["clerk", "store_manager", "regional_manager", "hq"] | None = None
    """Role of the token; default: the API key's role."""
    room: str | None = None
    """Room to open; a clerk's default is their own room."""
    ttl_minutes: float | None = Field(default=None, gt=0, le=720)
    """Lifetime; default from ``service.token_ttl_minutes``."""


class TokenPublic(BaseModel):
    """A minted token and where to use it."""

    token: str
    url: str
    """LiveKit server URL to connect to."""
    room: str | None
    identity: str
    role: str
    expires_at: datetime


class SessionPublic(BaseModel):
    """One agent session."""

    room: str
    clerk_identity: str
    store_id: str | None
    role: Role
    """The role the session answers its person in (``clerk``, ``store_manager``, ...)."""
    state: SessionState
    started_at: datetime
    ended_at: datetime | None
    restarts: int
    connections: int
    answers: int
    gaps_logged: int
    last_error: str | None

    @classmethod
    def of(cls, info: SessionInfo) -> SessionPublic:
        """From the manager's snapshot."""
        return cls(
            room=info.room,
            clerk_identity=info.clerk_identity,
            store_id=info.store_id,
            role=info.role,
            state=info.state,
            started_at=info.started_at,
            ended_at=info.ended_at,
            restarts=info.restarts,
            connections=info.connections,
            answers=info.answers,
            gaps_logged=info.gaps_logged,
            last_error=info.last_error,
        )


class RefusalPublic(BaseModel):
    """A session that was not started."""

    room: str
    clerk_identity: str
    code: str
    message: str
    at: datetime

    @classmethod
    def of(cls, refusal: SessionRefusal) -> RefusalPublic:
        """From the manager's record."""
        return cls(
            room=refusal.room,
            clerk_identity=refusal.clerk_identity,
            code=refusal.code,
            message=refusal.message,
            at=refusal.at,
        )


class SessionList(BaseModel):
    """The sessions the caller may see, the capacity and recent refusals."""

    sessions: list[SessionPublic]
    capacity: int
    active: int
    """Sessions running in the whole process (not only those visible to the caller)."""
    refusals: list[RefusalPublic]


class EventList(BaseModel):
    """A session's recent events, oldest first (pipeline and lifecycle events)."""

    room: str
    state: SessionState
    events: list[dict[str, Any]]
    """Each with ``type``, ``session_id`` and ``at`` (the server's monotonic seconds)."""
    server_time: datetime
    """Wall time (UTC) when the list was made; an event happened at
    ``server_time - (monotonic_now - event.at)``."""
    monotonic_now: float
    """The server's monotonic clock when the list was made."""


class GapGroupPublic(BaseModel):
    """Similar unanswered questions about one promotion (or none)."""

    promotion_id: str | None
    key: str
    count: int
    first_seen: datetime
    last_seen: datetime
    examples: list[str]
    stores: list[str]
    reasons: dict[str, int]
    languages: list[str]

    @classmethod
    def of(cls, group: GapGroup) -> GapGroupPublic:
        """From the domain's group."""
        return cls(
            promotion_id=group.promotion_id,
            key=group.key,
            count=group.count,
            first_seen=group.first_seen,
            last_seen=group.last_seen,
            examples=list(group.examples),
            stores=list(group.stores),
            reasons={reason.value: count for reason, count in group.reasons.items()},
            languages=list(group.languages),
        )


class GapReport(BaseModel):
    """Top gap groups per promotion."""

    questions: int
    """Gap questions considered."""
    groups: list[GapGroupPublic]


class CheckPublic(BaseModel):
    """One link of the chain."""

    ok: bool
    detail: str


class Health(BaseModel):
    """Whether the whole chain works; ``failing`` (HTTP 503) names the broken link."""

    status: Literal["ok", "failing"]
    sessions: int
    capacity: int
    checks: dict[str, CheckPublic]
    """``livekit`` (reachable), ``agent`` (sessions can start), ``models`` (loaded)."""


class WebhookResult(BaseModel):
    """What the service did with a LiveKit webhook."""

    action: Literal["started", "stopped", "refused", "ignored", "watching"]
    """``watching``: the assistant left a clerk room; it is dispatched again if the clerk
    stays (its worker died)."""
    room: str | None = None
    code: str | None = None
    """Why a session was refused (``capacity_reached``)."""
    detail: str = ""
