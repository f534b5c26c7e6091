"""A connection's room watch, told of changes as the transport would, on short timeouts.

The link events come from a real (unconnected) ``rtc.Room``, as the SDK emits them.
"""

from __future__ import annotations

import asyncio

import pytest
from livekit import rtc

from voice_agent.agent.room_watch import RoomWatch
from voice_agent.agent.watchdog import WatchVerdict

SHORT = 0.05
"""Seconds: a timeout that passes during the test."""
LONG = 60.0
"""Seconds: a timeout that does not."""


def _watch(*, connect: float = LONG, absent: float = LONG) -> RoomWatch:
    return RoomWatch(room="r1", connect_timeout_secs=connect, clerk_absent_timeout_secs=absent)


async def _verdict_within(watch: RoomWatch, secs: float) -> WatchVerdict | None:
    return await asyncio.wait_for(watch.verdict(), secs)


async def test_a_join_that_takes_too_long_is_not_joined() -> None:
    assert await _verdict_within(_watch(connect=SHORT), 1.0) is WatchVerdict.NOT_JOINED


async def test_a_clerk_who_never_comes_ends_the_connection_after_the_absent_timeout() -> None:
    watch = _watch(absent=SHORT)
    watch.joined()
    assert await _verdict_within(watch, 1.0) is WatchVerdict.CLERK_ABSENT


async def test_a_joined_connection_with_its_clerk_present_sleeps_until_it_is_closed() -> None:
    watch = _watch(connect=SHORT, absent=SHORT)
    watch.joined()
    watch.clerk_here()
    verdict = asyncio.create_task(watch.verdict())
    await asyncio.sleep(5 * SHORT)
    assert not verdict.done()
    watch.close()
    assert await asyncio.wait_for(verdict, 1.0) is None
    assert watch.closing


async def test_the_clerk_leaving_wakes_the_watch_and_starts_the_absent_timeout() -> None:
    watch = _watch(absent=SHORT)
    watch.joined()
    watch.clerk_here()
    verdict = asyncio.create_task(watch.verdict())
    await asyncio.sleep(SHORT)
    watch.clerk_gone()
    assert await asyncio.wait_for(verdict, 1.0) is WatchVerdict.CLERK_ABSENT


async def test_a_lost_link_ends_the_connection_at_once() -> None:
    watch = _watch()
    room = rtc.Room()
    watch.follow_link(room)
    watch.joined()
    watch.clerk_here()
    verdict = asyncio.create_task(watch.verdict())
    await asyncio.sleep(SHORT)
    room.emit("reconnecting")
    assert await asyncio.wait_for(verdict, 1.0) is WatchVerdict.LINK_LOST


@pytest.mark.parametrize(
    ("reason", "replaced"),
    [
        (rtc.DisconnectReason.DUPLICATE_IDENTITY, True),
        (rtc.DisconnectReason.SERVER_SHUTDOWN, False),
    ],
)
async def test_only_a_duplicate_identity_means_another_session_replaced_this_one(
    reason: int, replaced: bool
) -> None:
    watch = _watch()
    room = rtc.Room()
    watch.follow_link(room)
    room.emit("disconnected", reason)
    assert watch.replaced is replaced
