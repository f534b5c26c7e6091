"""A worker's heartbeat in the shared database: alive, registered, and its clerk rooms.

:class:`WorkerHeartbeat` writes the worker's row of ``agent_workers``
(:class:`~voice_agent.storage.workers.SqlWorkerRegistry`) every ``interval_secs`` and at
once when its sessions change (:meth:`WorkerHeartbeat.poke`), so the rooms a killed
worker leaves behind are known to the store service within a beat. A clean stop deletes
the row. A beat is timed by the database's clock, not this node's
(:meth:`~voice_agent.storage.workers.SqlWorkerRegistry.clock`). A failing database is
logged once per outage and never stops the worker.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import datetime

from loguru import logger

from voice_agent.storage.errors import StorageError
from voice_agent.storage.workers import SqlWorkerRegistry, WorkerBeat

BEAT_SECS = 0.5
"""Seconds between beats: the store service calls a worker silent after two missed."""


class WorkerHeartbeat:
    """Writes this worker's beat until stopped (see the module docstring).

    Args:
        registry: The shared table of workers.
        describe: This worker's beat as of the given moment (the database's time).
        interval_secs: Seconds between beats.
    """

    def __init__(
        self,
        *,
        registry: SqlWorkerRegistry,
        describe: Callable[[datetime], WorkerBeat],
        interval_secs: float = BEAT_SECS,
    ) -> None:
        self._registry = registry
        self._describe = describe
        self._interval = interval_secs
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._failing = False
        self._worker_id: str | None = None

    def start(self) -> None:
        """Begin beating (the first beat is written at once)."""
        self._task = asyncio.create_task(self._run(), name="worker heartbeat")

    def poke(self) -> None:
        """Write a beat now (the worker's sessions changed)."""
        self._wake.set()

    async def stop(self) -> None:
        """Stop beating and delete the row: a worker that stops cleanly is not a fault."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        if self._worker_id is not None:
            with contextlib.suppress(StorageError):
                await asyncio.to_thread(self._registry.remove, self._worker_id)

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            await self._beat()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._interval)

    async def _beat(self) -> None:
        try:
            now = await asyncio.to_thread(self._registry.clock)
            beat = self._describe(now)
            self._worker_id = beat.worker_id
            await asyncio.to_thread(self._registry.beat, beat)
        except StorageError as e:
            if not self._failing:
                logger.error("worker heartbeat not stored ({}): {}", e.code, e)
            self._failing = True
            return
        if self._failing:
            logger.info("worker heartbeat stored again")
        self._failing = False
