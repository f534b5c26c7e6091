"""The jobs LiveKit dispatches to this worker: which offers it takes, and what a job does.

:class:`DispatchedJobs` accepts an offer only for a clerk room of a store in the knowledge
base while a slot is free. An accepted job runs in a job thread and only hands the room to
the :class:`~voice_agent.agent.manager.SessionManager`, whose sessions run on the main event
loop; the job ends with ``ctx.shutdown()`` when the session ends, and a job that LiveKit
terminates stops its session. The Pipecat transport joins the room with its own agent token
(it cannot adopt the job's connection), so a job never calls ``ctx.connect()``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Callable

from livekit.agents import JobContext, JobRequest
from loguru import logger

from knowledge_base.answering import Role
from voice_agent.agent.errors import AgentError
from voice_agent.agent.manager import SessionManager
from voice_agent.livekit.dispatch import dispatched_role
from voice_agent.livekit.errors import RoomNameError
from voice_agent.livekit.roles import OWN_ROOM_ROLES
from voice_agent.livekit.rooms import parse_clerk_room
from voice_agent.session_language import CallerFor

_SESSION_ROLES = {role.value: Role(role.value) for role in OWN_ROOM_ROLES}
"""Roles a dispatched job may name; the session answers in that role."""
_NEVER_CONNECTS_WARNING = "The room connection was not established within"


class JobNeverConnectsFilter(logging.Filter):
    """Drops LiveKit's warning that a job never called ``ctx.connect()``: ours never does.

    LiveKit logs it for every job still running 10 s after it began, which says nothing but
    misleads whoever reads the log (the session's own connection is logged by the session).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """False for that warning, True for everything else."""
        return not record.getMessage().startswith(_NEVER_CONNECTS_WARNING)


def quiet_never_connects_warning() -> None:
    """Install :class:`JobNeverConnectsFilter` on LiveKit's agents logger (once)."""
    agents = logging.getLogger("livekit.agents")
    if not any(isinstance(f, JobNeverConnectsFilter) for f in agents.filters):
        agents.addFilter(JobNeverConnectsFilter())


class DispatchedJobs:
    """Offers and jobs of one worker (see the module docstring).

    Args:
        manager: Runs the sessions (and holds the capacity).
        callers: The profile of each session (role and store in, the store's language out).
        stores: Store ids the knowledge base knows, now (jobs for others are refused).
    """

    def __init__(
        self,
        *,
        manager: SessionManager,
        callers: CallerFor,
        stores: Callable[[], frozenset[str]],
    ) -> None:
        self._manager = manager
        self._callers = callers
        self._stores = stores
        quiet_never_connects_warning()
        self.main_loop: asyncio.AbstractEventLoop | None = None
        """The loop the sessions run on; set before the first job."""
        self._jobs_started = itertools.count()
        self.jobs_started = 0
        """Jobs LiveKit assigned to this worker so far (each began in a job thread)."""

    async def request(self, request: JobRequest) -> None:
        """On the AgentServer's loop: accept or refuse a job offer (it only reads state)."""
        room = request.room.name
        why_not = self._refusal(room)
        if why_not is not None:
            logger.warning("[{}] dispatch refused: {}", room, why_not)
            await request.reject()
            return
        await request.accept(name="Promo assistant")

    def _refusal(self, room: str) -> str | None:
        try:
            clerk = parse_clerk_room(room)
        except RoomNameError:
            return "not a clerk room"
        if clerk.store_id not in self._stores():
            return f"store {clerk.store_id} is not in the knowledge base"
        if self._manager.staying >= self._manager.capacity:
            return "this worker is at capacity"
        return None

    async def entrypoint(self, ctx: JobContext) -> None:
        """In the job's thread: run the room's session on the main loop until it ends."""
        assert self.main_loop is not None
        self.jobs_started = next(self._jobs_started) + 1  # job threads run at once
        room = ctx.job.room.name
        clerk = parse_clerk_room(room)
        # A store or regional manager's own room answers them in their role (escalations
        # and feedback alerts are spoken there too).
        role = _SESSION_ROLES.get(dispatched_role(ctx.job.metadata), Role.CLERK)
        caller = self._callers(role, clerk.store_id)
        logger.info("[{}] dispatched here for {} ({})", room, clerk.identity, role.value)
        main = self.main_loop
        over = False  # this job's session ended (or never started): the room may be another's

        async def stop_session(_reason: str = "") -> None:
            if over:
                return  # stopping now would end the session of a later job in the room
            future = asyncio.run_coroutine_threadsafe(self._stop(room), main)
            await asyncio.wrap_future(future)

        ctx.add_shutdown_callback(stop_session)
        future = asyncio.run_coroutine_threadsafe(
            self._manager.run(room, clerk.identity, caller), main
        )
        try:
            state = await asyncio.wrap_future(future)
        except AgentError as e:
            over = True
            logger.warning("[{}] dispatched session not started: {}", room, e.message)
            ctx.shutdown(reason=e.code)
            return
        over = True
        ctx.shutdown(reason=f"session {state.value}")

    async def _stop(self, room: str) -> None:
        with contextlib.suppress(AgentError):
            await self._manager.stop(room)
