"""The clerks' process of the benchmarks: its result, its errors, and its end in time."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import psutil
import pytest

from voice_agent.benchmarks.clerk_process import ClerkProcessError, run_in_clerk_process


def _add(a: int, b: int) -> int:
    return a + b


def _fail(message: str) -> None:
    raise ValueError(message)


def _die() -> None:
    os._exit(3)


def _deaf_to_sigterm(pid_file: Path) -> None:
    """Sleep past any deadline, ignoring SIGTERM (as a child stuck in native code may)."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    pid_file.write_text(str(os.getpid()), encoding="utf-8")
    time.sleep(600)


async def test_the_childs_result_and_exception_come_back() -> None:
    assert await run_in_clerk_process(_add, 2, 3) == 5
    with pytest.raises(ValueError, match="no notice"):
        await run_in_clerk_process(_fail, "no notice")


async def test_a_child_exiting_without_a_result_is_an_error() -> None:
    with pytest.raises(ClerkProcessError, match="code 3"):
        await run_in_clerk_process(_die)


async def test_a_child_past_its_deadline_is_ended_even_if_it_ignores_sigterm(
    tmp_path: Path,
) -> None:
    pid_file = tmp_path / "pid"
    began = time.monotonic()
    with pytest.raises(TimeoutError):
        await run_in_clerk_process(_deaf_to_sigterm, pid_file, within_secs=3.0)
    took = time.monotonic() - began
    assert took < 3.0 + 5.0 + 3.0, took  # the deadline, SIGTERM's grace, then SIGKILL
    assert not psutil.pid_exists(int(pid_file.read_text(encoding="utf-8")))
