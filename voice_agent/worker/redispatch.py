"""Re-dispatch after a worker died: LiveKit 1.13 does not move a dead worker's jobs.

When a worker is killed, its agent leaves the clerk's room and LiveKit drops the job; the
clerk would wait forever. The service's webhook route tells :class:`Redispatcher` each
time the assistant leaves a clerk room. After a grace period (a session that only
rejoins is back by then) it looks at the room: if the clerk is still there and no
assistant is, it asks LiveKit's dispatch API for the agent again, and LiveKit offers the
job to a worker with room to spare.
"""

from __future__ import annotations

import asyncio
import json

from livekit import api
from loguru import logger

from voice_agent.agent.connection import AGENT_IDENTITY, LiveKitEndpoint
from voice_agent.livekit.dispatch import AGENT_NAME
from voice_agent.livekit.rooms import parse_clerk_room


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

    def assistant_left(self, room: str) -> None:
        """Check ``room`` after the grace period (one check per room at a time)."""
        self._watch(room, first_after=self._grace)

    def expect_assistant(self, room: str) -> None:
        """A clerk joined: make sure an assistant is there within ``join_secs``.

        A dispatched worker that dies after taking the job but before joining leaves the
        clerk alone without any ``participant_left`` to react to.
        """
        self._watch(room, first_after=self._join_secs)

    def _watch(self, room: str, *, first_after: float) -> None:
        """One watch per room; a sooner one (the assistant left) replaces a later one."""
        loop = asyncio.get_running_loop()
        due = loop.time() + first_after
        pending = self._pending.get(room)
        if pending is not None:
            task, pending_due = pending
            if pending_due <= due:
                return
            task.cancel()
        task = asyncio.create_task(self._check(room, first_after), name=f"redispatch {room}")
        self._pending[room] = (task, due)

        def forget(done: asyncio.Task[None]) -> None:
            if self._pending.get(room, (None, 0.0))[0] is done:
                del self._pending[room]

        task.add_done_callback(forget)

    async def close(self) -> None:
        """Cancel the pending checks."""
        tasks = [task for task, _due in self._pending.values()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _check(self, room: str, first_after: float) -> None:
        clerk = parse_clerk_room(room)
        http_url = self._endpoint.url.replace("ws", "http", 1)
        client = api.LiveKitAPI(http_url, self._endpoint.api_key, self._endpoint.api_secret)
        try:
            for attempt in range(self._checks):
                await asyncio.sleep(first_after if attempt == 0 else self._grace)
                listed = await client.room.list_participants(
                    api.ListParticipantsRequest(room=room)
                )
                present = {p.identity for p in listed.participants}
                if AGENT_IDENTITY in present:
                    return  # back already (a session that only rejoined)
                if clerk.identity not in present:
                    continue  # the clerk is away, maybe only while their connection resumes
                metadata = json.dumps({"clerk": clerk.identity, "store_id": clerk.store_id})
                await client.agent_dispatch.create_dispatch(
                    api.CreateAgentDispatchRequest(
                        agent_name=AGENT_NAME, room=room, metadata=metadata
                    )
                )
                self.redispatched += 1
                logger.warning(
                    "[{}] the assistant left while {} is still there: dispatched it again",
                    room,
                    clerk.identity,
                )
                return
        except Exception as e:  # noqa: BLE001 - a failed check must not break the webhook path
            logger.error("[{}] could not re-dispatch the assistant: {!r}", room, e)
        finally:
            await client.aclose()
