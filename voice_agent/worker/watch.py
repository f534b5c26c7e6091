"""The store service's view of the cluster's workers, from their heartbeats.

A front node runs no worker of its own, so it cannot see workers through LiveKit
(LiveKit 1.13 has no API that lists them). :class:`WorkerWatch` reads the workers'
heartbeats from the shared database (:mod:`voice_agent.storage.workers`) every
``interval_secs`` and

- says in ``/healthz`` how many workers are registered with LiveKit and how full they
  are, and fails while no worker can take clerks or a dead worker's clerks wait for the
  assistant;
- finds a dead worker at once: a worker whose heartbeat is late is probed at its health
  endpoint, and a refused connection (the process is gone) or ``lost_secs`` of silence
  with a probe that cannot even connect (the machine is gone) makes it dead; so does
  ``stuck_secs`` of silence while the process still accepts the probe's connection.
  Its row is deleted, and its clerk rooms go to
  :meth:`~voice_agent.worker.redispatch.Redispatcher.worker_lost`, which puts an
  assistant back in them through LiveKit's APIs. Several store services may watch one
  database: only the one whose delete removed the row moves the clerks.

A late heartbeat alone proves nothing, and a probe that only times out is not a death
before ``lost_secs``. The beats come from the loop the sessions run on, while the health
endpoint answers from the LiveKit agent server's own thread
(:mod:`voice_agent.worker.agent_server`): a loaded worker whose sessions' loop is held
for seconds stops beating but still answers, or at least accepts the connection and
answers late (on a loaded machine that thread waits for the interpreter too). Declaring it
dead would put a second assistant in its rooms, which pushes the first out once its loop
runs again; so such a worker is only *stalled* (named in ``/healthz``, which stays ok)
until ``stuck_secs``. How late is measured on the database's clock, which also timed the beats:
the nodes' own clocks do not matter.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

import httpx
from loguru import logger

from voice_agent.agent.health import CheckResult
from voice_agent.storage.errors import StorageError
from voice_agent.storage.workers import SqlWorkerRegistry, WorkerBeat
from voice_agent.worker.heartbeat import BEAT_SECS
from voice_agent.worker.redispatch import Redispatcher


class WorkerWatch:
    """Watches the workers' heartbeats (see the module docstring).

    Args:
        registry: The shared table of workers.
        redispatcher: Puts the assistant back in a dead worker's rooms.
        interval_secs: Seconds between looks at the table.
        late_secs: A heartbeat older than this gets the worker probed.
        lost_secs: A heartbeat older than this makes the worker dead unless its health
            endpoint answers.
        stuck_secs: A heartbeat older than this makes the worker dead even though its
            health endpoint answers.
        probe_timeout_secs: A health probe slower than this proves nothing.
    """

    def __init__(
        self,
        *,
        registry: SqlWorkerRegistry,
        redispatcher: Redispatcher,
        interval_secs: float = 0.25,
        late_secs: float = 2 * BEAT_SECS,
        lost_secs: float = 10.0,
        stuck_secs: float = 30.0,
        probe_timeout_secs: float = 1.0,
    ) -> None:
        self._registry = registry
        self._redispatcher = redispatcher
        self._interval = interval_secs
        self._late = late_secs
        self._lost = lost_secs
        self._stuck = stuck_secs
        self._probe_timeout = probe_timeout_secs
        self._alive: list[WorkerBeat] = []
        self._stalled: dict[str, float] = {}
        """Worker id -> seconds without a heartbeat, of live workers whose loop lags."""
        self._problem: str | None = "the workers' heartbeats were not read yet"
        self._last_death: str | None = None
        self.deaths = 0
        """Workers found dead so far."""

    async def run(self) -> None:
        """Look at the heartbeats until cancelled."""
        async with httpx.AsyncClient(timeout=self._probe_timeout) as client:
            while True:
                await self.look(client)
                await asyncio.sleep(self._interval)

    async def look(self, client: httpx.AsyncClient) -> None:
        """One look: sort the workers into alive and dead; deal with the dead."""
        try:
            now, beats = await asyncio.to_thread(self._read)
        except StorageError as e:
            if self._problem is None or not self._problem.startswith("cannot read"):
                logger.error("cannot read the workers' heartbeats ({}): {}", e.code, e)
            self._problem = f"cannot read the workers' heartbeats: {e}"
            return
        self._problem = None
        verdicts = await asyncio.gather(*(self._dead(client, b, now) for b in beats))
        dead = [(b, why) for b, why in zip(beats, verdicts, strict=True) if why is not None]
        self._alive = [b for b, why in zip(beats, verdicts, strict=True) if why is None]
        self._note_stalls(now)
        served = {room for beat in self._alive for room in beat.rooms}
        for beat, why in dead:
            try:  # claim the dead worker: of several watching services, one moves its clerks
                claimed = await asyncio.to_thread(self._registry.remove, beat.worker_id)
            except StorageError as e:
                logger.error("could not claim dead worker {} (next look): {}", beat.worker_id, e)
                continue
            if not claimed:
                logger.info(
                    "agent worker {} is dead; another store service claimed it", beat.worker_id
                )
                continue
            rooms = [room for room in beat.rooms if room not in served]
            logger.error(
                "agent worker {} ({}) is dead: {}; putting the assistant back for its {} clerk(s)",
                beat.worker_id,
                beat.livekit_worker_id,
                why,
                len(rooms),
            )
            self._redispatcher.worker_lost(rooms)
            self.deaths += 1
            self._last_death = f"worker {beat.worker_id} died ({why})"

    def _note_stalls(self, now: datetime) -> None:
        """Log a live worker's stall when it begins and ends (not on every look)."""
        stalled = {
            b.worker_id: silent
            for b in self._alive
            if (silent := (now - b.seen_at).total_seconds()) > self._lost
        }
        for worker_id in stalled.keys() - self._stalled.keys():
            logger.warning(
                "agent worker {}: no heartbeat for {:.1f} s but its process answers its health "
                "probe: its sessions' loop is held (dead after {:.0f} s)",
                worker_id,
                stalled[worker_id],
                self._stuck,
            )
        for worker_id in self._stalled.keys() - stalled.keys():
            logger.info("agent worker {} beats again", worker_id)
        self._stalled = stalled

    def _read(self) -> tuple[datetime, list[WorkerBeat]]:
        """The database's time and the workers' beats."""
        return self._registry.clock(), self._registry.workers()

    def health(self) -> CheckResult:
        """The ``agent`` check of a service whose workers run elsewhere."""
        if self._problem is not None:
            return CheckResult(ok=False, detail=self._problem)
        waiting = self._redispatcher.replacing
        if waiting:
            return CheckResult(
                ok=False,
                detail=f"{self._last_death or 'a worker died'}; {len(waiting)} clerk(s) "
                "waiting for the assistant to be back",
            )
        registered = [b for b in self._alive if b.registered]
        if not registered:
            return CheckResult(
                ok=False,
                detail="no agent worker is registered with LiveKit "
                f"({len(self._alive)} alive in the shared database, none taking clerks)",
            )
        sessions = sum(len(b.rooms) for b in registered)
        capacity = sum(b.capacity for b in registered)
        stalled = "".join(
            f"; worker {worker_id} slow (no heartbeat for {silent:.0f} s, its process answers)"
            for worker_id, silent in sorted(self._stalled.items())
        )
        return CheckResult(
            ok=True,
            detail=f"{len(registered)} agent worker(s) registered with LiveKit; "
            f"{sessions} of {capacity} sessions{stalled}",
        )

    async def _dead(self, client: httpx.AsyncClient, beat: WorkerBeat, now: datetime) -> str | None:
        """Why ``beat``'s worker is dead, or ``None`` while it may be alive."""
        silent = (now - beat.seen_at).total_seconds()
        if silent <= self._late:
            return None
        if silent > self._stuck:
            return f"no heartbeat for {silent:.1f} s"
        try:
            await client.get(beat.health_url)
        except httpx.ConnectError:
            return f"no heartbeat for {silent:.1f} s and {beat.health_url} refuses connections"
        except httpx.ConnectTimeout:  # nothing answers at that address: the machine may be gone
            if silent > self._lost:
                return f"no heartbeat for {silent:.1f} s and no answer from {beat.health_url}"
            return None
        except httpx.HTTPError:
            return None  # connected, answers late: the process lives, its loops are slow
        return None  # it answers: alive, its sessions' loop only lags
