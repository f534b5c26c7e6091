"""The assistant's speech goes to LiveKit only while it speaks, at the pace it plays.

A LiveKit ``AudioSource`` with a queue (Pipecat's default; ours held 200 ms) has LiveKit
feed WebRTC's Opus encoder silence every 10 ms while nothing is said: about 3% of a core
per session, all day, in a node that mostly listens (docs/BENCHMARKS.md, "Where a node's
CPU goes"). A source without a queue sends each 10 ms frame it is given at once and nothing
in between, so the encoder works only while the assistant speaks; the pacing the queue gave
is done here instead. Each frame is handed over no earlier than ``lead_secs`` before its
time to play: the listener's jitter buffer holds that lead, and it covers a short stall of
the event loop as the queue did. A source without a queue takes 10 ms frames only, so rates
that are not a whole number of samples per 10 ms (22050 Hz) keep the queue.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from livekit import rtc
from loguru import logger
from pipecat.transports.livekit.transport import LiveKitTransport

FRAME_SECS = 0.01
"""What a source without a queue takes per call."""
LEAD_SECS = 0.06
"""How far ahead of its time to play a frame may be sent."""
QUEUED_MS = 200
"""LiveKit's queue for the rates that cannot be paced here (LiveKit's default is 1000 ms)."""

Capture = Callable[[rtc.AudioFrame], Awaitable[None]]


def can_pace(sample_rate: int) -> bool:
    """Whether speech at ``sample_rate`` splits into whole 10 ms frames."""
    return sample_rate % 100 == 0


def ten_ms_frames(frame: rtc.AudioFrame) -> list[rtc.AudioFrame]:
    """``frame`` cut into 10 ms frames (a shorter last one keeps what is left)."""
    samples = frame.sample_rate // 100
    step = samples * frame.num_channels * 2
    data = bytes(frame.data.cast("B"))
    return [
        rtc.AudioFrame(
            data[start : start + step],
            frame.sample_rate,
            frame.num_channels,
            len(data[start : start + step]) // (2 * frame.num_channels),
        )
        for start in range(0, len(data), step)
    ]


class SpeechPacer:
    """Hands speech frames to a source without a queue in 10 ms frames, at playback pace.

    Args:
        lead_secs: How far ahead of its time to play a frame may be handed over.
        clock: Monotonic seconds.
        sleep: Waits (tests may record instead).
    """

    def __init__(
        self,
        *,
        lead_secs: float = LEAD_SECS,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._lead = lead_secs
        self._clock = clock
        self._sleep = sleep
        self._due = 0.0
        """When the next frame plays at the listener (on ``clock``)."""

    async def send(self, frame: rtc.AudioFrame, capture: Capture) -> None:
        """Capture ``frame`` through ``capture``, 10 ms at a time, none before its time."""
        # After a pause (or a stall that left it behind) speech starts again at once.
        self._due = max(self._due, self._clock())
        for piece in ten_ms_frames(frame):
            wait = self._due - self._lead - self._clock()
            if wait > 0:
                await self._sleep(wait)
            await capture(piece)
            self._due += piece.samples_per_channel / piece.sample_rate


def pace_speech(transport: LiveKitTransport) -> None:
    """Send ``transport``'s speech paced here, through its source without a queue.

    The transport must have been built with ``audio_out_queue_size_ms = 0``. Pipecat's
    client checks and reports as its own ``publish_audio`` does.
    """
    client = transport._client
    pacer = SpeechPacer()

    async def publish_audio(audio_frame: rtc.AudioFrame) -> bool:
        source = client._audio_source
        if not client._connected or source is None:
            return False
        try:
            await pacer.send(audio_frame, source.capture_frame)
        except Exception as e:  # as Pipecat's: a frame lost, the session goes on
            if "InvalidState" not in str(e):
                logger.error(f"Error publishing audio: {e}")
            return False
        return True

    client.publish_audio = publish_audio  # type: ignore[method-assign]
