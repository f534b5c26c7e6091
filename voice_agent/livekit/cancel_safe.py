"""``rtc.Room.connect`` made safe to cancel (livekit/python-sdks#784, open in livekit 1.x).

The SDK sends the FFI server its "ready for room events" request as the last step of
``connect``. A ``connect`` cancelled while it waits for the server (a session stopped as it
rejoins, a ``wait_for`` timeout) never sends it; 15 s later the FFI server gives up, reports a
panic, and the SDK answers every panic with SIGTERM to its own process: every clerk of the
node loses the assistant. Pipecat's LiveKit transport calls ``connect`` itself, so the fix
has to sit under it: :func:`install` wraps ``Room.connect`` so that a cancelled attempt still
runs to its end in the background (the handshake completes), and a room it joined is left at
once. The caller sees the cancellation as before.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from livekit import rtc
from loguru import logger

_MARK = "_voice_agent_cancel_safe"
_left: set[asyncio.Task[None]] = set()
"""Rooms being left after a cancelled join (kept so the tasks are not collected)."""


def install() -> None:
    """Wrap ``rtc.Room.connect`` once per process (later calls do nothing)."""
    if getattr(rtc.Room.connect, _MARK, False):
        return
    original: Callable[..., Awaitable[None]] = rtc.Room.connect

    async def connect(self: rtc.Room, *args: Any, **kwargs: Any) -> None:
        attempt = asyncio.ensure_future(original(self, *args, **kwargs))
        try:
            await asyncio.shield(attempt)
        except asyncio.CancelledError:
            attempt.add_done_callback(lambda done: _leave_if_joined(self, done))
            raise

    setattr(connect, _MARK, True)
    connect.__doc__ = original.__doc__
    rtc.Room.connect = connect  # type: ignore[method-assign]


def _leave_if_joined(room: rtc.Room, attempt: asyncio.Future[None]) -> None:
    if attempt.cancelled() or attempt.exception() is not None:
        return
    logger.info("[{}] a cancelled join completed; leaving the room", room.name)
    leaving = attempt.get_loop().create_task(room.disconnect())
    _left.add(leaving)
    leaving.add_done_callback(_left.discard)
