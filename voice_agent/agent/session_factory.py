"""How each agent session of a process is built: the shared parts and the tuning it gets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from pipelines.answer_processor import AnswerListener, CallerProfile
from pipelines.voice_loop import SessionProcessorFactory, VoiceLoopConfig
from voice_agent.agent.connection import RoomConnection
from voice_agent.agent.session import AgentSession, EventListener
from voice_agent.agent.session_processors import SessionProcessorsFor
from voice_agent.agent.session_store import SessionStore
from voice_agent.agent.transport import LiveKitEndpoint
from voice_agent.broadcast.session_channel import SessionNotices
from voice_agent.runtime import Runtime


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionFactory:
    """Builds the :class:`AgentSession` of one clerk room; every session gets the same parts.

    The fields are those of :class:`~voice_agent.agent.manager.SessionManager` of the same names.
    """

    runtime: Runtime
    endpoint: LiveKitEndpoint
    loop_config: VoiceLoopConfig
    clock: Callable[[], datetime] | None
    restart_delays: tuple[float, ...]
    max_restarts: int
    healthy_after_secs: float
    connect_timeout_secs: float
    clerk_absent_timeout_secs: float
    connection_class: type[RoomConnection]
    session_store: SessionStore | None
    context_secs: float
    session_processors: SessionProcessorsFor | None
    notices: SessionNotices | None

    def processors_for(
        self, clerk_identity: str, caller: CallerProfile
    ) -> SessionProcessorFactory | None:
        """What a session of ``clerk_identity`` builds into its voice loop (``None``: nothing)."""
        if self.session_processors is None:
            return None
        return self.session_processors(clerk_identity, caller)

    def session(
        self,
        room: str,
        clerk_identity: str,
        caller: CallerProfile,
        *,
        on_event: EventListener,
        on_answer: AnswerListener,
    ) -> AgentSession:
        """A new session for ``clerk_identity`` in ``room``, reporting to the listeners given."""
        return AgentSession(
            runtime=self.runtime,
            endpoint=self.endpoint,
            room=room,
            clerk_identity=clerk_identity,
            caller=caller,
            config=self.loop_config,
            clock=self.clock,
            on_event=on_event,
            on_answer=on_answer,
            restart_delays=self.restart_delays,
            max_restarts=self.max_restarts,
            healthy_after_secs=self.healthy_after_secs,
            connect_timeout_secs=self.connect_timeout_secs,
            clerk_absent_timeout_secs=self.clerk_absent_timeout_secs,
            connection_class=self.connection_class,
            session_store=self.session_store,
            context_secs=self.context_secs,
            session_processors=self.processors_for(clerk_identity, caller),
            notices=self.notices,
        )
