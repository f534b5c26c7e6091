"""The simulated clerk's microphone: frames on a real-time schedule, silence, push-to-talk.

A real microphone never stops sending: between utterances the clerk sends silence, frame
by frame, at the pace a microphone would. Falling far behind the schedule (a busy event
loop) restarts it instead of bursting the missed frames.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Literal

import numpy as np
from livekit import rtc

from voice_agent.livekit.clerk_recording import SAMPLE_RATE
from voice_agent.livekit.earpiece import PTT_TOPIC

_RESYNC_SECS = 0.2
"""Falling this far behind the real-time schedule restarts it instead of bursting frames."""


class ClerkMicrophone:
    """Sends a clerk's published microphone frames and push-to-talk messages.

    Args:
        source: The audio source of the published microphone track.
        participant: The clerk (sends the push-to-talk data messages).
        frame_ms: Frame length, 10 or 20 ms.
        clock: The clerk's session time in seconds.
        on_frame: Called with the session time after each frame is handed over.
    """

    def __init__(
        self,
        *,
        source: rtc.AudioSource,
        participant: rtc.LocalParticipant,
        frame_ms: int,
        clock: Callable[[], float],
        on_frame: Callable[[float], None],
    ) -> None:
        self.frame_samples = SAMPLE_RATE * frame_ms // 1000
        """Samples in one frame."""
        self.data_sent = 0
        """Push-to-talk messages sent."""
        self._source = source
        self._participant = participant
        self._clock = clock
        self._on_frame = on_frame
        self._next_send = time.monotonic()

    async def frame(self, samples: np.ndarray) -> float:
        """Send one frame on the real-time schedule; returns when it was handed over."""
        delay = self._next_send - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        elif delay < -_RESYNC_SECS:
            self._next_send = time.monotonic()
        frame = rtc.AudioFrame(samples.tobytes(), SAMPLE_RATE, 1, samples.size)
        await self._source.capture_frame(frame)
        self._next_send += samples.size / SAMPLE_RATE
        now = self._clock()
        self._on_frame(now)
        return now

    async def silence(self, secs: float) -> None:
        """Send ``secs`` of silence."""
        silence = np.zeros(self.frame_samples, dtype=np.int16)
        for _ in range(round(secs * SAMPLE_RATE / self.frame_samples)):
            await self.frame(silence)

    async def silence_until(self, done: Callable[[], bool], limit: float) -> None:
        """Send silence until ``done()`` or the session time ``limit``."""
        silence = np.zeros(self.frame_samples, dtype=np.int16)
        while not done() and self._clock() < limit:
            await self.frame(silence)

    async def push_to_talk(self, action: Literal["start", "stop"]) -> None:
        """Press (``start``) or release (``stop``) the earpiece's push-to-talk."""
        payload = json.dumps({"action": action})
        await self._participant.publish_data(payload, reliable=True, topic=PTT_TOPIC)
        self.data_sent += 1
