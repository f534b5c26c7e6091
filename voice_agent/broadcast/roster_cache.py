"""The stored roster, read again only when a new one was loaded (by any process)."""

from __future__ import annotations

import asyncio

from knowledge_base.rosters import Roster
from voice_agent.storage import Database, SqlRosterRepository


class StoredRoster:
    """The roster in the database, cached by its load."""

    def __init__(self, *, database: Database) -> None:
        """Read from ``database`` (upgraded)."""
        self._repository = SqlRosterRepository(database=database)
        self._roster: Roster | None = None
        self._load_id: int | None = None

    async def current(self) -> Roster:
        """The roster loaded now (empty when none was loaded)."""
        load = await asyncio.to_thread(self._repository.current)
        load_id = load.id if load else None
        if self._roster is None or load_id != self._load_id:
            self._roster = await asyncio.to_thread(self._repository.load) or Roster(())
            self._load_id = load_id
        return self._roster
