"""Simulated clerks in a process of their own, ahead of the node under test.

On a floor the earpieces and the LiveKit server are other machines. In a benchmark they
share the cores with the node; in the node's process their WebRTC and real-time pacing took
the event loop the sessions are measured on, and starved at normal priority they sent a
clerk's speech late and in pieces. So ``bench livekit`` and ``bench cluster`` run their
clerks through :func:`run_in_clerk_process`, at :data:`ENVIRONMENT_NICE`, and raise the
LiveKit servers to the same priority with :func:`ahead_of_the_node`.

Given ``within_secs``, the child must report by then; a child still running then, or not
exiting :data:`EXIT_GRACE_SECS` after its result, is terminated, then killed
(:func:`end_process`): a benchmark's teardown cannot hang on its clerks.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, Literal

import psutil
from loguru import logger

ENVIRONMENT_NICE = -10
"""Scheduling priority of what stands in for other machines (the clerks, the LiveKit server)."""
EXIT_GRACE_SECS = 5.0
"""How long a clerks' process is given to exit at each step (exit, SIGTERM, SIGKILL)."""
CLERKS_PER_PROCESS = 5
"""Most simulated clerks one process keeps in real time on this machine: at 10 in one
process the clerks sent 7-100% of real time, second by second (docs/BENCHMARKS.md,
"Ten clerks")."""


async def run_in_clerk_process(
    work: Callable[..., Any], *args: Any, within_secs: float | None = None
) -> Any:
    """``work(*args)`` in a fresh child process at :data:`ENVIRONMENT_NICE`; its result.

    ``work`` must be a module-level function and its arguments and result picklable; what
    it raises is raised here. The child ends when the benchmark process does (also on
    ``kill -9``), and is ended (:func:`end_process`) once its result is in or given up on.

    Raises:
        TimeoutError: No result within ``within_secs`` (the child was ended).
        ClerkProcessError: The child exited without a result.
    """
    spawn = multiprocessing.get_context("spawn")
    receiving, sending = spawn.Pipe(duplex=False)
    process = spawn.Process(target=_as_clerk_process, args=(work, args, sending), name="clerks")
    process.start()
    sending.close()  # the child holds the only sending end: its exit is the pipe's end
    reported = False
    try:
        succeeded, value = await asyncio.wait_for(_result(receiving, process), within_secs)
        reported = True
    finally:
        ended = await asyncio.to_thread(end_process, process, EXIT_GRACE_SECS, exiting=reported)
        if ended != "exited":
            logger.warning("the clerks' process (pid {}) had to be {}", process.pid, ended)
        receiving.close()
    if not succeeded:
        raise value
    return value


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


class ClerkProcessError(RuntimeError):
    """The clerks' process ended without a result (crashed, or was killed)."""


def end_process(
    process: BaseProcess, grace_secs: float, *, exiting: bool = True
) -> Literal["exited", "terminated", "killed", "lingering"]:
    """Give ``process`` ``grace_secs`` to exit (if ``exiting``), then SIGTERM it, then SIGKILL it.

    Returns how it ended (``lingering``: not even SIGKILL ended it within the grace).
    """
    process.join(grace_secs if exiting else 0)
    if not process.is_alive():
        return "exited"
    process.terminate()
    process.join(grace_secs)
    if not process.is_alive():
        return "terminated"
    process.kill()
    process.join(grace_secs)
    return "killed" if not process.is_alive() else "lingering"


async def _result(receiving: Connection, process: BaseProcess) -> tuple[bool, Any]:
    """``(True, result)`` or ``(False, exception)`` as the child sent it."""
    # Readable also once the child exited without sending (polled: a pipe has no event).
    while not receiving.poll():  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    try:
        return await asyncio.to_thread(receiving.recv)  # type: ignore[no-any-return]
    except EOFError:
        process.join(EXIT_GRACE_SECS)
        raise ClerkProcessError(
            f"the clerks' process exited (code {process.exitcode}) without a result"
        ) from None


def _as_clerk_process(work: Callable[..., Any], args: tuple[Any, ...], sending: Connection) -> None:
    _exit_with_parent()
    ahead_of_the_node()
    try:
        outcome: tuple[bool, Any] = (True, work(*args))
    except BaseException as e:  # noqa: BLE001 - raised again in the parent
        outcome = (False, e)
    try:
        sending.send(outcome)
    except Exception as e:  # noqa: BLE001 - an unpicklable result or exception
        sending.send((False, ClerkProcessError(f"the clerks' result could not be sent: {e!r}")))
    finally:
        sending.close()


def _exit_with_parent() -> None:
    """End this child process when the benchmark that started it is killed."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="exit with parent", daemon=True).start()
