"""A worker's heartbeat: written at once and on every change, deleted on a clean stop."""

from __future__ import annotations

import asyncio
from datetime import datetime

from voice_agent.storage import Database, SqlWorkerRegistry, WorkerBeat
from voice_agent.worker.heartbeat import WorkerHeartbeat


class Worker:
    """What the heartbeat describes: a worker whose rooms change."""

    def __init__(self) -> None:
        self.rooms: tuple[str, ...] = ()

    def beat(self, now: datetime) -> WorkerBeat:
        return WorkerBeat(
            worker_id="w1",
            livekit_worker_id="AW_1",
            health_url="http://127.0.0.1:9/",
            livekit_url="ws://127.0.0.1:7880",
            registered=True,
            capacity=2,
            rooms=self.rooms,
            seen_at=now,
        )


async def rows_become(registry: SqlWorkerRegistry, rooms: list[tuple[str, ...]]) -> None:
    for _ in range(100):
        if [b.rooms for b in registry.workers()] == rooms:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"rows are {registry.workers()}, expected rooms {rooms}")


async def test_the_beat_is_written_at_once_and_again_when_poked(database: Database) -> None:
    registry = SqlWorkerRegistry(database=database)
    worker = Worker()
    heartbeat = WorkerHeartbeat(registry=registry, describe=worker.beat, interval_secs=60)
    heartbeat.start()
    try:
        await rows_become(registry, [()])
        worker.rooms = ("store-SH-01-clerk-ana",)
        heartbeat.poke()  # long before the next 60 s beat
        await rows_become(registry, [("store-SH-01-clerk-ana",)])
    finally:
        await heartbeat.stop()
    assert registry.workers() == []  # a clean stop is no fault to report


async def test_a_failing_database_does_not_stop_the_heartbeat(database: Database) -> None:
    registry = SqlWorkerRegistry(database=database)
    heartbeat = WorkerHeartbeat(registry=registry, describe=Worker().beat, interval_secs=0.01)
    heartbeat.start()
    database.close()
    await asyncio.sleep(0.1)
    assert heartbeat._task is not None and not heartbeat._task.done()
    await heartbeat.stop()
