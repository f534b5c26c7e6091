"""What every clerk's session carries besides the answers, on ``serve`` and on worker nodes.

One place, so a node never runs sessions that lack a part the single-node service has: the
spoken feedback capture and the briefing requests ("what did I miss?"), and the session
manager built with them (:func:`store_session_manager`), which logs gap questions and
stores conversations in the database.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime

from knowledge_base.gaps import QuestionLogger
from voice_agent.agent.connection import RoomConnection
from voice_agent.agent.lifecycle import ManagedEventSink
from voice_agent.agent.manager import SessionManager
from voice_agent.agent.session_processors import SessionProcessorsFor, all_session_processors
from voice_agent.agent.transport import LiveKitEndpoint
from voice_agent.briefing.library import briefings_for_clerks
from voice_agent.broadcast.session_channel import SessionNotices
from voice_agent.feedback.desk import FeedbackDesk
from voice_agent.feedback.live import feedback_for_clerks
from voice_agent.runtime import Runtime
from voice_agent.service_settings import ServiceSettings
from voice_agent.storage.engine import Database
from voice_agent.storage.question_log import SqlQuestionLogRepository
from voice_agent.storage.sessions import SqlSessionStore


def clerk_session_processors(
    *, runtime: Runtime, database: Database, feedback: FeedbackDesk
) -> SessionProcessorsFor:
    """Per clerk, the feedback capture and the briefing-request processor of their sessions."""
    return all_session_processors(
        feedback_for_clerks(desk=feedback, runtime=runtime),
        briefings_for_clerks(
            database=database,
            knowledge=lambda: runtime.knowledge,
            output_sample_rate=runtime.loop_config.output_sample_rate,
        ),
    )


def store_session_manager(
    *,
    runtime: Runtime,
    database: Database,
    endpoint: LiveKitEndpoint,
    service: ServiceSettings,
    feedback: FeedbackDesk,
    notices: SessionNotices,
    clock: Callable[[], datetime] | None = None,
    on_event: ManagedEventSink | None = None,
    connection_class: type[RoomConnection] = RoomConnection,
) -> SessionManager:
    """The sessions of a node, tuned by ``[service]``, each with the clerk's parts.

    Gap questions are logged and conversations stored in ``database``; ``clock``,
    ``on_event`` and ``connection_class`` are :class:`SessionManager`'s.
    """
    return SessionManager(
        runtime=runtime,
        endpoint=endpoint,
        capacity=service.capacity,
        loop_config=dataclasses.replace(
            runtime.loop_config, require_addressing=service.require_addressing
        ),
        clock=clock,
        on_event=on_event,
        question_logger=QuestionLogger(repository=SqlQuestionLogRepository(database=database)),
        connection_class=connection_class,
        notices=notices,
        restart_delays=service.restart_delays,
        max_restarts=service.max_restarts,
        clerk_absent_timeout_secs=service.clerk_absent_timeout_secs,
        events_per_session=service.events_per_session,
        session_store=SqlSessionStore(database=database),
        context_secs=service.session_context_secs,
        session_processors=clerk_session_processors(
            runtime=runtime, database=database, feedback=feedback
        ),
    )
