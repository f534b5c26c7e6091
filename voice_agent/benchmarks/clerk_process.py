"""Simulated clerks in a process of their own, ahead of the node under test.

On a floor the earpieces and the LiveKit server are other machines. In a benchmark they
share the cores with the node; in the node's process their WebRTC and real-time pacing took
the event loop the sessions are measured on, and starved at normal priority they sent a
clerk's speech late and in pieces. So ``bench livekit`` and ``bench cluster`` run their
clerks through :func:`run_in_clerk_process`, at :data:`ENVIRONMENT_NICE`, and raise the
LiveKit servers to the same priority with :func:`ahead_of_the_node`.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import psutil
from loguru import logger

ENVIRONMENT_NICE = -10
"""Scheduling priority of what stands in for other machines (the clerks, the LiveKit server)."""
CLERKS_PER_PROCESS = 5
"""Most simulated clerks one process keeps in real time on this machine: at 10 in one
process the clerks sent 7-100% of real time, second by second (docs/BENCHMARKS.md,
"Ten clerks")."""


async def run_in_clerk_process(work: Callable[..., Any], *args: Any) -> Any:
    """``work(*args)`` in a fresh child process at :data:`ENVIRONMENT_NICE`; its result.

    ``work`` must be a module-level function and its arguments and result picklable. The
    child ends when the benchmark process does (also on ``kill -9``).
    """
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
        return await asyncio.get_running_loop().run_in_executor(pool, _as_clerk_process, work, args)


async def run_spread_over_clerk_processes(
    work: Callable[..., list[Any]], first: Any, items: list[Any], *rest: Any
) -> list[Any]:
    """``work(first, chunk, *rest)`` per chunk of ``items``, each in a clerk process of its own.

    Chunks hold at most :data:`CLERKS_PER_PROCESS` items and all run at once (each as
    :func:`run_in_clerk_process`); the results are joined in the order of ``items``.
    """
    chunks = [
        items[start : start + CLERKS_PER_PROCESS]
        for start in range(0, len(items), CLERKS_PER_PROCESS)
    ]
    results = await asyncio.gather(
        *(run_in_clerk_process(work, first, chunk, *rest) for chunk in chunks)
    )
    return [result for chunk_results in results for result in chunk_results]


def ahead_of_the_node(pid: int | None = None) -> None:
    """Run a process (default: this one) at :data:`ENVIRONMENT_NICE`, ahead of the node.

    Needs the right to raise priority (root or CAP_SYS_NICE); without it the process keeps
    its priority and a warning says so.
    """
    try:
        psutil.Process(pid).nice(ENVIRONMENT_NICE)
    except psutil.AccessDenied:
        logger.warning("cannot raise the priority of process {}: it shares the cores", pid)


def _as_clerk_process(work: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    _exit_with_parent()
    ahead_of_the_node()
    return work(*args)


def _exit_with_parent() -> None:
    """End this child process when the benchmark that started it is killed."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="exit with parent", daemon=True).start()
