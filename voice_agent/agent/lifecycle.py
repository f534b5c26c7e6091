"""A session's state and the lifecycle events it reports next to the pipeline's own events.

One :class:`SessionState` describes a session everywhere (the session itself, the manager,
the HTTP API). Lifecycle events share the pipeline events' shape (``type``, ``session_id``,
monotonic ``at``), so one history holds both; :func:`deliver` hands either to an observer.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Annotated, Literal

from loguru import logger
from pydantic import BaseModel, Field

from pipelines.events import SessionEvent


class SessionState(StrEnum):
    """Where a session is in its life."""

    STARTING = "starting"
    """Joining the room for the first time."""
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    """The connection dropped or failed; the session rejoins after a back-off."""
    STOPPING = "stopping"
    STOPPED = "stopped"
    FAILED = "failed"
    """Failed ``max_restarts`` + 1 times in a row; given up."""


class _LifecycleEvent(BaseModel):
    session_id: str
    """The room."""
    at: float = Field(default_factory=time.monotonic)
    """Monotonic seconds, like the pipeline's events."""


class SessionStarted(_LifecycleEvent):
    """A session was started for a clerk."""

    type: Literal["session_started"] = "session_started"
    clerk_identity: str


class SessionResumed(_LifecycleEvent):
    """The session picked up the clerk's stored conversation (e.g. after a worker died)."""

    type: Literal["session_resumed"] = "session_resumed"
    turns: int
    """Questions answered in the conversation before."""
    follow_up: bool
    """A follow-up context came with it ("and for members?" follows the last question)."""
    language: str | None
    """Language of the conversation's last question."""
    answered_secs_ago: float
    """Seconds since the conversation's last answer."""


class SessionCrashed(_LifecycleEvent):
    """A connection of the session failed, dropped or raised."""

    type: Literal["session_crashed"] = "session_crashed"
    error: str
    retry_in_secs: float | None
    """Seconds until the session rejoins; ``None`` when it is given up."""


class SessionRestarted(_LifecycleEvent):
    """The session is joining the room again after a failure."""

    type: Literal["session_restarted"] = "session_restarted"
    restarts: int
    """Restarts of this session so far."""


class SessionStopped(_LifecycleEvent):
    """The session ended: ``stopped`` (asked to), ``clerk_absent``, ``replaced`` or ``failed``."""

    type: Literal["session_stopped"] = "session_stopped"
    reason: Literal["stopped", "clerk_absent", "replaced", "failed"]


class SessionRefused(_LifecycleEvent):
    """A session was not started (``code``: ``capacity_reached``)."""

    type: Literal["session_refused"] = "session_refused"
    clerk_identity: str
    code: str
    message: str


class QuestionLogFailed(_LifecycleEvent):
    """A gap question could not be stored; the session went on."""

    type: Literal["question_log_failed"] = "question_log_failed"
    code: str
    message: str


class ConversationStoreFailed(_LifecycleEvent):
    """The conversation could not be stored or loaded; the session went on without it."""

    type: Literal["conversation_store_failed"] = "conversation_store_failed"
    code: str
    message: str


LifecycleEvent = Annotated[
    SessionStarted
    | SessionResumed
    | SessionCrashed
    | SessionRestarted
    | SessionStopped
    | SessionRefused
    | QuestionLogFailed
    | ConversationStoreFailed,
    Field(discriminator="type"),
]
ManagedEvent = SessionEvent | LifecycleEvent
"""Anything kept in a session's event history."""
ManagedEventSink = Callable[[ManagedEvent], Awaitable[None] | None]
"""Receives pipeline and lifecycle events; may be sync or async."""
EndReason = Literal["stopped", "clerk_absent", "replaced"]
"""Why a connection ended without an error (``replaced``: another assistant session joined
the room with the same identity, and LiveKit let it in; that one serves the clerk now)."""


async def deliver(sink: ManagedEventSink | None, event: ManagedEvent) -> None:
    """Give ``event`` to ``sink`` (``None``: nobody); a failing sink is logged, never raised."""
    if sink is None:
        return
    try:
        result = sink(event)
        if result is not None:
            await result
    except Exception as e:  # noqa: BLE001 - an observer must not break a session
        logger.opt(exception=e).warning("[{}] event observer failed", event.session_id)
