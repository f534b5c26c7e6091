"""The store service's watch over workers: alive, late, dead; and what ``/healthz`` says.

Real heartbeats in the real database (both engines), a real HTTP endpoint for a live
worker's health and a closed port for a dead one. The redispatcher is a small fake that
records the rooms handed to it instead of calling LiveKit (the cluster test does that).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from voice_agent.agent.transport import LiveKitEndpoint
from voice_agent.livekit.server_ports import pick_free_port
from voice_agent.storage import Database, SqlWorkerRegistry, WorkerBeat
from voice_agent.worker.redispatch import Redispatcher
from voice_agent.worker.watch import WorkerWatch

ENDPOINT = LiveKitEndpoint(url="ws://127.0.0.1:9", api_key="k", api_secret="s" * 32)


class RecordingRedispatcher(Redispatcher):
    """Records the dead workers' rooms; ``waiting`` stands for rooms not served yet."""

    def __init__(self) -> None:
        super().__init__(endpoint=ENDPOINT)
        self.lost: list[list[str]] = []
        self.waiting: set[str] = set()

    def worker_lost(self, rooms: Iterable[str]) -> None:
        self.lost.append(list(rooms))

    @property
    def replacing(self) -> frozenset[str]:
        return frozenset(self.waiting)


@pytest.fixture
async def mute_health_url() -> AsyncIterator[str]:
    """A health endpoint that accepts connections and never answers."""
    held: list[asyncio.StreamWriter] = []

    async def hold(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield f"http://127.0.0.1:{port}/"
        for writer in held:
            writer.close()


@pytest.fixture
async def live_health_url() -> AsyncIterator[str]:
    """A health endpoint that answers 200, as a live worker's does."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield f"http://127.0.0.1:{port}/"


def beat(worker_id: str, health_url: str, *, silent_secs: float, **fields: object) -> WorkerBeat:
    base = WorkerBeat(
        worker_id=worker_id,
        livekit_worker_id=f"AW_{worker_id}",
        health_url=health_url,
        livekit_url="ws://127.0.0.1:7880",
        registered=True,
        capacity=4,
        rooms=(),
        seen_at=datetime.now(UTC) - timedelta(seconds=silent_secs),
    )
    return replace(base, **fields)  # type: ignore[arg-type]


@pytest.fixture
def registry(database: Database) -> SqlWorkerRegistry:
    return SqlWorkerRegistry(database=database)


@pytest.fixture
def redispatcher() -> RecordingRedispatcher:
    return RecordingRedispatcher()


@pytest.fixture
def watch(registry: SqlWorkerRegistry, redispatcher: RecordingRedispatcher) -> WorkerWatch:
    return WorkerWatch(
        registry=registry, redispatcher=redispatcher, late_secs=5, lost_secs=30, stuck_secs=60
    )


async def look(watch: WorkerWatch) -> None:
    async with httpx.AsyncClient(timeout=1.0) as client:
        await watch.look(client)


DEAD_URL = f"http://127.0.0.1:{pick_free_port()}/"
"""Nothing listens here: a killed worker's health endpoint."""


async def test_workers_with_fresh_heartbeats_are_counted_in_health(
    watch: WorkerWatch, registry: SqlWorkerRegistry
) -> None:
    registry.beat(beat("w1", DEAD_URL, silent_secs=0.1, rooms=("store-SH-01-clerk-ana",)))
    registry.beat(beat("w2", DEAD_URL, silent_secs=0.2, capacity=6))
    await look(watch)
    health = watch.health()
    assert health.ok
    assert health.detail == "2 agent worker(s) registered with LiveKit; 1 of 10 sessions"


async def test_a_late_worker_whose_health_endpoint_refuses_is_dead_and_its_clerks_handed_over(
    watch: WorkerWatch, registry: SqlWorkerRegistry, redispatcher: RecordingRedispatcher
) -> None:
    rooms = ("store-SH-01-clerk-ana", "store-SH-01-clerk-bo")
    registry.beat(beat("w1", DEAD_URL, silent_secs=6.0, rooms=rooms))
    await look(watch)
    assert redispatcher.lost == [list(rooms)]
    assert registry.workers() == []
    assert watch.deaths == 1


async def test_of_two_services_watching_one_database_one_hands_a_dead_worker_s_clerks_over(
    registry: SqlWorkerRegistry, watch: WorkerWatch, redispatcher: RecordingRedispatcher
) -> None:
    other_redispatcher = RecordingRedispatcher()
    other = WorkerWatch(
        registry=registry, redispatcher=other_redispatcher, late_secs=5, lost_secs=30
    )
    registry.beat(beat("w1", DEAD_URL, silent_secs=6.0, rooms=("store-SH-01-clerk-ana",)))
    await asyncio.gather(look(watch), look(other))
    assert redispatcher.lost + other_redispatcher.lost == [["store-SH-01-clerk-ana"]]
    assert watch.deaths + other.deaths == 1


async def test_a_late_worker_that_still_answers_is_alive(
    watch: WorkerWatch,
    registry: SqlWorkerRegistry,
    redispatcher: RecordingRedispatcher,
    live_health_url: str,
) -> None:
    registry.beat(beat("w1", live_health_url, silent_secs=8.0, rooms=("store-SH-01-clerk-ana",)))
    await look(watch)
    assert redispatcher.lost == []
    assert [b.worker_id for b in registry.workers()] == ["w1"]
    assert watch.health().ok


async def test_a_worker_silent_past_lost_secs_that_still_answers_is_stalled_not_dead(
    watch: WorkerWatch,
    registry: SqlWorkerRegistry,
    redispatcher: RecordingRedispatcher,
    live_health_url: str,
) -> None:
    # Its sessions' loop is held (the beats stop); the agent server's thread still answers.
    registry.beat(beat("w1", live_health_url, silent_secs=40.0, rooms=("store-SH-01-clerk-ana",)))
    await look(watch)
    assert redispatcher.lost == []
    assert watch.deaths == 0
    health = watch.health()
    assert health.ok
    assert health.detail.endswith("; worker w1 slow (no heartbeat for 40 s, its process answers)")
    registry.beat(beat("w1", live_health_url, silent_secs=0.1, rooms=("store-SH-01-clerk-ana",)))
    await look(watch)
    assert watch.health().detail == "1 agent worker(s) registered with LiveKit; 1 of 4 sessions"


async def test_a_worker_whose_endpoint_accepts_but_answers_late_is_stalled_until_stuck_secs(
    watch: WorkerWatch,
    registry: SqlWorkerRegistry,
    redispatcher: RecordingRedispatcher,
    mute_health_url: str,
) -> None:
    # The process lives (the connection is accepted) but its loops are slow to answer.
    registry.beat(beat("w1", mute_health_url, silent_secs=31.0, rooms=("store-SH-01-clerk-ana",)))
    await look(watch)
    assert redispatcher.lost == []
    assert "worker w1 slow (no heartbeat for 31 s" in watch.health().detail
    registry.beat(beat("w1", mute_health_url, silent_secs=61.0, rooms=("store-SH-01-clerk-ana",)))
    await look(watch)
    assert redispatcher.lost == [["store-SH-01-clerk-ana"]]


async def test_a_worker_silent_past_stuck_secs_is_dead_whatever_its_endpoint_says(
    watch: WorkerWatch,
    registry: SqlWorkerRegistry,
    redispatcher: RecordingRedispatcher,
    live_health_url: str,
) -> None:
    registry.beat(beat("w1", live_health_url, silent_secs=61.0, rooms=("store-SH-01-clerk-ana",)))
    await look(watch)
    assert redispatcher.lost == [["store-SH-01-clerk-ana"]]


async def test_a_room_a_live_worker_serves_now_is_not_handed_over(
    watch: WorkerWatch, registry: SqlWorkerRegistry, redispatcher: RecordingRedispatcher
) -> None:
    moved = "store-SH-01-clerk-ana"
    registry.beat(beat("old", DEAD_URL, silent_secs=32.0, rooms=(moved, "store-SH-01-clerk-bo")))
    registry.beat(beat("new", DEAD_URL, silent_secs=0.1, rooms=(moved,)))
    await look(watch)
    assert redispatcher.lost == [["store-SH-01-clerk-bo"]]


async def test_health_fails_while_a_dead_worker_s_clerks_wait_for_the_assistant(
    watch: WorkerWatch, registry: SqlWorkerRegistry, redispatcher: RecordingRedispatcher
) -> None:
    registry.beat(beat("w1", DEAD_URL, silent_secs=6.0, rooms=("store-SH-01-clerk-ana",)))
    registry.beat(beat("w2", DEAD_URL, silent_secs=0.1))
    await look(watch)
    redispatcher.waiting = {"store-SH-01-clerk-ana"}
    health = watch.health()
    assert not health.ok
    assert health.detail.startswith("worker w1 died (no heartbeat for ")
    assert "refuses connections" in health.detail
    assert health.detail.endswith("1 clerk(s) waiting for the assistant to be back")
    redispatcher.waiting = set()
    assert watch.health().ok


async def test_health_fails_without_a_registered_worker(
    watch: WorkerWatch, registry: SqlWorkerRegistry
) -> None:
    assert not watch.health().ok  # not looked yet
    await look(watch)
    assert watch.health().detail.startswith("no agent worker is registered with LiveKit (0 alive")
    registry.beat(beat("w1", DEAD_URL, silent_secs=0.1, registered=False))  # draining
    await look(watch)
    assert not watch.health().ok
    assert "1 alive in the shared database, none taking clerks" in watch.health().detail


async def test_health_fails_while_the_heartbeats_cannot_be_read(
    watch: WorkerWatch, database: Database
) -> None:
    database.close()
    await look(watch)
    health = watch.health()
    assert not health.ok
    assert health.detail.startswith("cannot read the workers' heartbeats")
