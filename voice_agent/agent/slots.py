"""The slots of one process's sessions: which session holds one, and freeing it at the end.

:class:`SessionSlots` keeps each live session's :class:`~voice_agent.agent.history.SessionEntry`
by room. A session told to stop keeps its slot until its task ends, at most
``stop_timeout_secs`` (then the task is cancelled and given as long again); an ended session
moves to the :class:`~voice_agent.agent.history.SessionHistory`. Watchers hear of every
change that may free or take a slot.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

from loguru import logger

from voice_agent.agent.history import SessionEntry, SessionHistory


class SessionSlots:
    """The live sessions by room, and the recently ended ones.

    Args:
        history: Where ended sessions go.
        stop_timeout_secs: A stopping session that takes longer is cancelled.
    """

    def __init__(self, *, history: SessionHistory, stop_timeout_secs: float) -> None:
        self._history = history
        self._stop_timeout = stop_timeout_secs
        self._live: dict[str, SessionEntry] = {}
        self._releases: set[asyncio.Task[None]] = set()
        self._watchers: list[Callable[[], None]] = []

    def __len__(self) -> int:
        """Sessions holding a slot, stopping ones included until they end."""
        return len(self._live)

    @property
    def staying(self) -> int:
        """Sessions holding a slot that are not stopping."""
        entries = list(self._live.values())  # a snapshot: the agent server's thread reads this
        return sum(1 for entry in entries if not entry.stopping)

    def rooms(self) -> list[str]:
        """The rooms of the live sessions, sorted."""
        return sorted(self._live)

    def entries(self) -> list[SessionEntry]:
        """The live sessions, by room name."""
        return [self._live[room] for room in sorted(self._live)]

    def live(self, room: str) -> SessionEntry | None:
        """The live session of ``room``, if any."""
        return self._live.get(room)

    def entry(self, room: str) -> SessionEntry | None:
        """The live or recently ended session of ``room``, if any."""
        return self._live.get(room) or self._history.get(room)

    def occupy(self, entry: SessionEntry) -> None:
        """Run ``entry``'s session in its room's slot until it ends, then free the slot.

        The room's ended session, if kept, is forgotten.
        """
        self._history.forget(entry.room)
        self._live[entry.room] = entry
        entry.task = asyncio.create_task(self._run(entry), name=f"session {entry.room}")

    def watch(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` whenever :attr:`staying` may have changed."""
        self._watchers.append(callback)

    def changed(self) -> None:
        """Tell the watchers that :attr:`staying` may have changed."""
        for callback in self._watchers:
            callback()

    async def free_stopping(self) -> None:
        """Wait until every stopping session has given its slot up."""
        stopping = [entry for entry in self._live.values() if entry.stopping]
        await asyncio.gather(*(self.free(entry) for entry in stopping))

    def release(self, entry: SessionEntry) -> asyncio.Task[None]:
        """Free ``entry``'s slot in the background (see :meth:`free`); the task doing it."""
        task = asyncio.create_task(self.free(entry), name=f"stop {entry.room}")
        self._releases.add(task)
        task.add_done_callback(self._releases.discard)
        return task

    async def released(self) -> None:
        """Wait for every release under way."""
        if self._releases:
            await asyncio.gather(*self._releases, return_exceptions=True)

    async def _run(self, entry: SessionEntry) -> None:
        try:
            await entry.session.run()
        finally:
            entry.ended_at = datetime.now(UTC)
            self.retire(entry)
            logger.info("[{}] session {}", entry.room, entry.session.state.value)

    async def free(self, entry: SessionEntry) -> None:
        """Wait for the entry's task to end; cancel it after the stop timeout.

        A task still running a stop timeout after it was cancelled (something under it
        swallows the cancellation) is left behind: its slot is freed all the same, so one
        stuck session cannot hold a node's shutdown or a clerk's next session forever.
        """
        task = entry.task
        if task is None or task.done():
            self.retire(entry)
            return
        _done, pending = await asyncio.wait({task}, timeout=self._stop_timeout)
        if pending:
            logger.warning(
                "[{}] session did not end within {:.0f}s; cancelling it",
                entry.room,
                self._stop_timeout,
            )
            task.cancel()
            _done, pending = await asyncio.wait({task}, timeout=self._stop_timeout)
        if pending:
            logger.error(
                "[{}] session still running {:.0f}s after it was cancelled; its slot is freed "
                "and the task left behind",
                entry.room,
                self._stop_timeout,
            )
        elif not task.cancelled() and task.exception() is not None:
            logger.opt(exception=task.exception()).error("[{}] session task failed", entry.room)
        self.retire(entry)

    def retire(self, entry: SessionEntry) -> None:
        """Free the slot of an ended session and keep it in the history."""
        if self._live.get(entry.room) is entry:
            del self._live[entry.room]
        self._history.ended(entry)
        self.changed()
