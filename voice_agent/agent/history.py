"""What each session of the store did: its events, answers and gap questions, as snapshots.

A :class:`SessionEntry` is the manager's record of one session, live or recently ended: the
:class:`~voice_agent.agent.session.AgentSession`, its last events and its answer and gap
counts. Every answer goes to the :class:`~knowledge_base.gaps.QuestionLogger`; a storage
failure there is logged and reported as an event, never raised into the session.
:class:`SessionInfo` and :class:`SessionRefusal` are what the API shows.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime

from loguru import logger

from knowledge_base.answering import Answer, Question, Role
from knowledge_base.gaps import QuestionLogger
from voice_agent.agent.lifecycle import ManagedEvent, QuestionLogFailed, SessionState
from voice_agent.agent.session import AgentSession
from voice_agent.storage.errors import StorageError

ENDED = frozenset({SessionState.STOPPED, SessionState.FAILED})
"""States a session never leaves."""


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """A snapshot of one session."""

    room: str
    clerk_identity: str
    store_id: str | None
    role: Role
    """Whom it answers: the room's clerk, or a store or regional manager in their own room."""
    state: SessionState
    started_at: datetime
    """Wall time (UTC) the manager started it."""
    restarts: int
    """Times it rejoined the room after a failed or dropped connection."""
    connections: int
    """Times the agent joined the room (rejoins included)."""
    answers: int
    gaps_logged: int
    """Answers stored as knowledge-base gaps."""
    last_error: str | None = None
    ended_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class SessionRefusal:
    """A session the manager did not start, and why."""

    room: str
    clerk_identity: str
    code: str
    message: str
    at: datetime
    """Wall time (UTC)."""


@dataclass(slots=True)
class SessionEntry:
    """One session as the manager keeps it: the session, its history and counts."""

    session: AgentSession
    events: deque[ManagedEvent]
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    task: asyncio.Task[None] | None = None
    answers: int = 0
    gaps_logged: int = 0
    ended_at: datetime | None = None

    @property
    def room(self) -> str:
        """The clerk's room (the session's id)."""
        return self.session.room

    @property
    def stopping(self) -> bool:
        """The session is winding down or over."""
        return self.session.state in (SessionState.STOPPING, *ENDED)

    def info(self) -> SessionInfo:
        """A snapshot for the API."""
        session = self.session
        state = session.state
        if self.task is not None and self.task.done() and state not in ENDED:
            state = SessionState.STOPPED  # cancelled before it could say so
        return SessionInfo(
            room=self.room,
            clerk_identity=session.clerk_identity,
            store_id=session.caller.store_id,
            role=session.caller.role,
            state=state,
            started_at=self.started_at,
            restarts=session.restarts,
            connections=session.connections,
            answers=self.answers,
            gaps_logged=self.gaps_logged,
            last_error=session.last_error,
            ended_at=self.ended_at,
        )

    async def record_answer(
        self, question: Question, answer: Answer, question_logger: QuestionLogger | None
    ) -> QuestionLogFailed | None:
        """Count an answer and log it as a gap if it is one; the failure to report, if any."""
        self.answers += 1
        if question_logger is None:
            return None
        try:
            record = await question_logger.record(question, answer)
        except StorageError as e:
            logger.error("[{}] question not logged ({}): {}", self.room, e.code, e)
            return QuestionLogFailed(session_id=self.room, code=e.code, message=str(e))
        except Exception as e:  # noqa: BLE001 - logging a question must never end a session
            logger.opt(exception=e).error("[{}] question not logged", self.room)
            return QuestionLogFailed(
                session_id=self.room, code="question_log_error", message=str(e)
            )
        if record is not None:
            self.gaps_logged += 1
            logger.debug("[{}] gap question logged ({})", self.room, record.reason)
        return None


class SessionHistory:
    """Sessions that ended recently and sessions refused recently, oldest dropped first.

    Args:
        keep_finished: Ended sessions kept (one per room, the latest).
        keep_refusals: Refusals kept.
    """

    def __init__(self, *, keep_finished: int, keep_refusals: int = 50) -> None:
        self._finished: dict[str, SessionEntry] = {}
        self._keep_finished = keep_finished
        self._refusals: deque[SessionRefusal] = deque(maxlen=keep_refusals)

    def ended(self, entry: SessionEntry) -> None:
        """Keep ``entry`` as its room's latest ended session."""
        if entry.ended_at is None:
            entry.ended_at = datetime.now(UTC)
        self._finished.pop(entry.room, None)
        self._finished[entry.room] = entry
        while len(self._finished) > self._keep_finished:
            del self._finished[next(iter(self._finished))]

    def get(self, room: str) -> SessionEntry | None:
        """The latest ended session of ``room``, if kept."""
        return self._finished.get(room)

    def forget(self, room: str) -> None:
        """Drop the ended session of ``room`` (a new one starts there)."""
        self._finished.pop(room, None)

    def refused(self, room: str, clerk_identity: str, *, code: str, message: str) -> None:
        """Note a session that was not started."""
        self._refusals.append(
            SessionRefusal(
                room=room,
                clerk_identity=clerk_identity,
                code=code,
                message=message,
                at=datetime.now(UTC),
            )
        )

    def refusals(self) -> list[SessionRefusal]:
        """Recent refusals, oldest first."""
        return list(self._refusals)
