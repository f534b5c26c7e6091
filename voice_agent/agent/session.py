"""One clerk's session with the assistant, from start to end: THE place a session lives.

:meth:`AgentSession.run` joins the clerk's room through a :class:`RoomConnection` and owns
everything that follows:

- **reconnect**: a connection that fails or drops (LiveKit restarted, a pipeline bug) is
  replaced after ``restart_delays[n]`` seconds (the last delay repeats);
- **give up**: after ``max_restarts`` failures in a row (a connection that ran for
  ``healthy_after_secs`` resets the count) the session ends as ``failed``;
- **end**: :meth:`AgentSession.stop`, or the clerk staying out of the room for
  ``clerk_absent_timeout_secs``.

Its :class:`~voice_agent.agent.lifecycle.SessionState` and lifecycle events tell where it
is. :class:`~voice_agent.service.sessions.SessionManager` only decides which sessions run
(capacity) and keeps their history.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import datetime

from loguru import logger

from pipelines.answer_processor import AnswerListener, CallerProfile
from pipelines.voice_loop import VoiceLoopConfig
from voice_agent.agent.connection import (
    AGENT_IDENTITY,
    LiveKitEndpoint,
    RoomConnection,
)
from voice_agent.agent.lifecycle import (
    EndReason,
    ManagedEvent,
    SessionCrashed,
    SessionRestarted,
    SessionState,
    SessionStopped,
)
from voice_agent.runtime import Runtime

__all__ = ["AGENT_IDENTITY", "AgentSession", "LiveKitEndpoint", "SessionState"]

EventListener = Callable[[ManagedEvent], Awaitable[None] | None]


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
        self._connection: RoomConnection | None = None
        self._stopping = asyncio.Event()
        self._connected = asyncio.Event()

    async def wait_connected(self, limit_secs: float) -> None:
        """Wait until the agent is in the room."""
        await asyncio.wait_for(self._connected.wait(), limit_secs)

    async def run(self) -> None:
        """Serve the room until the session ends; :attr:`state` then says how."""
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
            on_answer=self._on_answer,
            on_connected=connected,
            connect_timeout_secs=self._connect_timeout,
            clerk_absent_timeout_secs=self._absent_timeout,
        )

    async def _emit(self, event: ManagedEvent) -> None:
        if self._on_event is None:
            return
        try:
            result = self._on_event(event)
            if result is not None:
                await result
        except Exception as e:  # noqa: BLE001 - an observer must not break a session
            logger.opt(exception=e).warning("[{}] event observer failed", self.room)
