"""The store's agent sessions: which run (capacity), started and stopped here.

:class:`SessionManager` starts an :class:`~voice_agent.agent.session.AgentSession` per clerk
room (the service's webhook route, or a worker's dispatched job, calls it when a clerk joins and
leaves) and refuses sessions beyond its capacity with
:class:`~voice_agent.agent.errors.CapacityReachedError`. A session's own life (joining,
rejoining after failures, giving up, ending when the clerk is gone) is the session's business;
when it ends, its slot is freed.

What each session did (its last events, answer and gap counts, the snapshots the API shows) is
kept in :mod:`voice_agent.agent.history`, and where their events go, in
:mod:`voice_agent.agent.session_events`; which session holds a slot, and freeing it when the
session ends, in :mod:`voice_agent.agent.slots`; whether a new session may take a slot, in
:mod:`voice_agent.agent.admission`; what each session is built of, in
:mod:`voice_agent.agent.session_factory`.
"""

from __future__ import annotations

import asyncio
import builtins
from collections import deque
from collections.abc import Callable
from datetime import datetime

from loguru import logger

from knowledge_base.gaps import QuestionLogger
from pipelines.answer_processor import CallerProfile
from pipelines.conversation_memory import DEFAULT_CONTEXT_SECS
from pipelines.voice_loop import SessionProcessorFactory, VoiceLoopConfig
from voice_agent.agent.admission import SessionAdmission
from voice_agent.agent.connection import RoomConnection
from voice_agent.agent.errors import (
    SessionNotFoundError,
)
from voice_agent.agent.history import (
    SessionEntry,
    SessionHistory,
    SessionInfo,
    SessionRefusal,
)
from voice_agent.agent.lifecycle import (
    ManagedEvent,
    ManagedEventSink,
    SessionStarted,
    SessionState,
)
from voice_agent.agent.session import AgentSession
from voice_agent.agent.session_events import SessionEvents
from voice_agent.agent.session_factory import SessionFactory
from voice_agent.agent.session_processors import SessionProcessorsFor
from voice_agent.agent.session_store import SessionStore
from voice_agent.agent.slots import SessionSlots
from voice_agent.agent.transport import LiveKitEndpoint
from voice_agent.broadcast.session_channel import SessionNotices
from voice_agent.runtime import Runtime


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
        restart_delays: Seconds before each rejoin of a failed session (last repeats).
        max_restarts: Failures in a row after which a session is given up.
        healthy_after_secs: A connection that ran this long resets the failure count.
        connect_timeout_secs: A join that takes longer is a failure.
        clerk_absent_timeout_secs: A session ends once its clerk is away this long.
        events_per_session: Events kept per session.
        stop_timeout_secs: A stopping session that takes longer is cancelled.
        keep_finished: Ended sessions kept for :meth:`get` and :meth:`events`.
        connection_class: What runs one connection (tests substitute a subclass).
        session_store: Where clerks' conversations are stored and picked up.
        context_secs: A stored conversation older than this is not picked up.
        session_processors: Per clerk, what to build into their voice loop (feedback
            capture; see :func:`voice_agent.feedback.live.feedback_for_clerks`).
        notices: Connects every session to the broadcaster (``None``: no notices).
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
        restart_delays: tuple[float, ...] = (1.0, 2.0, 5.0, 10.0),
        max_restarts: int = 5,
        healthy_after_secs: float = 30.0,
        connect_timeout_secs: float = 20.0,
        clerk_absent_timeout_secs: float = 60.0,
        events_per_session: int = 200,
        stop_timeout_secs: float = 5.0,
        keep_finished: int = 50,
        connection_class: type[RoomConnection] = RoomConnection,
        session_store: SessionStore | None = None,
        context_secs: float = DEFAULT_CONTEXT_SECS,
        session_processors: SessionProcessorsFor | None = None,
        notices: SessionNotices | None = None,
    ) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        if not restart_delays:
            raise ValueError("restart_delays needs at least one delay")
        self._sessions = SessionFactory(
            runtime=runtime,
            endpoint=endpoint,
            loop_config=loop_config,
            clock=clock,
            restart_delays=restart_delays,
            max_restarts=max_restarts,
            healthy_after_secs=healthy_after_secs,
            connect_timeout_secs=connect_timeout_secs,
            clerk_absent_timeout_secs=clerk_absent_timeout_secs,
            connection_class=connection_class,
            session_store=session_store,
            context_secs=context_secs,
            session_processors=session_processors,
            notices=notices,
        )
        self._events_per_session = events_per_session
        self._history = SessionHistory(keep_finished=keep_finished)
        self._slots = SessionSlots(history=self._history, stop_timeout_secs=stop_timeout_secs)
        self._events = SessionEvents(
            slots=self._slots, on_event=on_event, question_logger=question_logger
        )
        self._admission = SessionAdmission(
            capacity=capacity, slots=self._slots, history=self._history, events=self._events
        )
        self._lock = asyncio.Lock()

    @property
    def capacity(self) -> int:
        """Sessions that may run at once."""
        return self._admission.capacity

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called: no new session starts."""
        return self._admission.closed

    @property
    def endpoint(self) -> LiveKitEndpoint:
        """The LiveKit server the sessions join."""
        return self._sessions.endpoint

    @property
    def active(self) -> int:
        """Sessions holding a slot, stopping ones included until they end.

        A new session past capacity waits for stopping ones, up to ``stop_timeout_secs``.
        """
        return len(self._slots)

    @property
    def staying(self) -> int:
        """Sessions holding a slot that are not stopping: what a new clerk competes with.

        A stopping session gives its slot up within ``stop_timeout_secs``, and :meth:`start`
        waits for that, so a worker may take a new clerk in its place at once (a clerk who
        left and came straight back).
        """
        return self._slots.staying

    def watch_slots(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` (on the loop) when :attr:`staying` may have changed.

        A session started, was told to stop, or ended: the agent worker tells LiveKit its
        load at once instead of at its next status report (every 2.5 s).
        """
        self._slots.watch(callback)

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
            existing = await self._admission.admit(room, clerk_identity)
            if existing is not None:
                return existing.info()
            entry = SessionEntry(
                session=self._new_session(room, clerk_identity, caller),
                events=deque(maxlen=self._events_per_session),
            )
            started = SessionStarted(session_id=room, clerk_identity=clerk_identity)
            entry.events.append(started)  # first in the history, before the task's events
            self._slots.occupy(entry)
        self._slots.changed()
        logger.info(
            "[{}] session started for {} ({} of {} slots)",
            room,
            clerk_identity,
            len(self._slots),
            self._admission.capacity,
        )
        await self._events.deliver(started)
        return entry.info()

    async def run(self, room: str, clerk_identity: str, caller: CallerProfile) -> SessionState:
        """Start the session in ``room`` (see :meth:`start`) and wait until it ends.

        A dispatched job lives exactly as long as this call.

        Raises:
            CapacityReachedError: ``capacity`` sessions already run.
            ShuttingDownError: :meth:`close` was called.
        """
        await self.start(room, clerk_identity, caller)
        return await self.wait(room)

    async def wait(self, room: str) -> SessionState:
        """Wait until the session in ``room`` ends; its final state.

        Raises:
            SessionNotFoundError: ``room`` has had no session recently.
        """
        entry = self._slots.live(room)
        if entry is not None and entry.task is not None:
            await asyncio.wait({entry.task})
        return self.get(room).state

    async def stop(self, room: str, *, wait: bool = True) -> SessionInfo:
        """End the session in ``room``; with ``wait=False`` return while it winds down.

        A session that does not end within ``stop_timeout_secs`` is cancelled.

        Raises:
            SessionNotFoundError: No live session in ``room``.
        """
        entry = self._slots.live(room)
        if entry is None:
            raise SessionNotFoundError(f"no session is running in room {room!r}")
        if not entry.stopping:
            logger.info("[{}] stopping session", room)
            await entry.session.stop()
            self._slots.changed()
        release = self._slots.release(entry)
        if wait:
            await release
        return entry.info()

    async def stop_all(self) -> None:
        """End every session and wait until all have."""
        rooms = self._slots.rooms()
        if rooms:
            logger.info("stopping {} session(s)", len(rooms))
        for room in rooms:
            if self._slots.live(room) is not None:
                await self.stop(room, wait=False)
        await self._slots.released()

    async def close(self) -> None:
        """Refuse new sessions from now on, then end every session (at shutdown)."""
        self._admission.close()
        await self.stop_all()

    def session_processors_for(
        self, clerk_identity: str, caller: CallerProfile
    ) -> SessionProcessorFactory | None:
        """What a session of ``clerk_identity`` builds into its voice loop (``None``: nothing)."""
        return self._sessions.processors_for(clerk_identity, caller)

    def clerk_sid(self, room: str) -> str | None:
        """The sid of the clerk's connection as the live session of ``room`` sees the room.

        ``None``: no live session here, or its agent does not see the clerk in the room.
        """
        entry = self._slots.live(room)
        return None if entry is None else entry.session.clerk_sid()

    def list(self) -> builtins.list[SessionInfo]:
        """The live sessions, by room name."""
        return [entry.info() for entry in self._slots.entries()]

    def get(self, room: str) -> SessionInfo:
        """The live or recently ended session of ``room``.

        Raises:
            SessionNotFoundError: ``room`` has had no session recently.
        """
        return self._entry(room).info()

    def events(self, room: str) -> builtins.list[ManagedEvent]:
        """The last events of the live or recently ended session of ``room``, oldest first.

        Raises:
            SessionNotFoundError: ``room`` has had no session recently.
        """
        return list(self._entry(room).events)

    def refusals(self) -> builtins.list[SessionRefusal]:
        """Recent sessions not started, oldest first."""
        return self._history.refusals()

    def _entry(self, room: str) -> SessionEntry:
        entry = self._slots.entry(room)
        if entry is None:
            raise SessionNotFoundError(f"no session in room {room!r}")
        return entry

    def _new_session(self, room: str, clerk_identity: str, caller: CallerProfile) -> AgentSession:
        return self._sessions.session(
            room,
            clerk_identity,
            caller,
            on_event=self._events.events_of(room),
            on_answer=self._events.answers_of(room),
        )
