"""Workers' heartbeats on both engines: one row per worker, rewritten, removed."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from voice_agent.storage import Database, SqlWorkerRegistry, StorageError, WorkerBeat
from voice_agent.storage.workers import agent_workers

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
BEAT = WorkerBeat(
    worker_id="w1",
    livekit_worker_id="AW_abc",
    health_url="http://10.0.0.2:8081/",
    livekit_url="ws://10.0.0.2:7880",
    registered=True,
    capacity=8,
    rooms=("store-SH-01-clerk-ana", "store-SH-01-clerk-bo"),
    seen_at=T0,
)


@pytest.fixture
def registry(database: Database) -> SqlWorkerRegistry:
    return SqlWorkerRegistry(database=database)


def test_a_beat_comes_back_whole(registry: SqlWorkerRegistry) -> None:
    registry.beat(BEAT)
    assert registry.workers() == [BEAT]


def test_the_next_beat_replaces_the_worker_s_row(registry: SqlWorkerRegistry) -> None:
    registry.beat(BEAT)
    later = replace(BEAT, rooms=(), registered=False, seen_at=T0 + timedelta(seconds=1))
    registry.beat(later)
    registry.beat(replace(BEAT, worker_id="w2"))
    assert registry.workers() == [later, replace(BEAT, worker_id="w2")]


def test_a_removed_worker_is_gone(registry: SqlWorkerRegistry) -> None:
    registry.beat(BEAT)
    assert registry.remove("w1")
    assert not registry.remove("never-there")
    assert not registry.remove("w1")  # a second remover finds nothing: it did not claim it
    assert registry.workers() == []


def test_an_unreadable_row_is_a_storage_error_naming_the_worker(
    registry: SqlWorkerRegistry, database: Database
) -> None:
    registry.beat(BEAT)
    with database.transaction() as connection:
        connection.execute(update(agent_workers).values(rooms='{"not": "a list"}'))
    with pytest.raises(StorageError, match="worker w1") as caught:
        registry.workers()
    assert caught.value.code == "worker_beat_unreadable"


def test_the_database_clock_is_aware_utc_and_finer_than_a_second(
    registry: SqlWorkerRegistry,
) -> None:
    # Heartbeats are written and judged by this clock, never a node's own. The test
    # database runs on this machine, so it agrees with this process's clock.
    first = registry.clock()
    time.sleep(0.05)
    second = registry.clock()
    assert first.utcoffset() == timedelta(0)
    assert abs((first - datetime.now(UTC)).total_seconds()) < 5
    assert timedelta(milliseconds=40) <= second - first < timedelta(seconds=5)
