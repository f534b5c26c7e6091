"""The store's agent sessions: one per clerk room, within a capacity, restarted after crashes.

:class:`SessionManager` starts an :class:`~voice_agent.agent.session.AgentSession` task per
clerk room (the webhook route calls it when a clerk joins and leaves), refuses sessions
beyond its capacity with :class:`~voice_agent.service.errors.CapacityReachedError`, and
supervises each task: if ``AgentSession.run()`` raises (dropped connections are handled
inside the session; this is for bugs and the unforeseen), a fresh session replaces it after
a back-off, until too many crashes in a row give it up and free the slot.

Each session keeps its own state: its last events (pipeline events and the lifecycle
events below), answer and restart counts. Every answer goes to the
:class:`~knowledge_base.gaps.QuestionLogger`; a storage failure there is logged and never
reaches the session.
"""

from __future__ import annotations

import asyncio
import builtins
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Literal

from loguru import logger
from pydantic import BaseModel, Field

from knowledge_base.answering import Answer, Question
from knowledge_base.gaps import QuestionLogger
from pipelines.answer_processor import CallerProfile
from pipelines.events import SessionEvent
from pipelines.voice_loop import VoiceLoopConfig
from voice_agent.agent.session import AgentSession, LiveKitEndpoint, SessionStatus
from voice_agent.runtime import Runtime
from voice_agent.service.errors import (
    CapacityReachedError,
    SessionNotFoundError,
    ShuttingDownError,
)
from voice_agent.storage.errors import StorageError


class SessionState(StrEnum):
    """Where a managed session is, as the API shows it."""

    STARTING = "starting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    """The agent lost the room and is rejoining (inside the same session)."""
    RESTARTING = "restarting"
    """The session crashed; a fresh one starts after the back-off."""
    STOPPING = "stopping"
    STOPPED = "stopped"
    FAILED = "failed"
    """Crashed too often in a row; given up."""


class _LifecycleEvent(BaseModel):
    session_id: str
    """The room."""
    at: float = Field(default_factory=time.monotonic)
    """Monotonic seconds, like the pipeline's events."""


class SessionStarted(_LifecycleEvent):
    """The manager started a session for a clerk."""

    type: Literal["session_started"] = "session_started"
    clerk_identity: str


class SessionCrashed(_LifecycleEvent):
    """``AgentSession.run()`` raised."""

    type: Literal["session_crashed"] = "session_crashed"
    error: str
    retry_in_secs: float | None
    """Seconds until the restart; ``None`` when the session is given up."""


class SessionRestarted(_LifecycleEvent):
    """A fresh session replaced a crashed one."""

    type: Literal["session_restarted"] = "session_restarted"
    restarts: int
    """Restarts of this room's session so far."""


class SessionStopped(_LifecycleEvent):
    """The session ended (``reason``: ``stopped`` or ``failed``)."""

    type: Literal["session_stopped"] = "session_stopped"
    reason: Literal["stopped", "failed"]


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


LifecycleEvent = Annotated[
    SessionStarted
    | SessionCrashed
    | SessionRestarted
    | SessionStopped
    | SessionRefused
    | QuestionLogFailed,
    Field(discriminator="type"),
]
ManagedEvent = SessionEvent | LifecycleEvent
"""Anything kept in a session's event history."""
ManagedEventSink = Callable[[ManagedEvent], Awaitable[None] | None]
"""Receives every session's events (pipeline and lifecycle); may be sync or async."""


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """A snapshot of one session."""

    room: str
    clerk_identity: str
    store_id: str | None
    state: SessionState
    started_at: datetime
    """Wall time (UTC) the manager started it."""
    restarts: int
    """Crashes it was restarted after."""
    connections: int
    """Times the agent joined the room (reconnections and restarts included)."""
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
class _Entry:
    room: str
    clerk_identity: str
    caller: CallerProfile
    events: deque[ManagedEvent]
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None
    session: AgentSession | None = None
    restarting: bool = False
    final_state: SessionState | None = None
    restarts: int = 0
    earlier_connections: int = 0
    answers: int = 0
    gaps_logged: int = 0
    last_error: str | None = None
    ended_at: datetime | None = None


_STATUS_STATES = {
    SessionStatus.STARTING: SessionState.STARTING,
    SessionStatus.CONNECTED: SessionState.CONNECTED,
    SessionStatus.RECONNECTING: SessionState.RECONNECTING,
    SessionStatus.STOPPED: SessionState.STOPPING,
    SessionStatus.FAILED: SessionState.RESTARTING,
}


