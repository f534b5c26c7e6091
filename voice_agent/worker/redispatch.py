"""Re-dispatch after a worker died: LiveKit 1.13 does not move a dead worker's jobs.

When a worker is killed, LiveKit drops its job, and its agent stays in the clerk's room
as a silent participant until the server gives up on its media connection: about 20 s
(livekit-server keeps a participant whose signalling dropped for it to resume; it is
removed only when ICE fails, 10 s + 5 s, plus a 5 s clean-up; fixed in the server's
code, not configurable). Two things bring the assistant back:

- :meth:`Redispatcher.worker_lost`: the store service's
  :class:`~voice_agent.worker.watch.WorkerWatch` found a worker dead (its heartbeat
  stopped and its health endpoint refuses connections). Each of its rooms at once: the
  dead agent is removed through LiveKit's room API and, if the clerk is there, the agent
  is dispatched again through LiveKit's dispatch API.
- :meth:`Redispatcher.assistant_left`: the webhook route saw the assistant leave a clerk
  room. After a grace period (a session that only rejoins is back by then) it looks at the
  room: if the clerk is still there and no assistant is, it dispatches the agent again.
  A short grace when the assistant left because its clerk had left (the route stopped
  the session, :meth:`Redispatcher.session_stopped`): nothing rejoins then. A clerk who
  is back already, or comes back while the room is looked at
  (:meth:`Redispatcher.clerk_joined`), is looked after within ``_OFFER_SECS``: LiveKit
  dispatches the assistant by itself when a clerk joins with a token that asks for it,
  so the room is dispatched to only if no dispatch made since got a worker.

Either way LiveKit offers the job to a worker with room to spare.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterable

from livekit import api
from loguru import logger

from voice_agent.agent.transport import AGENT_IDENTITY, LiveKitEndpoint
from voice_agent.livekit.dispatch import AGENT_NAME, dispatch_metadata
from voice_agent.livekit.earpiece import AGENT_STATE_ATTRIBUTE, LEAVING
from voice_agent.livekit.errors import RoomNameError
from voice_agent.livekit.rooms import parse_clerk_room
from voice_agent.livekit.tokens import ROLE_ATTRIBUTE

_BACK_POLL_SECS = 0.2
"""How often a replaced assistant's room is looked at until it is back."""
_OFFER_SECS = 2.0
"""How long LiveKit may take to give a dispatch to a worker; also how often a room the
assistant was dispatched to is looked at until it is there."""


def _leaving(assistant: api.ParticipantInfo) -> bool:
    """The assistant says it is leaving the room (:data:`~voice_agent.livekit.earpiece.LEAVING`)."""
    return assistant.attributes.get(AGENT_STATE_ATTRIBUTE) == LEAVING


