"""The worker side of agent dispatch: ``livekit-agents``' AgentServer running our sessions.

:class:`DispatchedSessions` registers with LiveKit under
:data:`~voice_agent.worker.dispatch.AGENT_NAME` (explicit dispatch), reports its load as
running sessions / capacity (so LiveKit stops offering jobs to a full worker), accepts
only clerk rooms of stores in the knowledge base, and drains on shutdown (no new jobs;
running sessions finish).

Jobs run in the thread executor: each job's thread only hands the room to the
:class:`~voice_agent.agent.manager.SessionManager`, whose sessions run on the main
event loop with the process's one set of models (which offers are taken and what a job
does: :mod:`voice_agent.worker.jobs`).

The AgentServer runs on an event loop of its own, in a thread of its own: LiveKit gives a
worker 3 s to answer a job offer, and the main loop, where every session starts, listens
and speaks, can be held longer than that on a busy node (offers then timed out and
clerks waited for the store service's checks). Offers are answered, the load is reported
and the health endpoint answers on that loop whatever the sessions do.

Many jobs at once (a dead worker's clerks, all re-dispatched together) are taken as fast
as the main loop can start their sessions: one job thread is kept warm per free slot
(livekit-agents readies at most two at a time on two cores, and a job waiting for one
is a clerk without an assistant), and the job threads run without livekit-agents' event
loop monitor (a 20 ms heartbeat and a watchdog thread per job thread, whose loop only
waits for its session; not measured separately).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Callable
from typing import Any

from livekit.agents import JobExecutorType
from livekit.agents.worker import AgentServer
from loguru import logger

from voice_agent.agent.errors import AgentError
from voice_agent.agent.health import CheckResult
from voice_agent.agent.manager import SessionManager
from voice_agent.agent.transport import LiveKitEndpoint
from voice_agent.livekit.dispatch import AGENT_NAME
from voice_agent.session_language import CallerFor
from voice_agent.worker.jobs import DispatchedJobs
from voice_agent.worker.loop_thread import LoopThread

_REGISTER_TIMEOUT_SECS = 30.0
_LINK_WATCH_SECS = 0.25
_RECONNECT_FOREVER = 1_000_000
"""AgentServer gives up after ``max_retry`` failed reconnections (16 is about 2.5 min);
a worker must outlive any LiveKit outage: it keeps trying, and health reports it."""
_THREAD_INIT_TIMEOUT_SECS = 60.0
"""Readying a job thread takes milliseconds; on a loaded machine it can take seconds,
and livekit-agents' 10 s default then throws the thread away and starts over."""
_LOOP_MONITOR_ENV = "LIVEKIT_AGENTS_LOOP_BLOCK_WARN_MS"
"""livekit-agents' switch for its per-loop block monitor; ``0`` turns it off."""
_STOP_SECS = 10.0
"""How long a stop waits for the AgentServer to finish after closing it."""


