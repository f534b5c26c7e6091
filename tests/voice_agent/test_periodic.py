"""A periodic step runs again and again, whatever one run hits, until cancelled."""

from __future__ import annotations

import asyncio
import contextlib

from loguru import logger

from voice_agent.periodic import run_every


async def test_a_failing_step_is_logged_and_the_next_steps_still_run() -> None:
    logged: list[str] = []
    sink = logger.add(lambda message: logged.append(str(message)), level="ERROR")
    calls = 0
    three_steps = asyncio.Event()

    async def step() -> None:
        nonlocal calls
        calls += 1
        if calls >= 3:
            three_steps.set()
        if calls == 1:
            raise RuntimeError("a half-saved file")

    task = asyncio.create_task(run_every(0.01, step, "test: looking at things"))
    try:
        await asyncio.wait_for(three_steps.wait(), 5)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        logger.remove(sink)
    assert calls >= 3
    assert any("test: looking at things failed" in line for line in logged)
    assert any("a half-saved file" in line for line in logged)


async def test_the_first_step_waits_the_interval_and_cancel_ends_the_loop() -> None:
    calls = 0

    async def step() -> None:
        nonlocal calls
        calls += 1

    task = asyncio.create_task(run_every(0.2, step, "test: counting"))
    await asyncio.sleep(0.05)
    assert calls == 0
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    assert task.cancelled()
    await asyncio.sleep(0.25)
    assert calls == 0
