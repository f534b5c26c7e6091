"""How well the node's event loop kept up during a benchmark round, and why not.

At 10 clerks over LiveKit the node's loop fell seconds behind and the sessions heard their
clerks in pieces; the cause was the loop's thread waiting for a CPU, not audio going
missing (docs/BENCHMARKS.md, "Ten clerks"). :class:`LoopWatch` records both sides for a
round: how late the loop ran a timer (it sleeps :data:`TICK_SECS` and measures the
overshoot) and, on Linux, how long the loop's thread ran and how long it waited to run.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from pathlib import Path
from typing import Any

from voice_agent.benchmarks.stats import summary

TICK_SECS = 0.05
"""Sleep whose overshoot is one lateness sample."""


def thread_schedule_secs(native_id: int | None = None) -> tuple[float, float] | None:
    """Seconds a thread of this process has run and has waited runnable for a CPU.

    ``None`` where the kernel does not report it (``/proc/self/task/<id>/schedstat``).
    Default: the calling thread.
    """
    tid = threading.get_native_id() if native_id is None else native_id
    try:
        ran_ns, waited_ns, _slices = Path(f"/proc/self/task/{tid}/schedstat").read_text().split()
    except (OSError, ValueError):
        return None
    return int(ran_ns) / 1e9, int(waited_ns) / 1e9


class LoopWatch:
    """Measures the running loop between :meth:`start` and :meth:`stop` (same loop)."""

    def __init__(self) -> None:
        self._late: list[float] = []
        self._task: asyncio.Task[None] | None = None
        self._thread = threading.get_native_id()
        self._schedule_before: tuple[float, float] | None = None

    def start(self) -> None:
        """Begin sampling the running loop and its thread."""
        self._thread = threading.get_native_id()
        self._schedule_before = thread_schedule_secs(self._thread)
        self._task = asyncio.get_running_loop().create_task(self._tick())

    async def stop(self) -> dict[str, Any]:
        """Stop sampling; the loop's lateness (ms) and its thread's run and wait seconds."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        late = summary([round(1000 * secs, 1) for secs in self._late])
        after = thread_schedule_secs(self._thread)
        before = self._schedule_before
        ran = waited = None
        if before is not None and after is not None:
            ran, waited = round(after[0] - before[0], 2), round(after[1] - before[1], 2)
        return {"late_ms": late, "thread_ran_secs": ran, "thread_waited_secs": waited}

    async def _tick(self) -> None:
        while True:
            started = time.monotonic()
            await asyncio.sleep(TICK_SECS)
            self._late.append(max(0.0, time.monotonic() - started - TICK_SECS))
