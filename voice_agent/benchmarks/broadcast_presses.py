"""The earpieces' "ack" button in ``bench broadcast``: pressed, and again, until it is stored.

Each earpiece whose delivery the round's database shows as played presses "ack" (a reliable
data message on the earpiece's ``ptt`` topic). A press runs as a task of its own, bounded by
:data:`PRESS_TIMEOUT_SECS`, so a press stuck in the SDK holds up neither the other clerks
nor the round's deadline (pressed one after another and awaited without a bound, one stuck
press would hold every later clerk and the round). An acknowledgement not stored
:data:`PRESS_AGAIN_SECS` after a press is pressed again, up to :data:`MAX_PRESSES` in all,
as a clerk whose button seemed to do nothing would.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from livekit import rtc
from loguru import logger

MAX_PRESSES = 5
"""Presses of one earpiece's button at most, in one round."""
PRESS_AGAIN_SECS = 3.0
"""Seconds from a press without a stored acknowledgement to the next press."""
PRESS_TIMEOUT_SECS = 5.0
"""A press whose data message is not sent by then counts as failed."""
POLL_SECS = 0.1
"""How often the round's database is read."""


@dataclass
class AckButton:
    """One earpiece's acknowledge button and what became of its presses."""

    room: rtc.Room
    enabled: bool = True
    """``False``: an earpiece told never to press (a lost acknowledgement, in tests)."""
    first_pressed_at: datetime | None = None
    presses: int = 0
    failures: int = 0
    """Presses that raised or were not sent within :data:`PRESS_TIMEOUT_SECS`."""
    press_secs: list[float] = field(default_factory=list)
    """Per sent press, seconds the SDK took to send it."""
    _last_press: float | None = None
    _pressing: asyncio.Task[None] | None = None

    def due(self, now: float) -> bool:
        """Whether to press at monotonic ``now`` (the delivery shows played, not acknowledged)."""
        if not self.enabled or self.presses >= MAX_PRESSES:
            return False
        if self._pressing is not None and not self._pressing.done():
            return False
        return self._last_press is None or now - self._last_press >= PRESS_AGAIN_SECS

    def press(self) -> None:
        """Press once, in the background."""
        self._last_press = time.monotonic()
        self.presses += 1
        if self.first_pressed_at is None:
            self.first_pressed_at = datetime.now(UTC)
        self._pressing = asyncio.create_task(self._send())

    async def release(self) -> None:
        """Stop a press still being sent."""
        if self._pressing is not None and not self._pressing.done():
            self._pressing.cancel()
            await asyncio.gather(self._pressing, return_exceptions=True)

    async def _send(self) -> None:
        from voice_agent.livekit.earpiece import PTT_TOPIC

        payload = json.dumps({"action": "ack"})
        started = time.monotonic()
        try:
            async with asyncio.timeout(PRESS_TIMEOUT_SECS):
                await self.room.local_participant.publish_data(
                    payload, reliable=True, topic=PTT_TOPIC
                )
        except Exception as e:  # noqa: BLE001 - the SDK's PublishDataError is not exported
            self.failures += 1
            logger.warning("bench broadcast: ack press {} not sent: {!r}", self.presses, e)
            return
        self.press_secs.append(time.monotonic() - started)


async def acknowledge_when_played(
    buttons: dict[str, AckButton],
    notices: Any,
    notice_id: str,
    *,
    until: float,
    stopped: Callable[[], bool],
) -> bool:
    """Press each clerk's button while their delivery shows played, until all are acknowledged.

    Ends at monotonic ``until`` or once ``stopped()``; returns whether every clerk's
    acknowledgement was stored.
    """
    from knowledge_base.delivery import DeliveryState

    while time.monotonic() < until and not stopped():
        found = await asyncio.to_thread(notices.deliveries, notice_id=notice_id)
        now = time.monotonic()
        for record in found:
            button = buttons.get(record.clerk)
            if button is not None and record.state is DeliveryState.PLAYED and button.due(now):
                button.press()
        acknowledged = {d.clerk for d in found if d.state is DeliveryState.ACKNOWLEDGED}
        if set(buttons) <= acknowledged:
            return True
        await asyncio.sleep(POLL_SECS)
    return False
