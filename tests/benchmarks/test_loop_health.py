"""The benchmarks' watch on the node's event loop (voice_agent.benchmarks.loop_health)."""

from __future__ import annotations

import asyncio
import sys
import time

import pytest

from voice_agent.benchmarks.loop_health import LoopWatch, thread_schedule_secs


async def test_a_loop_held_up_by_blocking_work_is_reported_late_by_at_least_the_hold_up() -> None:
    watch = LoopWatch()
    watch.start()
    await asyncio.sleep(0.2)  # a few samples while the loop is free
    time.sleep(0.5)  # noqa: ASYNC251 - on purpose: the loop can run nothing for 0.5 s
    await asyncio.sleep(0.1)

    report = await watch.stop()

    late = report["late_ms"]
    assert late["n"] >= 2
    assert late["max"] >= 400  # the tick that spanned the hold-up; a lower bound, not a timing
    if sys.platform == "linux":
        assert report["thread_ran_secs"] >= 0.0 and report["thread_waited_secs"] >= 0.0


async def test_stopping_a_watch_that_never_ticked_reports_no_samples() -> None:
    watch = LoopWatch()
    watch.start()
    report = await watch.stop()
    assert report["late_ms"]["n"] == 0 and report["late_ms"]["p95"] is None


@pytest.mark.skipif(sys.platform != "linux", reason="schedstat is Linux's")
def test_a_thread_that_computed_has_run_time_to_show() -> None:
    before = thread_schedule_secs()
    assert before is not None
    deadline = time.process_time() + 0.05
    while time.process_time() < deadline:  # 50 ms of CPU, however long that takes
        pass
    after = thread_schedule_secs()
    assert after is not None and after[0] > before[0] and after[1] >= before[1]


def test_an_unknown_thread_has_no_schedule() -> None:
    assert thread_schedule_secs(native_id=2**31 - 1) is None
