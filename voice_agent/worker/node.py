"""A worker node: sessions for the clerks LiveKit dispatches to it, nothing else.

:class:`WorkerNode` is what ``voice-agent worker`` runs on each machine of a cluster: the
shared models (:class:`~voice_agent.runtime.Runtime`), a
:class:`~voice_agent.agent.manager.SessionManager` with this node's capacity, and the
agent worker that registers with a LiveKit node (any node of the cluster: they share
Redis). Answers are logged, spoken feedback is captured and stored, and briefing requests
("what did I miss?") are answered, from the configured database like in ``voice-agent
serve``. With the runtime serving the published versions of that database, the node
follows every publication and has its own broadcaster (shared: it speaks urgent notices to,
and records the deliveries of, the sessions it runs) and quizmaster (it quizzes the clerks
of its sessions once they acknowledged). It runs no briefings, but its tick closes those
whose ``serve`` node died (:class:`~voice_agent.briefing.recovery.BriefingRecovery`). Its
heartbeat there
(:class:`~voice_agent.worker.heartbeat.WorkerHeartbeat`) tells the store service it is
alive and which clerk rooms it runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from contextlib import AsyncExitStack
from datetime import datetime, timedelta
from types import TracebackType
from typing import Self

from voice_agent.agent.health import CheckResult
from voice_agent.agent.transport import LiveKitEndpoint
from voice_agent.briefing.closing import BriefingStores
from voice_agent.briefing.recovery import BriefingRecovery
from voice_agent.broadcast.session_channel import SessionNotices
from voice_agent.broadcast.wiring import running, runtime_broadcaster, runtime_quizmaster
from voice_agent.feedback.alert_voice import ManagersHearAlerts
from voice_agent.feedback.desk import FeedbackDesk
from voice_agent.runtime import Runtime
from voice_agent.service_settings import ServiceSettings
from voice_agent.session_parts import store_session_manager
from voice_agent.storage.engine import Database
from voice_agent.storage.workers import SqlWorkerRegistry, WorkerBeat
from voice_agent.worker.agent_server import DispatchedSessions
from voice_agent.worker.heartbeat import WorkerHeartbeat


class WorkerNode:
    """Sessions dispatched by LiveKit to this process (see the module docstring).

    Args:
        runtime: Models, answerer and knowledge base, loaded once.
        database: Where gap questions, conversations and feedback are stored.
        endpoint: The LiveKit node to register with, and the keys.
        service: Capacity, restart and timeout settings of sessions.
        drain_timeout_secs: How long :meth:`stop` lets running sessions finish.
        health_port: Port of the worker's health endpoint (0: a free one).
        health_host: Address of the health endpoint (one the store service can reach).
    """

    def __init__(
        self,
        *,
        runtime: Runtime,
        database: Database,
        endpoint: LiveKitEndpoint,
        service: ServiceSettings,
        drain_timeout_secs: int = 600,
        health_port: int = 0,
        health_host: str = "127.0.0.1",
    ) -> None:
        self.worker_id = uuid.uuid4().hex[:12]
        """This process's id in the workers' table."""
        self._endpoint = endpoint
        self._runtime = runtime
        self._running = AsyncExitStack()
        self.feedback = FeedbackDesk.build(settings=runtime.settings, database=database)
        self.notices = SessionNotices(
            broadcaster=runtime_broadcaster(runtime, database, shared=True, node=self.worker_id),
            quizmaster=runtime_quizmaster(runtime, database),
        )
        if self.notices.broadcaster is not None:
            # Alerts raised by feedback this node captured are spoken to the managers
            # connected to this node (as serve does for its own sessions).
            self.feedback.alerter.speaker = ManagersHearAlerts(self.notices.broadcaster)
        self.manager = store_session_manager(
            runtime=runtime,
            database=database,
            endpoint=endpoint,
            service=service,
            feedback=self.feedback,
            notices=self.notices,
        )
        self.dispatcher = DispatchedSessions(
            manager=self.manager,
            endpoint=endpoint,
            callers=runtime.caller,
            stores=lambda: frozenset(runtime.knowledge.stores),
            drain_timeout_secs=drain_timeout_secs,
            health_port=health_port,
            health_host=health_host,
            on_sessions_changed=self._sessions_changed,
        )
        self.briefings = BriefingRecovery(
            stores=BriefingStores.of(database),
            knowledge=lambda: runtime.knowledge,
            node=self.worker_id,
            shared=True,
            stale_after=timedelta(seconds=runtime.settings.broadcast.presence_stale_secs),
            running_here=frozenset,
        )
        """Closes briefings whose node died (this node runs none)."""
        self.heartbeat = WorkerHeartbeat(
            registry=SqlWorkerRegistry(database=database), describe=self._beat
        )

    async def start(self) -> None:
        """Follow publications, run broadcaster and quizmaster, train the classifier, register.

        The feedback classifier is trained before registering with LiveKit, off the loop (see
        :meth:`DispatchedSessions.start` for the registration).
        """
        runtime = self._runtime
        await runtime.knowledge_holder.start()
        self._running.push_async_callback(runtime.knowledge_holder.stop)
        broadcaster = self.notices.broadcaster
        if broadcaster is not None:
            tick_secs = runtime.settings.broadcast.tick_secs
            await self._running.enter_async_context(
                running(
                    broadcaster,
                    subscribe=runtime.on_publication,
                    tick_secs=tick_secs,
                    quizmaster=self.notices.quizmaster,
                )
            )
        recovering = asyncio.create_task(
            self.briefings.run(runtime.settings.broadcast.tick_secs), name="briefing recovery"
        )
        self._running.push_async_callback(_cancel, recovering)
        await self.feedback.prepare()
        await self.dispatcher.start()
        self.heartbeat.start()

    async def stop(self, *, drain: bool = True) -> None:
        """Take no new clerks; with ``drain`` let running sessions finish; then close."""
        if not drain:
            await self.manager.close()
        await self.dispatcher.stop(drain=drain)
        await self.manager.close()
        await self.heartbeat.stop()
        await self._running.aclose()
        await self.feedback.sink.drain()

    def health(self) -> CheckResult:
        """Whether LiveKit can dispatch clerks here."""
        return self.dispatcher.health()

    def _sessions_changed(self) -> None:
        self.heartbeat.poke()

    def _beat(self, now: datetime) -> WorkerBeat:
        return WorkerBeat(
            worker_id=self.worker_id,
            livekit_worker_id=self.dispatcher.worker_id,
            health_url=self.dispatcher.health_url,
            livekit_url=self._endpoint.url,
            registered=self.dispatcher.accepting,
            capacity=self.manager.capacity,
            rooms=tuple(info.room for info in self.manager.list()),
            seen_at=now,
        )

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop(drain=False)


async def _cancel(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
