"""A test still running shortly before pytest-timeout fails it says where it is stuck.

pytest-timeout (``timeout`` in pyproject.toml) fails a stuck test with the stack of each
thread, but a test stuck in an ``await`` shows there only as the event loop waiting in
``select``. Shortly before the limit, this plugin prints every thread's stack and the stack
of every task of the session's event loop (where each coroutine awaits), into the test's
captured output, which its failure report shows.
"""

from __future__ import annotations

import asyncio
import faulthandler
import sys
import threading
from collections.abc import Iterator

import pytest

_SECS_BEFORE_THE_LIMIT = 30.0


@pytest.fixture(scope="session", autouse=True)
async def _session_loop() -> asyncio.AbstractEventLoop:
    """The event loop the async tests and fixtures run on (``asyncio_*_loop_scope``)."""
    return asyncio.get_running_loop()


@pytest.fixture(autouse=True)
def _where_stuck(
    request: pytest.FixtureRequest, _session_loop: asyncio.AbstractEventLoop
) -> Iterator[None]:
    limit = _timeout_secs(request)
    if limit <= 0:
        yield
        return
    after = max(limit - _SECS_BEFORE_THE_LIMIT, limit * 0.9)
    timer = threading.Timer(after, _dump, args=(request.node.nodeid, after, _session_loop))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def _timeout_secs(request: pytest.FixtureRequest) -> float:
    marker = request.node.get_closest_marker("timeout")
    if marker is not None and marker.args:
        return float(marker.args[0])
    configured = request.config.getini("timeout")
    return float(configured) if configured else 0.0


def _dump(nodeid: str, secs: float, loop: asyncio.AbstractEventLoop) -> None:
    sys.stderr.write(f"\n+++ {nodeid} still running after {secs:.0f} s: every thread +++\n")
    sys.stderr.flush()
    faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
    try:
        loop.call_soon_threadsafe(_dump_tasks, nodeid, loop)
    except RuntimeError:  # the loop is closed
        sys.stderr.write("+++ the session's event loop is closed +++\n")


def _dump_tasks(nodeid: str, loop: asyncio.AbstractEventLoop) -> None:
    tasks = asyncio.all_tasks(loop)
    lines = [f"\n+++ {nodeid}: {len(tasks)} task(s) of the session's event loop +++"]
    for task in tasks:
        lines.append(f"{task!r}"[:400])
        lines.append("  awaiting (outermost first):")
        lines.extend(_await_chain(task.get_coro()))
    sys.stderr.write("\n".join(lines) + "\n")
    sys.stderr.flush()


def _await_chain(awaitable: object) -> list[str]:
    """Where each coroutine of a task's chain is, down to the innermost one.

    ``Task.print_stack`` shows only the task's own coroutine, not the ones it awaits.
    """
    lines: list[str] = []
    while awaitable is not None:
        frame = getattr(awaitable, "cr_frame", None) or getattr(awaitable, "gi_frame", None)
        if frame is None:  # a future (its iterator says nothing more) or a C awaitable
            break
        code = frame.f_code
        lines.append(f'  File "{code.co_filename}", line {frame.f_lineno}, in {code.co_name}')
        awaitable = getattr(awaitable, "cr_await", None) or getattr(awaitable, "gi_yieldfrom", None)
    return lines
