"""The knowledge holders' polling loop keeps watching whatever one poll hits."""

from __future__ import annotations

import asyncio

import pytest

from voice_agent.knowledge_reload.polling import Poller
from voice_agent.storage.errors import StorageError


async def test_a_failing_poll_does_not_stop_the_next_ones() -> None:
    calls: list[int] = []
    three_polls = asyncio.Event()

    async def poll() -> None:
        calls.append(len(calls))
        if len(calls) >= 3:
            three_polls.set()
        if len(calls) == 1:
            raise RuntimeError("a half-saved file")
        if len(calls) == 2:
            raise StorageError("database restarting", code="unavailable")

    poller = Poller(poll=poll, interval_secs=0.01, name="test-watch")
    poller.start()
    await asyncio.wait_for(three_polls.wait(), 5)
    await poller.stop()
    assert len(calls) >= 3
    assert not poller.running


async def test_stop_ends_the_task_and_start_twice_runs_one_task() -> None:
    polls = 0

    async def poll() -> None:
        nonlocal polls
        polls += 1

    poller = Poller(poll=poll, interval_secs=0.01, name="test-watch")
    poller.start()
    poller.start()
    assert len([t for t in asyncio.all_tasks() if t.get_name() == "test-watch"]) == 1
    await poller.stop()
    stopped_at = polls
    await asyncio.sleep(0.05)
    assert polls == stopped_at


def test_a_non_positive_interval_is_refused() -> None:
    async def poll() -> None:
        return None

    with pytest.raises(ValueError, match="positive"):
        Poller(poll=poll, interval_secs=0, name="test-watch")
