"""The running service: LiveKit, the session manager and the HTTP API, up and down together.

:class:`StoreService` binds the API's socket first (so its port, and the webhook URL
LiveKit must call, are known), then starts the local ``livekit-server`` pointing its
webhooks at us (or uses a remote deployment), then serves the API with uvicorn in the
current event loop. With ``service.agent_dispatch`` (the default) the process also
registers as a LiveKit agent worker (:class:`~voice_agent.worker.agent_server.DispatchedSessions`),
so clerks get the assistant through LiveKit's dispatch; with ``service.run_worker`` off
(a front node), a :class:`~voice_agent.worker.watch.WorkerWatch` reads the workers'
heartbeats from the shared database for ``/healthz`` and puts the assistant back at once
in the rooms of a worker that died. Without agent dispatch the webhook route starts
sessions. A service that runs sessions gives the people still in their rooms when it
starts (an earlier run died under them) the assistant back at once
(:mod:`~voice_agent.service.resume`). Either way every session is connected to the
application's broadcaster
(:class:`~voice_agent.broadcast.session_channel.SessionNotices`; the broadcaster runs in the
application's lifespan and follows publications), so an urgent publication is spoken to the
clerks in its scope who are in their rooms, and to the others when they next join. A
:class:`~voice_agent.service.health.LiveKitMonitor` watches LiveKit
for ``/healthz`` and restarts the local server if it dies. :meth:`StoreService.stop` ends
the sessions first (the agent leaves the rooms), then the API, then LiveKit. Which LiveKit
it uses is configured in :mod:`~voice_agent.service.livekit_setup`; its session manager is
built as on worker nodes (:func:`~voice_agent.session_parts.store_session_manager`).

The local server dies with this process even on ``kill -9`` (``PR_SET_PDEATHSIG``), and
its pid file lets the next start stop one that was left behind anyway.

uvicorn's own signal handling is switched off (:mod:`~voice_agent.service.api_server`): the
caller (``voice-agent serve``) decides what Ctrl-C and SIGTERM do, so nothing is left running
when the process ends.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Self

from loguru import logger

from voice_agent.agent.connection import RoomConnection
from voice_agent.agent.lifecycle import ManagedEventSink
from voice_agent.agent.manager import SessionManager
from voice_agent.agent.transport import LiveKitEndpoint
from voice_agent.broadcast.session_channel import SessionNotices
from voice_agent.feedback.desk import FeedbackDesk
from voice_agent.livekit.server import LocalLiveKitServer
from voice_agent.livekit.webhooks import WebhookVerifier
from voice_agent.runtime import Runtime
from voice_agent.service.api_server import ApiServer, bind_socket
from voice_agent.service.app import create_app
from voice_agent.service.errors import ServiceError
from voice_agent.service.health import LiveKitMonitor
from voice_agent.service.livekit_setup import LocalLiveKit, local_server, remote_endpoint
from voice_agent.service.resume import resume_rooms
from voice_agent.service_settings import ServiceSettings
from voice_agent.session_parts import store_session_manager
from voice_agent.settings import LiveKitSettings
from voice_agent.storage.engine import Database
from voice_agent.storage.workers import SqlWorkerRegistry
from voice_agent.worker.agent_server import DispatchedSessions
from voice_agent.worker.redispatch import Redispatcher
from voice_agent.worker.watch import WorkerWatch

_RESUME_TIMEOUT_SECS = 15.0
"""How long the start may spend giving people left in their rooms the assistant back."""


class StoreService:
    """The store service in this process (see the module docstring).

    Args:
        runtime: Models, answerer and knowledge base, loaded once.
        database: The migrated database (question log).
        service: The ``[service]`` settings; ``port = 0`` picks a free port.
        livekit: The ``[livekit]`` settings (keys; URL of a remote deployment).
        local_livekit: Run this local server; ``None`` uses ``livekit.url``.
        clock: "Now" for questions (``--at``).
        on_event: Receives every session event.
        connection_class: What runs one connection to a room (tests only).
    """

    def __init__(
        self,
        *,
        runtime: Runtime,
        database: Database,
        service: ServiceSettings,
        livekit: LiveKitSettings,
        local_livekit: LocalLiveKit | None,
        clock: Callable[[], datetime] | None = None,
        on_event: ManagedEventSink | None = None,
        connection_class: type[RoomConnection] = RoomConnection,
    ) -> None:
        self._runtime = runtime
        self._database = database
        self._service = service
        self._livekit = livekit
        self._local = local_livekit
        self._clock = clock
        self._on_event = on_event
        self._connection_class = connection_class
        self._livekit_server: LocalLiveKitServer | None = None
        self._dispatcher: DispatchedSessions | None = None
        self._redispatcher: Redispatcher | None = None
        self._watch: WorkerWatch | None = None
        self._watch_task: asyncio.Task[None] | None = None
        self._feedback: FeedbackDesk | None = None
        self._monitor: LiveKitMonitor | None = None
        self._monitor_task: asyncio.Task[None] | None = None
        self._manager: SessionManager | None = None
        self._endpoint: LiveKitEndpoint | None = None
        self._api: ApiServer | None = None
        self._api_port = 0
        self._notices = SessionNotices()

    @property
    def manager(self) -> SessionManager:
        """The session manager (after :meth:`start`)."""
        if self._manager is None:
            raise ServiceError("the service is not started", code="not_started")
        return self._manager

    @property
    def endpoint(self) -> LiveKitEndpoint:
        """The LiveKit server clients and the agent join (after :meth:`start`)."""
        if self._endpoint is None:
            raise ServiceError("the service is not started", code="not_started")
        return self._endpoint

    @property
    def api_url(self) -> str:
        """``http://host:port`` of the HTTP API (after :meth:`start`)."""
        return f"http://{self._service.host}:{self._api_port}"

    @property
    def webhook_url(self) -> str:
        """Where LiveKit posts its webhooks."""
        if self._service.public_url:
            return self._service.webhook_url
        return f"{self.api_url}/livekit/webhook"

    @property
    def agent_dispatch(self) -> bool:
        """Clerks get the assistant through LiveKit's agent dispatch (see the settings)."""
        return self._service.agent_dispatch

    @property
    def redispatcher_count(self) -> int:
        """Times the assistant was dispatched again after leaving a clerk who stayed."""
        return self._redispatcher.redispatched if self._redispatcher else 0

    @property
    def worker_watch(self) -> WorkerWatch | None:
        """What watches the cluster's workers (a front node only, after :meth:`start`)."""
        return self._watch

    @property
    def livekit_server(self) -> LocalLiveKitServer | None:
        """The local LiveKit server this service runs, if any."""
        return self._livekit_server

    @property
    def livekit_monitor(self) -> LiveKitMonitor:
        """What watches LiveKit (after :meth:`start`)."""
        if self._monitor is None:
            raise ServiceError("the service is not started", code="not_started")
        return self._monitor

    @property
    def livekit_log(self) -> Path | None:
        """The local LiveKit server's log file, if it runs one."""
        return self._livekit_server.log_file if self._livekit_server else None

    async def start(self) -> None:
        """Bind the API, start LiveKit, the session manager and the API server.

        Raises:
            ServiceError: The API port is taken.
            LiveKitServerError: The local LiveKit server did not start.
        """
        sock = bind_socket(self._service.host, self._service.port)
        self._api_port = int(sock.getsockname()[1])
        try:
            # Follow publications and edited files while the service runs.
            await self._runtime.knowledge_holder.start()
            self._endpoint = await self._start_livekit()
            self._monitor = LiveKitMonitor(
                http_url=self._endpoint.url.replace("ws", "http", 1),
                local=self._livekit_server,
            )
            self._monitor_task = asyncio.create_task(self._monitor.run(), name="livekit-monitor")
            # One feedback desk for the HTTP API and the sessions' spoken feedback.
            self._feedback = FeedbackDesk.build(
                settings=self._runtime.settings, database=self._database
            )
            await self._feedback.prepare()  # before the first clerk, not in their session
            self._manager = store_session_manager(
                runtime=self._runtime,
                database=self._database,
                endpoint=self._endpoint,
                service=self._service,
                feedback=self._feedback,
                notices=self._notices,
                clock=self._clock,
                on_event=self._on_event,
                connection_class=self._connection_class,
            )
            if self._service.agent_dispatch:
                self._redispatcher = Redispatcher(endpoint=self._endpoint)
            if self._service.agent_dispatch and self._service.run_worker:
                self._dispatcher = DispatchedSessions(
                    manager=self._manager,
                    endpoint=self._endpoint,
                    callers=self._runtime.caller,
                    stores=lambda: frozenset(self._runtime.knowledge.stores),
                )
            elif self._redispatcher is not None:
                self._watch = WorkerWatch(
                    registry=SqlWorkerRegistry(database=self._database),
                    redispatcher=self._redispatcher,
                )
                self._watch_task = asyncio.create_task(self._watch.run(), name="worker-watch")
            app = create_app(
                settings=self._service,
                runtime=self._runtime,
                manager=self._manager,
                database=self._database,
                webhook_verifier=WebhookVerifier(
                    api_key=self._endpoint.api_key, api_secret=self._endpoint.api_secret
                ),
                livekit_monitor=self._monitor,
                agent_worker=self._dispatcher or self._watch,
                redispatcher=self._redispatcher,
                feedback_desk=self._feedback,
            )
            # Sessions speak the application's notices and quizzes (none when it serves files).
            self._notices.broadcaster = app.state.broadcaster
            self._notices.quizmaster = app.state.quizmaster
            if self._dispatcher is not None:
                await self._dispatcher.start()
            self._api = ApiServer(app, sock)
            await self._api.start()
            await self._resume_rooms(app.state.context.clerk_connections)
        except BaseException:
            sock.close()
            await self.stop()
            raise
        logger.info(
            "service ready: API {}, LiveKit {}, capacity {}",
            self.api_url,
            self._endpoint.url,
            self._service.capacity,
        )

    async def _resume_rooms(self, clerk_connections: dict[str, str]) -> None:
        """People left in their rooms by an earlier run get the assistant back now."""
        assert self._endpoint is not None and self._manager is not None
        dispatch = self._service.agent_dispatch
        if dispatch and not self._service.run_worker:
            return  # a front node: the worker watch looks after the workers' rooms
        try:
            async with asyncio.timeout(_RESUME_TIMEOUT_SECS):
                await resume_rooms(
                    self._endpoint,
                    manager=self._manager,
                    callers=self._runtime.caller,
                    stores=self._runtime.knowledge.store_regions,
                    clerk_connections=clerk_connections,
                    redispatcher=self._redispatcher,
                    start_sessions=not dispatch,
                )
        except Exception as e:  # noqa: BLE001 - they get the assistant when they rejoin
            logger.warning("could not look for people waiting in their rooms: {!r}", e)

    async def stop(self) -> None:
        """End the sessions, then the API, then the local LiveKit server (idempotent)."""
        await self._runtime.knowledge_holder.stop()
        if self._manager is not None:
            await self._manager.close()
        watch_task, self._watch_task = self._watch_task, None
        if watch_task is not None:
            watch_task.cancel()
            await asyncio.gather(watch_task, return_exceptions=True)
        redispatcher, self._redispatcher = self._redispatcher, None
        if redispatcher is not None:
            await redispatcher.close()
        dispatcher, self._dispatcher = self._dispatcher, None
        if dispatcher is not None:
            await dispatcher.stop(drain=False)  # its sessions ended just above
        api, self._api = self._api, None
        if api is not None:
            await api.stop()
        monitor_task, self._monitor_task = self._monitor_task, None
        if monitor_task is not None:
            monitor_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await monitor_task
        server, self._livekit_server = self._livekit_server, None
        if server is not None:
            await asyncio.to_thread(server.stop)
            logger.info("livekit-server stopped")

    async def _start_livekit(self) -> LiveKitEndpoint:
        if self._local is None:
            return remote_endpoint(self._livekit, self.webhook_url)
        server = local_server(self._livekit, self._local, self.webhook_url)
        self._livekit_server = server
        await asyncio.to_thread(server.start)
        return LiveKitEndpoint(url=server.url, api_key=server.api_key, api_secret=server.api_secret)

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
