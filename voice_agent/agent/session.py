"""One clerk's session with the assistant, from start to end: THE place a session lives.

:meth:`AgentSession.run` joins the clerk's room through a :class:`RoomConnection` and owns
everything that follows:

- **reconnect**: a connection that fails or drops (LiveKit restarted, a pipeline bug) is
  replaced after ``restart_delays[n]`` seconds (the last delay repeats);
- **give up**: after ``max_restarts`` failures in a row (a connection that ran for
  ``healthy_after_secs`` resets the count) the session ends as ``failed``;
- **end**: :meth:`AgentSession.stop`, or the clerk staying out of the room for
  ``clerk_absent_timeout_secs``.

It also owns the clerk's conversation (:class:`~pipelines.conversation_memory.ConversationMemory`:
the follow-up context, the turns so far): every connection's pipeline shares it, it is
stored after every answered turn, and a session started for the same clerk and room, on
any worker, loads it first (:class:`~voice_agent.agent.session_store.SessionStore`) unless
it is older than ``context_secs``.

Its :class:`~voice_agent.agent.lifecycle.SessionState` and lifecycle events tell where it
is. :class:`~voice_agent.agent.manager.SessionManager` only decides which sessions run
(capacity) and keeps their history.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from loguru import logger

from knowledge_base.answering import Answer, Question
from pipelines.answer_processor import AnswerListener, CallerProfile
from pipelines.conversation_memory import DEFAULT_CONTEXT_SECS, ConversationMemory
from pipelines.voice_loop import SessionProcessorFactory, VoiceLoopConfig
from voice_agent.agent.connection import RoomConnection
from voice_agent.agent.lifecycle import (
    ConversationStoreFailed,
    EndReason,
    ManagedEvent,
    SessionCrashed,
    SessionRestarted,
    SessionResumed,
    SessionState,
    SessionStopped,
    deliver,
)
from voice_agent.agent.session_store import SessionStore
from voice_agent.agent.transport import AGENT_IDENTITY, LiveKitEndpoint
from voice_agent.broadcast.session_channel import SessionNotices
from voice_agent.runtime import Runtime

__all__ = ["AGENT_IDENTITY", "AgentSession", "LiveKitEndpoint", "SessionState"]

EventListener = Callable[[ManagedEvent], Awaitable[None] | None]
_LOAD_TIMEOUT_SECS = 3.0
"""A conversation not loaded by then is left behind: the clerk is not kept waiting."""


class AgentSession:
    """The assistant in one clerk's room, rejoining after failures (see the module docstring).

    Args:
        runtime: What the process shares (models, transcriber, answerer).
        endpoint: LiveKit server and keys.
        room: The clerk's room.
        clerk_identity: The only participant whose audio is listened to.
        caller: Role, store and language of the clerk.
        config: Voice-loop tuning (``require_addressing`` on for shop floors).
        clock: "Now" for questions (tests pin it).
        on_event: Receives pipeline and lifecycle events.
        on_answer: Receives every question and answer (question mining).
        restart_delays: Seconds before each rejoin; the last one repeats.
        max_restarts: Failures in a row tolerated; one more gives the session up.
        healthy_after_secs: A connection that ran this long resets the failure count.
        connect_timeout_secs: A join that takes longer is a failure.
        clerk_absent_timeout_secs: The session ends once the clerk is away this long.
        connection_class: What runs one connection (tests substitute a subclass).
        session_store: Where the conversation is stored and picked up; ``None``: memory only.
        context_secs: A stored conversation older than this is not picked up, and a
            follow-up context older than this is not used.
        session_processors: Builds per-session processors into each connection's voice
            loop (feedback capture); ``None``: none.
        notices: Connects the session to the broadcaster (``None``: no notices).
    """

    def __init__(
        self,
        *,
        runtime: Runtime,
        endpoint: LiveKitEndpoint,
        room: str,
        clerk_identity: str,
        caller: CallerProfile,
        config: VoiceLoopConfig,
        clock: Callable[[], datetime] | None = None,
        on_event: EventListener | None = None,
        on_answer: AnswerListener | None = None,
        restart_delays: tuple[float, ...] = (0.5, 1.0, 2.0, 5.0),
        max_restarts: int = 5,
        healthy_after_secs: float = 30.0,
        connect_timeout_secs: float = 20.0,
        clerk_absent_timeout_secs: float = 60.0,
        connection_class: type[RoomConnection] = RoomConnection,
        session_store: SessionStore | None = None,
        context_secs: float = DEFAULT_CONTEXT_SECS,
        session_processors: SessionProcessorFactory | None = None,
        notices: SessionNotices | None = None,
    ) -> None:
        if not restart_delays:
            raise ValueError("restart_delays needs at least one delay")
        self.room = room
        self.clerk_identity = clerk_identity
        self.caller = caller
        self.state = SessionState.STARTING
        self.connections = 0
        """Times the agent joined the room."""
        self.restarts = 0
        """Times the session rejoined after a failure."""
        self.last_error: str | None = None
        self.memory = ConversationMemory(context_secs=context_secs)
        """The clerk's conversation, shared by every connection of the session."""
        self._runtime = runtime
        self._endpoint = endpoint
        self._config = config
        self._clock = clock
        self._on_event = on_event
        self._on_answer = on_answer
        self._restart_delays = restart_delays
        self._max_restarts = max_restarts
        self._healthy_after = healthy_after_secs
        self._connect_timeout = connect_timeout_secs
        self._absent_timeout = clerk_absent_timeout_secs
        self._connection_class = connection_class
        self._store = session_store
        self._context_secs = context_secs
        self._session_processors = session_processors
        self._notices = notices
        self._connection: RoomConnection | None = None
        self._stopping = asyncio.Event()
        self._connected = asyncio.Event()

    async def wait_connected(self, limit_secs: float) -> None:
        """Wait until the agent is in the room."""
        await asyncio.wait_for(self._connected.wait(), limit_secs)

    async def run(self) -> None:
        """Serve the room until the session ends; :attr:`state` then says how."""
        await self._resume()
        failures = 0
        reason: EndReason = "stopped"
        while not self._stopping.is_set():
            connection = self._new_connection()
            self._connection = connection
            began = time.monotonic()
            try:
                reason = await connection.run()
                break
            except asyncio.CancelledError:
                raise
            except Exception as e:  # noqa: BLE001 - a dropped server or a pipeline bug: rejoin
                self.last_error = f"{type(e).__name__}: {e}"
            finally:
                self._connection = None
                self._connected.clear()
            if self._stopping.is_set():
                break
            if time.monotonic() - began >= self._healthy_after:
                failures = 0
            failures += 1
            delay = None if failures > self._max_restarts else self._delay(failures)
            logger.warning(
                "[{}] connection failed ({} in a row: {}); {}",
                self.room,
                failures,
                self.last_error,
                "giving up" if delay is None else f"rejoining in {delay:.1f}s",
            )
            await self._emit(
                SessionCrashed(
                    session_id=self.room, error=self.last_error or "", retry_in_secs=delay
                )
            )
            if delay is None:
                self.state = SessionState.FAILED
                await self._emit(SessionStopped(session_id=self.room, reason="failed"))
                return
            self.state = SessionState.RECONNECTING
            try:
                await asyncio.wait_for(self._stopping.wait(), delay)
                break
            except TimeoutError:
                pass
            self.restarts += 1
            await self._emit(SessionRestarted(session_id=self.room, restarts=self.restarts))
        self.state = SessionState.STOPPED
        logger.info("[{}] session ended ({})", self.room, reason)
        await self._emit(SessionStopped(session_id=self.room, reason=reason))

    async def stop(self) -> None:
        """Leave the room and end the session."""
        self._stopping.set()
        if self.state not in (SessionState.STOPPED, SessionState.FAILED):
            self.state = SessionState.STOPPING
        if self._connection is not None:
            await self._connection.close()

    def clerk_sid(self) -> str | None:
        """The participant sid of the clerk in the room as the agent sees it (``None``: absent)."""
        return None if self._connection is None else self._connection.clerk_sid()

    def _delay(self, failures: int) -> float:
        return self._restart_delays[min(failures - 1, len(self._restart_delays) - 1)]

    def _new_connection(self) -> RoomConnection:
        def connected() -> None:
            self.connections += 1
            self.state = SessionState.CONNECTED
            self._connected.set()
            logger.info("[{}] agent joined (connection {})", self.room, self.connections)

        return self._connection_class(
            runtime=self._runtime,
            endpoint=self._endpoint,
            room=self.room,
            clerk_identity=self.clerk_identity,
            caller=self.caller,
            config=self._config,
            clock=self._clock,
            on_event=self._on_event,
            on_answer=self._answered,
            on_connected=connected,
            memory=self.memory,
            session_processors=self._session_processors,
            notices=self._notices,
            connect_timeout_secs=self._connect_timeout,
            clerk_absent_timeout_secs=self._absent_timeout,
        )

    async def _resume(self) -> None:
        """Pick up the clerk's stored conversation, if a recent one is stored."""
        if self._store is None:
            return
        now = datetime.now(UTC)
        since = now - timedelta(seconds=self._context_secs)
        try:
            stored = await asyncio.wait_for(
                asyncio.to_thread(
                    self._store.load, self.room, self.clerk_identity, answered_since=since
                ),
                _LOAD_TIMEOUT_SECS,
            )
        except Exception as e:  # noqa: BLE001 - a session without its past still answers
            await self._store_failed("loading", e)
            return
        if stored is None or stored.answered_at is None:
            return
        stored.context_secs = self._context_secs
        self.memory = stored
        ago = (now - stored.answered_at).total_seconds()
        logger.info(
            "[{}] picked up {}'s conversation: {} turn(s), last answer {:.0f} s ago",
            self.room,
            self.clerk_identity,
            stored.turns,
            ago,
        )
        await self._emit(
            SessionResumed(
                session_id=self.room,
                turns=stored.turns,
                follow_up=stored.follow_up is not None,
                language=stored.language,
                answered_secs_ago=round(ago, 3),
            )
        )

    async def _answered(self, question: Question, answer: Answer) -> None:
        """Store the conversation after an answered turn, then pass the answer on."""
        if self._store is not None:
            try:
                await asyncio.to_thread(
                    self._store.save, self.room, self.clerk_identity, self.memory.snapshot()
                )
            except Exception as e:  # noqa: BLE001 - an answer is never lost over storage
                await self._store_failed("storing", e)
        if self._on_answer is not None:
            await self._on_answer(question, answer)

    async def _store_failed(self, doing: str, error: Exception) -> None:
        default = "conversation_store_timeout" if isinstance(error, TimeoutError) else None
        code = getattr(error, "code", default or "conversation_store_error")
        logger.error("[{}] {} the conversation failed ({}): {}", self.room, doing, code, error)
        await self._emit(
            ConversationStoreFailed(session_id=self.room, code=str(code), message=str(error))
        )

    async def _emit(self, event: ManagedEvent) -> None:
        await deliver(self._on_event, event)
