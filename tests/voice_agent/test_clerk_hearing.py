"""What the simulated clerk hears, fed from a local LiveKit audio track (no server).

A real ``rtc.AudioSource`` and its local track stand for a remote participant's track: the
hearing reads it through the real ``rtc.AudioStream``, as it reads a subscribed one.
"""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace

import numpy as np
import pytest
from livekit import rtc

from voice_agent.livekit.clerk_hearing import ClerkHearing

RATE = 16000
FRAME = 320  # 20 ms


async def _hear(speaker: str, *, reply_from: str | None) -> ClerkHearing:
    """0.4 s of a loud tone from ``speaker``, then 0.6 s of silence, as the clerk hears it."""
    started = time.monotonic()
    hearing = ClerkHearing(
        clock=lambda: time.monotonic() - started,
        threshold_dbfs=-45.0,
        hangover_secs=0.2,
        reply_from=reply_from,
    )
    source = rtc.AudioSource(RATE, 1, queue_size_ms=200)
    track = rtc.LocalAudioTrack.create_audio_track("speaker", source)
    hearing.on_track_subscribed(track, None, SimpleNamespace(identity=speaker))  # type: ignore[arg-type]
    tone = (np.sin(np.arange(FRAME) * 2 * np.pi * 220 / RATE) * 8000).astype(np.int16)
    silence = np.zeros(FRAME, dtype=np.int16)
    for samples in [tone] * 20 + [silence] * 30:
        await source.capture_frame(rtc.AudioFrame(samples.tobytes(), RATE, 1, FRAME))
    await asyncio.sleep(0.3)
    await hearing.stop()
    await source.aclose()
    return hearing


async def test_a_reply_is_timed_recorded_and_attributed_to_its_speaker() -> None:
    hearing = await _hear("promo-assistant", reply_from="promo-assistant")
    [segment] = hearing.segments()
    assert segment.participant == "promo-assistant"
    assert 0.2 <= segment.end - segment.start <= 1.0
    assert hearing.reply_onset_after(0.0) == pytest.approx(segment.start, abs=1e-3)
    assert hearing.reply_onset_after(segment.start + 0.01) is None
    assert hearing.frames and {f.participant for f in hearing.frames} == {"promo-assistant"}
    assert hearing.recording().size >= 0.9 * RATE


async def test_someone_elses_speech_is_heard_but_is_no_reply() -> None:
    hearing = await _hear("another-clerk", reply_from="promo-assistant")
    assert [s.participant for s in hearing.segments()] == ["another-clerk"]
    assert hearing.reply_onset_after(0.0) is None
    assert not hearing.reply_active()
