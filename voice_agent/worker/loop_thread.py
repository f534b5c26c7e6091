"""An event loop of its own, in a thread of its own: for work the main loop must not delay."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

_T = TypeVar("_T")


class LoopThread:
    """Runs coroutines on a private event loop in a daemon thread.

    Used by the agent worker (:mod:`voice_agent.worker.agent_server`) so that LiveKit's job
    offers are answered while the main loop, where the sessions run, is busy.

    Args:
        name: The thread's name (shows in logs and thread dumps).
    """

    def __init__(self, name: str) -> None:
        self._name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        """True between :meth:`start` and :meth:`stop`."""
        return self._loop is not None

    def start(self) -> None:
        """Start the thread and its loop."""
        loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=loop.run_forever, name=self._name, daemon=True)
        self._loop = loop
        self._thread.start()

    def submit(self, coroutine: Coroutine[Any, Any, _T]) -> asyncio.Future[_T]:
        """Run ``coroutine`` on this loop; its result as a future of the calling loop.

        Raises:
            RuntimeError: Not started.
        """
        if self._loop is None:
            coroutine.close()
            raise RuntimeError(f"{self._name}: the loop is not running")
        return asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, self._loop))

    def call_soon(self, callback: Any, *args: Any) -> None:
        """Call ``callback(*args)`` on this loop (from any thread)."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(callback, *args)

    async def stop(self, timeout_secs: float = 10.0) -> None:
        """Stop the loop and wait up to ``timeout_secs`` for the thread to end."""
        loop, thread = self._loop, self._thread
        self._loop = self._thread = None
        if loop is None or thread is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        await asyncio.to_thread(thread.join, timeout_secs)
        if not thread.is_alive():
            loop.close()