class Redispatcher:
    """Dispatches the assistant again to clerk rooms it left unexpectedly.

    Args:
        endpoint: Any LiveKit node of the cluster, and the keys.
        grace_secs: How long the assistant may be gone before it is dispatched again.
        checks: How many times, ``grace_secs`` apart, the room is looked at before giving
            up: a clerk whose own connection is resuming is seen again on a later look.
        join_secs: After a clerk joins, how long the dispatched assistant may take to
            arrive before it is dispatched again.
    """

    def __init__(
        self,
        *,
        endpoint: LiveKitEndpoint,
        grace_secs: float = 3.0,
        checks: int = 10,
        join_secs: float = 15.0,
    ) -> None:
        self._endpoint = endpoint
        self._grace = grace_secs
        self._checks = checks
        self._join_secs = join_secs
        self._pending: dict[str, tuple[asyncio.Task[None], float]] = {}
        """Room -> its watch and when (event-loop time) it first looks."""
        self.redispatched = 0
        """Dispatches created so far."""
        self._replacing: set[str] = set()
        """Rooms of a dead worker whose assistant is not back yet."""
        self._ended: dict[str, int] = {}
        """Rooms whose session was stopped (the clerk left) -> when (Unix ns)."""

    @property
    def replacing(self) -> frozenset[str]:
        """Rooms of a dead worker still waiting for the assistant to be back."""
        return frozenset(self._replacing)

    def worker_lost(self, rooms: Iterable[str]) -> None:
        """A worker died running ``rooms``: replace its assistant in each, now."""
        loop = asyncio.get_running_loop()
        for room in rooms:
            try:
                parse_clerk_room(room)
            except RoomNameError:
                logger.warning("a dead worker listed {!r}, which is no clerk room", room)
                continue
            pending = self._pending.get(room)
            if pending is not None:
                pending[0].cancel()
            self._replacing.add(room)
            task = asyncio.create_task(self._replace(room), name=f"replace {room}")
            # Due "now": the webhooks about the removed agent cannot replace this watch.
            self._pending[room] = (task, loop.time())
            task.add_done_callback(self._forget(room))

    def session_stopped(self, room: str) -> None:
        """The session in ``room`` was stopped because its clerk left: it will not rejoin."""
        self._ended[room] = time.time_ns()

    def assistant_left(self, room: str) -> None:
        """Check ``room`` after the grace period (one check per room at a time).

        After ``_OFFER_SECS`` only if its session was stopped (:meth:`session_stopped`).
        """
        first_after = _OFFER_SECS if room in self._ended else self._grace
        self._watch(room, first_after=first_after)

    def clerk_joined(self, room: str) -> None:
        """A clerk (re)joined ``room``: have an assistant there.

        If the room's session was stopped, the room is looked at ``_OFFER_SECS`` from now
        (replacing a pending look, which may be sleeping a whole grace period); else
        :meth:`expect_assistant`.
        """
        if room in self._ended and room not in self._replacing:
            self._watch(room, first_after=_OFFER_SECS, now=True)
        else:
            self.expect_assistant(room)

    def expect_assistant(self, room: str) -> None:
        """A clerk joined: make sure an assistant is there within ``join_secs``.

        A dispatched worker that dies after taking the job but before joining leaves the
        clerk alone without any ``participant_left`` to react to.
        """
        self._watch(room, first_after=self._join_secs)

    def _watch(self, room: str, *, first_after: float, now: bool = False) -> None:
        """One watch per room; a sooner one (the assistant left) replaces a later one.

        ``now``: replace the pending watch whatever its due time (it may have looked
        already and be sleeping until its next look).
        """
        loop = asyncio.get_running_loop()
        due = loop.time() + first_after
        pending = self._pending.get(room)
        if pending is not None:
            task, pending_due = pending
            if pending_due <= due and not now:
                return
            task.cancel()
        task = asyncio.create_task(self._check(room, first_after), name=f"redispatch {room}")
        self._pending[room] = (task, due)
        task.add_done_callback(self._forget(room))

    def _forget(self, room: str) -> Callable[[asyncio.Task[None]], None]:
        def forget(done: asyncio.Task[None]) -> None:
            if self._pending.get(room, (None, 0.0))[0] is done:
                del self._pending[room]
                self._ended.pop(room, None)  # the looks are over: a later join is a new start

        return forget

    async def close(self) -> None:
        """Cancel the pending checks."""
        tasks = [task for task, _due in self._pending.values()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _client(self) -> api.LiveKitAPI:
        http_url = self._endpoint.url.replace("ws", "http", 1)
        return api.LiveKitAPI(http_url, self._endpoint.api_key, self._endpoint.api_secret)

    async def _replace(self, room: str) -> None:
        """Remove the dead worker's agent from ``room``, dispatch a new one, see it back."""
        clerk = parse_clerk_room(room)
        client = self._client()
        loop = asyncio.get_running_loop()
        try:
            with contextlib.suppress(api.TwirpError):  # gone already, or the room is
                await client.room.remove_participant(
                    api.RoomParticipantIdentity(room=room, identity=AGENT_IDENTITY)
                )
            present = await self._present(client, room)
            if clerk.identity not in present:
                logger.info("[{}] a dead worker's clerk is not in the room: nothing to do", room)
                return
            await self._dispatch(client, room, present[clerk.identity], "its worker died")
            deadline = loop.time() + self._join_secs
            while loop.time() < deadline:
                await asyncio.sleep(_BACK_POLL_SECS)
                if AGENT_IDENTITY in await self._present(client, room):
                    return
            logger.warning("[{}] the re-dispatched assistant is not back yet", room)
            self._pending.pop(room, None)
            self._watch(room, first_after=self._grace)  # the ordinary checks take over
        except Exception as e:  # noqa: BLE001 - one room's failure must not stop the others
            logger.error("[{}] could not replace the dead worker's assistant: {!r}", room, e)
        finally:
            self._replacing.discard(room)
            await client.aclose()

    async def _present(self, client: api.LiveKitAPI, room: str) -> dict[str, api.ParticipantInfo]:
        """Who is in ``room`` now, by identity (nobody when the room is gone)."""
        try:
            listed = await client.room.list_participants(api.ListParticipantsRequest(room=room))
        except api.TwirpError:
            return {}
        return {p.identity: p for p in listed.participants}

    async def _dispatch(
        self, client: api.LiveKitAPI, room: str, owner: api.ParticipantInfo, why: str
    ) -> None:
        """Dispatch the assistant to ``room`` for its ``owner``, in the role their token gave.

        A store manager in their own room is answered as a store manager again, not as a
        clerk: the role comes from the token's ``role`` attribute, which they cannot change.
        """
        clerk = parse_clerk_room(room)
        role = owner.attributes.get(ROLE_ATTRIBUTE) or "clerk"
        metadata = dispatch_metadata(identity=clerk.identity, store_id=clerk.store_id, role=role)
        await client.agent_dispatch.create_dispatch(
            api.CreateAgentDispatchRequest(agent_name=AGENT_NAME, room=room, metadata=metadata)
        )
        self.redispatched += 1
        logger.warning(
            "[{}] {} while {} is still there: dispatched the assistant again",
            room,
            why,
            clerk.identity,
        )

    async def _coming(self, client: api.LiveKitAPI, room: str, since_ns: int) -> bool:
        """A dispatch of the assistant to ``room`` made since ``since_ns`` is being served.

        Served: a worker took it (it has a job), or it is younger than ``_OFFER_SECS`` and
        may still be offered. LiveKit offers a dispatch once: one that every worker refused
        (all full, or a full worker's stale report: it reports every 2.5 s) stays without a
        job, so the room is dispatched to again. Jobs of older dispatches do not count: a
        job stays listed as running after its session ended. LiveKit's creation times are
        compared with this node's clock, so the nodes must keep NTP time.
        """
        try:
            listed = await client.agent_dispatch.list_dispatch(room_name=room)
        except api.TwirpError:
            return False
        now_ns = time.time_ns()
        return any(
            d.agent_name == AGENT_NAME
            and d.state.created_at >= since_ns
            and (d.state.jobs or now_ns - d.state.created_at < _OFFER_SECS * 1e9)
            for d in listed
        )

    async def _check(self, room: str, first_after: float) -> None:
        clerk = parse_clerk_room(room)
        client = self._client()
        # Dispatches made after the session was stopped (or after this watch began) count.
        since_ns = self._ended.get(room, time.time_ns())
        dispatched = False
        try:
            await asyncio.sleep(first_after)
            for attempt in range(self._checks):
                if attempt:  # a room dispatched to is followed closely until the assistant is in
                    await asyncio.sleep(_OFFER_SECS if dispatched else self._grace)
                present = await self._present(client, room)
                if AGENT_IDENTITY in present and not _leaving(present[AGENT_IDENTITY]):
                    return  # back already (a session that only rejoined)
                if clerk.identity not in present:
                    continue  # the clerk is away, maybe only while their connection resumes
                if await self._coming(client, room, since_ns):
                    continue
                await self._dispatch(client, room, present[clerk.identity], "the assistant left")
                dispatched = True
        except Exception as e:  # noqa: BLE001 - a failed check must not break the webhook path
            logger.error("[{}] could not re-dispatch the assistant: {!r}", room, e)
        finally:
            await client.aclose()