class DispatchedSessions:
    """An AgentServer whose jobs are our sessions (see the module docstring).

    Args:
        manager: Runs the sessions (and holds the capacity).
        endpoint: The LiveKit node to register with.
        callers: The profile of each session (role and store in, the store's language out).
        stores: Store ids the knowledge base knows, now (jobs for others are refused).
        drain_timeout_secs: How long a draining worker waits for running sessions.
        health_port: Port of the AgentServer's own health endpoint (``GET /`` answers 200
            while it is connected to LiveKit); 0 picks a free one.
        health_host: Address it listens on, and that its URL names: on a cluster, the
            node's address the store service can reach.
        on_sessions_changed: Called on the event loop when a session starts or ends.
    """

    def __init__(
        self,
        *,
        manager: SessionManager,
        endpoint: LiveKitEndpoint,
        callers: CallerFor,
        stores: Callable[[], frozenset[str]],
        drain_timeout_secs: int = 600,
        health_port: int = 0,
        health_host: str = "127.0.0.1",
        on_sessions_changed: Callable[[], None] | None = None,
    ) -> None:
        self._manager = manager
        self._on_sessions_changed = on_sessions_changed
        self._health_host = health_host
        self._endpoint = endpoint
        self._jobs = DispatchedJobs(manager=manager, callers=callers, stores=stores)
        self._drain_timeout = drain_timeout_secs
        self._loop: asyncio.AbstractEventLoop | None = None
        """The main loop: the sessions run there."""
        self._server_loop = LoopThread("agent-server")
        """The AgentServer's own loop."""
        self._registered = asyncio.Event()
        self._task: asyncio.Future[None] | None = None
        self._link_watch: asyncio.Task[None] | None = None
        # Job threads only wait for their session on the main loop: a monitor of their
        # loops measures nothing of ours (an operator may still turn it on).
        os.environ.setdefault(_LOOP_MONITOR_ENV, "0")
        self._server = AgentServer(
            job_executor_type=JobExecutorType.THREAD,
            load_fnc=self._load,
            load_threshold=1.0,
            # One warm job thread per free slot (the pool lowers its target as sessions
            # run); also makes AgentServer count a job as 1/capacity of the load while
            # none runs yet, instead of all of it, so an idle worker takes several at once.
            num_idle_processes=manager.capacity,
            initialize_process_timeout=_THREAD_INIT_TIMEOUT_SECS,
            drain_timeout=drain_timeout_secs,
            max_retry=_RECONNECT_FOREVER,
            ws_url=endpoint.url,
            api_key=endpoint.api_key,
            api_secret=endpoint.api_secret,
            host=health_host,
            port=health_port,
        )
        self._reports: set[asyncio.Task[None]] = set()
        manager.watch_slots(self._slots_changed)
        self._server.rtc_session(
            self._jobs.entrypoint, agent_name=AGENT_NAME, on_request=self._jobs.request
        )
        self._server.on("worker_registered", self._on_registered)

    @property
    def worker_id(self) -> str:
        """LiveKit's id of this worker (``unregistered`` before it registers)."""
        return self._server.id

    @property
    def jobs_started(self) -> int:
        """Jobs LiveKit assigned to this worker so far (each began in a job thread)."""
        return self._jobs.jobs_started

    @property
    def health_port(self) -> int:
        """Port of the AgentServer's health endpoint (once started)."""
        return self._server.worker_info.http_port

    @property
    def health_url(self) -> str:
        """URL of the AgentServer's health endpoint (once started)."""
        return f"http://{self._health_host}:{self.health_port}/"

    @property
    def accepting(self) -> bool:
        """Registered with LiveKit and not draining: clerks can be dispatched here."""
        return self._connected() and not self._server.draining

    @property
    def draining(self) -> bool:
        """True once :meth:`stop` began: no new jobs are taken."""
        return self._server.draining

    async def start(self) -> None:
        """Register with LiveKit; return once registered.

        Raises:
            AgentError: Not registered within 30 s (``code`` ``worker_not_registered``).
        """
        self._loop = self._jobs.main_loop = asyncio.get_running_loop()
        self._server_loop.start()
        self._task = self._server_loop.submit(self._server.run())
        self._link_watch = asyncio.create_task(self._watch_link(), name="agent-server link")
        registered: asyncio.Future[Any] = asyncio.ensure_future(self._registered.wait())
        done, _ = await asyncio.wait(
            {registered, self._task},
            timeout=_REGISTER_TIMEOUT_SECS,
            return_when=asyncio.FIRST_COMPLETED,
        )
        if registered not in done:
            registered.cancel()
            error = self._task.exception() if self._task.done() else None
            await self.stop(drain=False)
            raise AgentError(
                f"the agent worker did not register with LiveKit at {self._endpoint.url}"
                + (f": {error}" if error else f" within {_REGISTER_TIMEOUT_SECS:.0f} s"),
                code="worker_not_registered",
            )
        logger.info(
            "agent worker {} registered with {} as {!r}",
            self.worker_id,
            self._endpoint.url,
            AGENT_NAME,
        )

    async def stop(self, *, drain: bool = True) -> None:
        """Take no new jobs; with ``drain``, let running sessions finish first; then close."""
        if drain and self._task is not None and not self._task.done():
            with contextlib.suppress(Exception):
                await self._server_loop.submit(self._server.drain(timeout=self._drain_timeout))
        if self._link_watch is not None:
            self._link_watch.cancel()
            await asyncio.gather(self._link_watch, return_exceptions=True)
            self._link_watch = None
        if self._server_loop.running:
            with contextlib.suppress(Exception):
                await self._server_loop.submit(self._server.aclose())
        task, self._task = self._task, None
        if task is not None:
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(task, _STOP_SECS)
        await self._server_loop.stop(_STOP_SECS)

    def health(self) -> CheckResult:
        """Whether LiveKit can dispatch clerks to this worker."""
        if self._task is None or self._task.done():
            return CheckResult(ok=False, detail="the agent worker is not running")
        if self._server.draining:
            return CheckResult(ok=False, detail="the agent worker is draining")
        # AgentServer has no public "connected" state; _connecting is set while it
        # (re)connects and cleared once LiveKit has accepted its registration.
        if not self._connected():
            return CheckResult(ok=False, detail="the agent worker is not registered with LiveKit")
        manager = self._manager
        return CheckResult(
            ok=True,
            detail=f"worker {self.worker_id} registered; {manager.active} of "
            f"{manager.capacity} sessions",
        )

    async def _watch_link(self) -> None:
        """Make the AgentServer's own ``GET /`` answer 503 while LiveKit is out of reach.

        Its health check only fails once it gives up reconnecting (``max_retry``), which
        ours never does; it reads no other state than ``_connection_failed``, so that flag
        follows whether the worker is registered right now.
        """
        while True:
            self._server._connection_failed = not self._connected()
            await asyncio.sleep(_LINK_WATCH_SECS)

    def _connected(self) -> bool:
        return self._registered.is_set() and not self._server._connecting

    def _on_registered(self, *_args: object) -> None:
        """On the AgentServer's loop: tell the main loop."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._registered.set)

    def _load(self) -> float:
        """Sessions staying / capacity: at 1.0 LiveKit offers this worker no more jobs.

        Stopping sessions do not count (:attr:`SessionManager.staying`). Called from the
        AgentServer's thread; it only reads the sessions.
        """
        return min(1.0, self._manager.staying / self._manager.capacity)

    def _slots_changed(self) -> None:
        """On the main loop: a session started, is stopping or ended."""
        task = asyncio.create_task(self._report_load(), name="report load")
        self._reports.add(task)
        task.add_done_callback(self._reports.discard)

    async def _report_load(self) -> None:
        """Tell LiveKit this worker's load at once (it would otherwise wait up to 2.5 s).

        AgentServer has no public call for this. LiveKit routes a job to the node whose
        workers report the most room and does not retry elsewhere when that worker turns
        out to be full, so a stale load loses clerks at the edge of capacity.
        """
        if self._on_sessions_changed is not None:
            self._on_sessions_changed()
        server = self._server

        async def report() -> None:
            await server._refresh_worker_load()
            await server._update_worker_status()

        if self._server_loop.running:
            with contextlib.suppress(Exception):
                await self._server_loop.submit(report())
