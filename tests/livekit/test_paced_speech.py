"""The assistant's speech goes to LiveKit in 10 ms frames at playback pace (no server)."""

from __future__ import annotations

import numpy as np
import pytest
from livekit import rtc

from voice_agent.livekit.paced_speech import SpeechPacer, can_pace, ten_ms_frames

RATE = 16000


def speech(ms: int, start: int = 0) -> rtc.AudioFrame:
    samples = np.arange(start, start + RATE * ms // 1000, dtype=np.int16)
    return rtc.AudioFrame(samples.tobytes(), RATE, 1, len(samples))


class FakeTime:
    """A clock that moves only when the pacer sleeps, or when the test says so."""

    def __init__(self) -> None:
        self.now = 100.0
        self.captured: list[tuple[float, rtc.AudioFrame]] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, secs: float) -> None:
        self.now += secs

    async def capture(self, frame: rtc.AudioFrame) -> None:
        self.captured.append((self.now, frame))

    def pacer(self) -> SpeechPacer:
        return SpeechPacer(lead_secs=0.06, clock=self.clock, sleep=self.sleep)


def test_a_chunk_is_cut_into_ten_ms_frames_in_order() -> None:
    frames = ten_ms_frames(speech(40))
    assert [f.samples_per_channel for f in frames] == [160, 160, 160, 160]
    joined = np.concatenate([np.frombuffer(bytes(f.data.cast("B")), np.int16) for f in frames])
    assert joined.tolist() == list(range(640))


def test_a_tail_shorter_than_ten_ms_is_kept() -> None:
    frames = ten_ms_frames(speech(25))
    assert [f.samples_per_channel for f in frames] == [160, 160, 80]


async def test_speech_is_handed_over_no_earlier_than_the_lead_before_it_plays() -> None:
    time = FakeTime()
    pacer = time.pacer()
    for chunk in range(10):  # 400 ms of speech, as Pipecat writes it: 40 ms at a time
        await pacer.send(speech(40, chunk * 640), time.capture)
    starts = [at - 100.0 for at, _ in time.captured]
    assert len(starts) == 40
    # The first 60 ms go at once; then each frame 60 ms before it plays, never later.
    assert starts[:7] == pytest.approx([0.0] * 7, abs=1e-9)
    for index, at in enumerate(starts):
        assert at >= index * 0.01 - 0.06 - 1e-9
        assert at <= max(0.0, index * 0.01 - 0.06) + 1e-9


async def test_after_a_pause_speech_starts_at_once() -> None:
    time = FakeTime()
    pacer = time.pacer()
    await pacer.send(speech(200), time.capture)
    time.now += 5.0  # the assistant said nothing for five seconds
    resumed = time.now
    await pacer.send(speech(40), time.capture)
    assert [at for at, _ in time.captured[-4:]] == [resumed] * 4


async def test_speech_left_behind_by_a_stall_catches_up_without_waiting() -> None:
    time = FakeTime()
    pacer = time.pacer()
    await pacer.send(speech(100), time.capture)
    time.now += 0.5  # the event loop stalled mid-answer
    stalled = time.now
    await pacer.send(speech(40), time.capture)
    assert [at for at, _ in time.captured[-4:]] == [stalled] * 4


def test_rates_without_whole_ten_ms_frames_are_not_paced() -> None:
    assert can_pace(16000) and can_pace(24000) and can_pace(48000)
    assert not can_pace(22050)
