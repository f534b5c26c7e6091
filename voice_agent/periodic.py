"""Run one step every N seconds in the background, surviving the step's errors."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from loguru import logger


async def run_every(seconds: float, step: Callable[[], Awaitable[object]], what: str) -> None:
    """Await ``step`` every ``seconds`` until cancelled; a step that fails is logged, not fatal.

    The first step runs after ``seconds``; the next ``seconds`` after the end of the previous
    one. One failed step (a database briefly unreachable, a half-saved file) must not stop the
    next, so its exception is logged as ``"<what> failed"`` with the traceback and the loop goes
    on. Cancelling the task ends the loop, also during a step.

    Args:
        seconds: Pause before each step.
        step: What to run each time.
        what: What the step does, for the log line (e.g. ``"quiz: looking at due questions"``).
    """
    while True:
        await asyncio.sleep(seconds)
        try:
            await step()
        except Exception:  # noqa: BLE001 - one failed step must not stop the next
            logger.exception("{} failed", what)
