"""Agent workers' heartbeats in the ``agent_workers`` table (revision ``0005_workers``).

Each ``voice-agent worker`` rewrites its row about twice a second: how to reach its
health endpoint, whether it is registered with LiveKit, its capacity and the clerk rooms
it runs. A worker that stops cleanly deletes its row; one that is killed leaves it
behind, going stale. The store service reads the table to tell the truth about workers
in ``/healthz`` and to notice a dead worker's rooms at once
(:class:`~voice_agent.worker.watch.WorkerWatch`).

Beats are timed by the database's clock (:meth:`SqlWorkerRegistry.clock`), both when a
worker writes one and when the store service judges how old it is, so nodes whose clocks
disagree do not make a live worker look silent or a dead one fresh.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Boolean, Column, Integer, RowMapping, Table, Text, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from voice_agent.storage.engine import Database
from voice_agent.storage.errors import StorageError
from voice_agent.storage.schema import metadata
from voice_agent.storage.timestamps import UtcDateTime

agent_workers = Table(
    "agent_workers",
    metadata,
    Column("worker_id", Text, primary_key=True),
    Column("livekit_worker_id", Text, nullable=False),
    Column("health_url", Text, nullable=False),
    Column("livekit_url", Text, nullable=False),
    Column("registered", Boolean, nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("rooms", Text, nullable=False),
    Column("seen_at", UtcDateTime, nullable=False),
)
"""One running worker process; ``rooms`` is a JSON array of clerk room names."""

_table = agent_workers


@dataclass(frozen=True, slots=True)
class WorkerBeat:
    """What a worker says about itself in one heartbeat."""

    worker_id: str
    """This process's id (stable while it runs; LiveKit's id changes on re-registration)."""
    livekit_worker_id: str
    """LiveKit's id of the worker, for logs."""
    health_url: str
    """Its health endpoint (``GET`` answers 200 while registered)."""
    livekit_url: str
    """The LiveKit node it registered with."""
    registered: bool
    """LiveKit can dispatch clerks to it right now."""
    capacity: int
    """Sessions it runs at most."""
    rooms: tuple[str, ...]
    """Clerk rooms whose sessions it runs."""
    seen_at: datetime
    """When it wrote this beat (aware), by the database's clock."""


class SqlWorkerRegistry:
    """Workers' heartbeats on either engine."""

    def __init__(self, *, database: Database) -> None:
        """Use the (upgraded) ``database``."""
        self._database = database

    def beat(self, beat: WorkerBeat) -> None:
        """Write ``beat`` as the worker's current row.

        Raises:
            StorageError: The database failed.
        """
        values = {
            "worker_id": beat.worker_id,
            "livekit_worker_id": beat.livekit_worker_id,
            "health_url": beat.health_url,
            "livekit_url": beat.livekit_url,
            "registered": beat.registered,
            "capacity": beat.capacity,
            "rooms": json.dumps(list(beat.rooms)),
            "seen_at": beat.seen_at,
        }
        dialect = postgresql if self._database.dialect == "postgresql" else sqlite
        insert = dialect.insert(_table).values(values)
        upsert = insert.on_conflict_do_update(
            index_elements=[_table.c.worker_id],
            set_={k: insert.excluded[k] for k in values if k != "worker_id"},
        )
        with self._database.transaction() as connection:
            connection.execute(upsert)

    def clock(self) -> datetime:
        """The database's time now (aware, UTC): the one clock heartbeats are timed by.

        Raises:
            StorageError: The database failed.
        """
        return self._database.now()

    def remove(self, worker_id: str) -> bool:
        """Forget a worker (it stopped, or it was found dead); whether its row was there.

        Of several store services that found the same worker dead, exactly one removes
        its row: that one puts the worker's clerks back.

        Raises:
            StorageError: The database failed.
        """
        with self._database.transaction() as connection:
            result = connection.execute(delete(_table).where(_table.c.worker_id == worker_id))
            return bool(result.rowcount)

    def workers(self) -> list[WorkerBeat]:
        """Every worker's last beat, by id.

        Raises:
            StorageError: The database failed, or a row is unreadable.
        """
        with self._database.read() as connection:
            rows = connection.execute(select(_table).order_by(_table.c.worker_id)).mappings()
            return [_beat(row) for row in rows]


def _beat(row: RowMapping) -> WorkerBeat:
    try:
        rooms = json.loads(row["rooms"])
        if not isinstance(rooms, list) or not all(isinstance(r, str) for r in rooms):
            raise ValueError(f"expected a JSON list of rooms, got {row['rooms'][:80]!r}")
    except ValueError as e:
        raise StorageError(
            f"the heartbeat of worker {row['worker_id']} is unreadable: {e}",
            code="worker_beat_unreadable",
        ) from e
    return WorkerBeat(
        worker_id=row["worker_id"],
        livekit_worker_id=row["livekit_worker_id"],
        health_url=row["health_url"],
        livekit_url=row["livekit_url"],
        registered=bool(row["registered"]),
        capacity=int(row["capacity"]),
        rooms=tuple(rooms),
        seen_at=row["seen_at"],
    )
