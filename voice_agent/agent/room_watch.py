"""What one room connection knows of its room (joined, link up, clerk present), and when it ends.

:class:`RoomWatch` is told of each change by the connection's transport events and wakes
:meth:`RoomWatch.verdict`, which sleeps until the next deadline of
:func:`~voice_agent.agent.watchdog.watch_step` and returns why the connection must end.
"""

from __future__ import annotations

import asyncio
import contextlib
import time

from livekit import rtc
from loguru import logger

from voice_agent.agent.watchdog import WatchVerdict, watch_step

RESUME_GRACE_SECS = 0.0
"""How long the SDK may try to resume a dropped link before we rejoin from scratch.

After LiveKit restarts, what the SDK's own reconnection leaves of the pipeline (tracks,
subscriptions) is not something to rely on; a fresh join always works and costs well under
a second, so the link's first loss ends the connection."""


class RoomWatch:
    """One connection's view of its room, from the moment joining begins.

    Args:
        room: The clerk's room (for the log).
        connect_timeout_secs: A join that takes longer fails (``NOT_JOINED``).
        clerk_absent_timeout_secs: The connection ends once the clerk has been out of the
            room this long, from joining or from the clerk leaving (``CLERK_ABSENT``).
    """

    def __init__(
        self, *, room: str, connect_timeout_secs: float, clerk_absent_timeout_secs: float
    ) -> None:
        self.room = room
        self.connect_timeout_secs = connect_timeout_secs
        self.clerk_absent_timeout_secs = clerk_absent_timeout_secs
        self._connected = False
        self._closing = False
        self._replaced = False
        self._clerk_absent_since: float | None = time.monotonic()
        self._link_down_since: float | None = None
        self._following_link = False
        self._changed = asyncio.Event()

    @property
    def connected(self) -> bool:
        """The agent has been in the room (it stays so while the SDK resumes a lost link)."""
        return self._connected

    @property
    def closing(self) -> bool:
        """The connection is ending: nothing is watched any more."""
        return self._closing

    @property
    def replaced(self) -> bool:
        """LiveKit put the agent out because another session joined with its identity."""
        return self._replaced

    def joined(self) -> None:
        """The agent is in the room, its link up."""
        self._connected = True
        self._link_down_since = None
        self._changed.set()

    def clerk_here(self) -> None:
        """The clerk is in the room."""
        self._clerk_absent_since = None
        self._changed.set()

    def clerk_gone(self) -> None:
        """The clerk left the room: the absence timeout starts now."""
        self._clerk_absent_since = time.monotonic()
        self._changed.set()

    def close(self) -> None:
        """The connection ends: :meth:`verdict` returns ``None``."""
        self._closing = True
        self._changed.set()

    def follow_link(self, room: rtc.Room) -> None:
        """Note when the SDK starts and ends its own reconnection attempts in ``room``."""
        if self._following_link:
            return
        self._following_link = True

        def reconnecting() -> None:
            if self._link_down_since is None:
                self._link_down_since = time.monotonic()
                self._changed.set()
                logger.info("[{}] link to LiveKit lost; the SDK tries to resume", self.room)

        def reconnected() -> None:
            self._link_down_since = None
            self._changed.set()

        def disconnected(reason: int) -> None:
            if reason == rtc.DisconnectReason.DUPLICATE_IDENTITY:
                self._replaced = True

        room.on("reconnecting", reconnecting)
        room.on("reconnected", reconnected)
        room.on("disconnected", disconnected)

    async def verdict(self) -> WatchVerdict | None:
        """Why the connection must end, once it must (``None``: it was closed first).

        Sleeps until the next deadline or until the state changes; a connected session with
        its clerk present does not wake at all.
        """
        began = time.monotonic()
        while not self._closing:
            self._changed.clear()
            step = watch_step(
                now=time.monotonic(),
                began=began,
                connected=self._connected,
                link_down_since=self._link_down_since,
                clerk_absent_since=self._clerk_absent_since,
                connect_timeout_secs=self.connect_timeout_secs,
                resume_grace_secs=RESUME_GRACE_SECS,
                absent_timeout_secs=self.clerk_absent_timeout_secs,
            )
            if step.verdict is not None:
                return step.verdict
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), step.wait_secs)
        return None
