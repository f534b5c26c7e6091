"""One background polling loop, shared by both knowledge holders."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from loguru import logger

from voice_agent.periodic import run_every
from voice_agent.storage.errors import StorageError


class Poller:
    """Runs ``poll`` every ``interval_secs`` in a background task until stopped.

    A poll that fails is logged and the next one runs as planned: whatever one poll hit
    (a half-saved file, a database that is briefly unreachable), the watch goes on.
    """

    def __init__(
        self, *, poll: Callable[[], Awaitable[object]], interval_secs: float, name: str
    ) -> None:
        """Create a stopped poller.

        Args:
            poll: What to run each time.
            interval_secs: Seconds between the end of one poll and the start of the next.
            name: The task's name, also used in log lines.
        """
        if interval_secs <= 0:
            raise ValueError("poll_interval_secs must be positive")
        self._poll = poll
        self._interval = interval_secs
        self._name = name
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        """Whether the background task runs."""
        return self._task is not None

    def start(self) -> None:
        """Start polling (no-op when already running)."""
        if self._task is None:
            self._task = asyncio.create_task(
                run_every(self._interval, self._poll_once, f"{self._name}: poll"), name=self._name
            )

    async def stop(self) -> None:
        """Stop polling and wait for the task to end."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _poll_once(self) -> None:
        try:
            await self._poll()
        except StorageError as e:  # expected while a database restarts: no traceback
            logger.warning("{}: cannot reach storage: {}", self._name, e)