class SessionManager:
    """Runs the agent sessions of one process: at most ``capacity`` at once.

    Args:
        runtime: Models, transcriber and answerer shared by all sessions.
        endpoint: LiveKit server and keys.
        capacity: Sessions that may run at once.
        loop_config: Voice-loop tuning for every session.
        clock: "Now" for questions (the demo and tests pin it).
        on_event: Receives every session's pipeline and lifecycle events.
        question_logger: Stores gap questions; ``None`` stores nothing.
        session_class: What runs a room (tests pass a subclass that crashes).
        restart_delays: Seconds before each restart after a crash; the last one repeats.
        max_restarts: Crashes in a row (each within ``healthy_after_secs`` of its start)
            that are restarted; the next one gives the session up.
        healthy_after_secs: A session that ran this long before crashing starts the
            back-off again.
        reconnect_delays: Passed to each session (rejoining after dropped connections).
        events_per_session: Events kept per session.
        stop_timeout_secs: Seconds a stopping session gets before its task is cancelled.
        keep_finished: Ended sessions remembered for :meth:`get` and :meth:`events`.
    """

    def __init__(
        self,
        *,
        runtime: Runtime,
        endpoint: LiveKitEndpoint,
        capacity: int,
        loop_config: VoiceLoopConfig,
        clock: Callable[[], datetime] | None = None,
        on_event: ManagedEventSink | None = None,
        question_logger: QuestionLogger | None = None,
        session_class: type[AgentSession] = AgentSession,
        restart_delays: tuple[float, ...] = (1.0, 2.0, 5.0, 10.0),
        max_restarts: int = 5,
        healthy_after_secs: float = 30.0,
        reconnect_delays: tuple[float, ...] = (0.5, 1.0, 2.0, 5.0),
        events_per_session: int = 200,
        stop_timeout_secs: float = 5.0,
        keep_finished: int = 50,
    ) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        if not restart_delays:
            raise ValueError("restart_delays needs at least one delay")
        self._runtime = runtime
        self._endpoint = endpoint
        self._capacity = capacity
        self._loop_config = loop_config
        self._clock = clock
        self._on_event = on_event
        self._question_logger = question_logger
        self._session_class = session_class
        self._restart_delays = restart_delays
        self._max_restarts = max_restarts
        self._healthy_after = healthy_after_secs
        self._reconnect_delays = reconnect_delays
        self._events_per_session = events_per_session
        self._stop_timeout = stop_timeout_secs
        self._live: dict[str, _Entry] = {}
        self._finished: dict[str, _Entry] = {}
        self._keep_finished = keep_finished
        self._refusals: deque[SessionRefusal] = deque(maxlen=50)
        self._reapers: set[asyncio.Task[None]] = set()
        self._lock = asyncio.Lock()
        self._closed = False

    @property
    def capacity(self) -> int:
        """Sessions that may run at once."""
        return self._capacity

    @property
    def endpoint(self) -> LiveKitEndpoint:
        """The LiveKit server the sessions join."""
        return self._endpoint

    @property
    def active(self) -> int:
        """Sessions holding a slot, stopping ones included until they end.

        A new session past capacity waits for stopping ones, up to ``stop_timeout_secs``.
        """
        return len(self._live)

    async def start(self, room: str, clerk_identity: str, caller: CallerProfile) -> SessionInfo:
        """Start the agent in ``room`` for ``clerk_identity``; return the running session.

        Idempotent: a room whose session is live returns that session. A room whose session
        is stopping waits for it to end, then starts a new one.

        Raises:
            CapacityReachedError: ``capacity`` sessions already run (``code``
                ``capacity_reached``); the refusal is logged and listed by :meth:`refusals`.
            ShuttingDownError: :meth:`close` was called.
        """
        async with self._lock:
            if self._closed:
                raise ShuttingDownError(f"the service is shutting down; not starting {room}")
            existing = self._live.get(room)
            if existing is not None and not existing.stopping.is_set():
                return self._info(existing)
            if existing is not None:
                await self._reap(existing)
            if len(self._live) >= self._capacity:
                # A clerk who just left still holds a slot while their session winds down.
                stopping = [e for e in self._live.values() if e.stopping.is_set()]
                await asyncio.gather(*(self._reap(e) for e in stopping))
            if len(self._live) >= self._capacity:
                await self._refuse(room, clerk_identity)
            entry = _Entry(
                room=room,
                clerk_identity=clerk_identity,
                caller=caller,
                events=deque(maxlen=self._events_per_session),
            )
            started = SessionStarted(session_id=room, clerk_identity=clerk_identity)
            entry.events.append(started)  # first in the history, before the task's events
            self._finished.pop(room, None)
            self._live[room] = entry
            entry.task = asyncio.create_task(self._supervise(entry), name=f"session {room}")
        logger.info(
            "[{}] session started for {} ({} of {} slots)",
            room,
            clerk_identity,
            len(self._live),
            self._capacity,
        )
        await self._deliver(started)
        return self._info(entry)

    async def stop(self, room: str, *, wait: bool = True) -> SessionInfo:
        """End the session in ``room``; with ``wait=False`` return while it winds down.

        A session that does not end within ``stop_timeout_secs`` is cancelled.

        Raises:
            SessionNotFoundError: No live session in ``room``.
        """
        entry = self._live.get(room)
        if entry is None:
            raise SessionNotFoundError(f"no session is running in room {room!r}")
        if not entry.stopping.is_set():
            logger.info("[{}] stopping session", room)
            entry.stopping.set()
            if entry.session is not None:
                await entry.session.stop()
        reaper = asyncio.create_task(self._reap(entry), name=f"stop {room}")
        self._reapers.add(reaper)
        reaper.add_done_callback(self._reapers.discard)
        if wait:
            await reaper
        return self._info(entry)

    async def stop_all(self) -> None:
        """End every session and wait until all have."""
        rooms = list(self._live)
        if rooms:
            logger.info("stopping {} session(s)", len(rooms))
        for room in rooms:
            if room in self._live:
                await self.stop(room, wait=False)
        if self._reapers:
            await asyncio.gather(*self._reapers, return_exceptions=True)

    async def close(self) -> None:
        """Refuse new sessions from now on, then end every session (at shutdown)."""
        self._closed = True
        await self.stop_all()

    def list(self) -> builtins.list[SessionInfo]:
        """The live sessions, by room name."""
        return [self._info(self._live[room]) for room in sorted(self._live)]

    def get(self, room: str) -> SessionInfo:
        """The live or recently ended session of ``room``.

        Raises:
            SessionNotFoundError: ``room`` has had no session recently.
        """
        return self._info(self._entry(room))

    def events(self, room: str) -> builtins.list[ManagedEvent]:
        """The last events of the live or recently ended session of ``room``, oldest first.

        Raises:
            SessionNotFoundError: ``room`` has had no session recently.
        """
        return list(self._entry(room).events)

    def refusals(self) -> builtins.list[SessionRefusal]:
        """Recent sessions not started, oldest first."""
        return list(self._refusals)

    def _entry(self, room: str) -> _Entry:
        entry = self._live.get(room) or self._finished.get(room)
        if entry is None:
            raise SessionNotFoundError(f"no session in room {room!r}")
        return entry

    async def _refuse(self, room: str, clerk_identity: str) -> None:
        error = CapacityReachedError(
            f"capacity reached: {len(self._live)} of {self._capacity} sessions are running, "
            f"so the assistant did not join {room} for {clerk_identity}; stop a session or "
            "raise service.capacity"
        )
        self._refusals.append(
            SessionRefusal(
                room=room,
                clerk_identity=clerk_identity,
                code=error.code,
                message=error.message,
                at=datetime.now(UTC),
            )
        )
        logger.warning("[{}] session refused: {}", room, error.message)
        event = SessionRefused(
            session_id=room, clerk_identity=clerk_identity, code=error.code, message=error.message
        )
        await self._deliver(event)
        raise error

    async def _supervise(self, entry: _Entry) -> None:
        """Run the room's session until stopped or given up, then retire it."""
        failed = False
        try:
            failed = await self._run_with_restarts(entry)
        finally:
            if entry.session is not None:
                entry.earlier_connections += entry.session.connections
                entry.session = None
            entry.restarting = False
            entry.final_state = SessionState.FAILED if failed else SessionState.STOPPED
            entry.ended_at = datetime.now(UTC)
            self._retire(entry)
            logger.info("[{}] session {}", entry.room, entry.final_state.value)
            stopped = SessionStopped(
                session_id=entry.room, reason="failed" if failed else "stopped"
            )
            entry.events.append(stopped)
        await self._deliver(stopped)  # not reached when cancelled: observers may miss it

    async def _run_with_restarts(self, entry: _Entry) -> bool:
        """Run sessions for ``entry`` until stopped; ``True`` when given up after crashes."""
        crashes_in_a_row = 0
        while not entry.stopping.is_set():
            session = self._new_session(entry)
            entry.session = session
            entry.restarting = False
            began = time.monotonic()
            try:
                await session.run()
                return False  # run() returns only after stop()
            except Exception as e:  # noqa: BLE001 - a crash must not take the service down
                entry.earlier_connections += session.connections
                entry.session = None
                entry.last_error = f"{type(e).__name__}: {e}"
                if time.monotonic() - began >= self._healthy_after:
                    crashes_in_a_row = 0
                crashes_in_a_row += 1
                given_up = crashes_in_a_row > self._max_restarts
                delay = None if given_up else self._restart_delay(crashes_in_a_row)
                logger.opt(exception=e).error(
                    "[{}] session crashed ({} in a row); {}",
                    entry.room,
                    crashes_in_a_row,
                    "giving up" if delay is None else f"restarting in {delay:.1f}s",
                )
                entry.restarting = not given_up
                await self._emit(
                    entry,
                    SessionCrashed(
                        session_id=entry.room, error=entry.last_error, retry_in_secs=delay
                    ),
                )
            if delay is None:
                return True
            try:
                await asyncio.wait_for(entry.stopping.wait(), delay)
                return False
            except TimeoutError:
                pass
            entry.restarts += 1
            logger.info("[{}] session restarted ({} restarts)", entry.room, entry.restarts)
            await self._emit(
                entry, SessionRestarted(session_id=entry.room, restarts=entry.restarts)
            )
        return False

    def _restart_delay(self, crashes_in_a_row: int) -> float:
        return self._restart_delays[min(crashes_in_a_row - 1, len(self._restart_delays) - 1)]

    def _new_session(self, entry: _Entry) -> AgentSession:
        async def on_answer(question: Question, answer: Answer) -> None:
            await self._record_answer(entry, question, answer)

        async def on_event(event: SessionEvent) -> None:
            await self._emit(entry, event)

        return self._session_class(
            runtime=self._runtime,
            endpoint=self._endpoint,
            room=entry.room,
            clerk_identity=entry.clerk_identity,
            caller=entry.caller,
            config=self._loop_config,
            clock=self._clock,
            on_event=on_event,
            on_answer=on_answer,
            reconnect_delays=self._reconnect_delays,
        )

    async def _record_answer(self, entry: _Entry, question: Question, answer: Answer) -> None:
        entry.answers += 1
        if self._question_logger is None:
            return
        try:
            record = await self._question_logger.record(question, answer)
        except StorageError as e:
            logger.error("[{}] question not logged ({}): {}", entry.room, e.code, e)
            await self._emit(
                entry, QuestionLogFailed(session_id=entry.room, code=e.code, message=str(e))
            )
            return
        except Exception as e:  # noqa: BLE001 - logging a question must never end a session
            logger.opt(exception=e).error("[{}] question not logged", entry.room)
            await self._emit(
                entry,
                QuestionLogFailed(session_id=entry.room, code="question_log_error", message=str(e)),
            )
            return
        if record is not None:
            entry.gaps_logged += 1
            logger.debug("[{}] gap question logged ({})", entry.room, record.reason)

    async def _emit(self, entry: _Entry, event: ManagedEvent) -> None:
        entry.events.append(event)
        await self._deliver(event)

    async def _deliver(self, event: ManagedEvent) -> None:
        if self._on_event is None:
            return
        try:
            result = self._on_event(event)
            if result is not None:
                await result
        except Exception as e:  # noqa: BLE001 - an observer must not break a session
            logger.opt(exception=e).warning("[{}] event observer failed", event.session_id)

    async def _reap(self, entry: _Entry) -> None:
        """Wait for the entry's task to end; cancel it after the stop timeout."""
        task = entry.task
        if task is None or task.done():
            self._retire(entry)
            return
        _done, pending = await asyncio.wait({task}, timeout=self._stop_timeout)
        if pending:
            logger.warning(
                "[{}] session did not end within {:.0f}s; cancelling it",
                entry.room,
                self._stop_timeout,
            )
            task.cancel()
        results = await asyncio.gather(task, return_exceptions=True)
        if isinstance(results[0], Exception):
            logger.opt(exception=results[0]).error("[{}] session task failed", entry.room)
        self._retire(entry)

    def _retire(self, entry: _Entry) -> None:
        if self._live.get(entry.room) is entry:
            del self._live[entry.room]
        if entry.final_state is None:
            entry.final_state = SessionState.STOPPED
            entry.ended_at = datetime.now(UTC)
        self._finished.pop(entry.room, None)
        self._finished[entry.room] = entry
        while len(self._finished) > self._keep_finished:
            del self._finished[next(iter(self._finished))]

    def _info(self, entry: _Entry) -> SessionInfo:
        session = entry.session
        return SessionInfo(
            room=entry.room,
            clerk_identity=entry.clerk_identity,
            store_id=entry.caller.store_id,
            state=self._state(entry),
            started_at=entry.started_at,
            restarts=entry.restarts,
            connections=entry.earlier_connections + (session.connections if session else 0),
            answers=entry.answers,
            gaps_logged=entry.gaps_logged,
            last_error=entry.last_error,
            ended_at=entry.ended_at,
        )

    @staticmethod
    def _state(entry: _Entry) -> SessionState:
        if entry.final_state is not None:
            return entry.final_state
        if entry.stopping.is_set():
            return SessionState.STOPPING
        if entry.restarting:
            return SessionState.RESTARTING
        if entry.session is None:
            return SessionState.STARTING
        return _STATUS_STATES[entry.session.status]
