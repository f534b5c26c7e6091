"""The briefing recorder on real frames: audio passes on, and is handed over once, in chunks."""

from __future__ import annotations

from pipecat.frames.frames import InputAudioRawFrame, TranscriptionFrame
from pipecat.tests.utils import run_test

from tests.pipelines.frame_helpers import speech_frames
from voice_agent.briefing.recorder import BriefingRecorder


async def test_audio_passes_on_and_each_second_is_drained_once() -> None:
    recorder = BriefingRecorder(max_secs=60.0)
    frames = speech_frames(1.0)
    down, _ = await run_test(
        recorder, frames_to_send=[*frames, TranscriptionFrame("hi", "mei", "")]
    )
    assert sum(isinstance(f, InputAudioRawFrame) for f in down) == len(frames)  # untouched
    chunk = recorder.drain()
    assert chunk == b"".join(f.audio for f in frames)  # type: ignore[attr-defined]
    assert recorder.sample_rate == 16000 and len(chunk) == 2 * 16000
    assert recorder.drain() == b""  # handed over once


async def test_audio_beyond_the_longest_recording_is_not_kept() -> None:
    recorder = BriefingRecorder(max_secs=0.5)
    await run_test(recorder, frames_to_send=speech_frames(0.3))
    first = recorder.drain()
    await run_test(recorder, frames_to_send=speech_frames(0.6))
    assert len(first) + len(recorder.drain()) == 2 * 8000  # half a second in all
    assert recorder.kept_bytes == 2 * 8000


async def test_stereo_and_audio_at_another_rate_are_left_out() -> None:
    recorder = BriefingRecorder(max_secs=60.0)
    stereo = InputAudioRawFrame(audio=b"\x01\x00" * 640, sample_rate=16000, num_channels=2)
    await run_test(
        recorder,
        frames_to_send=[
            stereo,
            *speech_frames(0.1),
            *speech_frames(0.1, sample_rate=48000),
        ],
    )
    assert len(recorder.drain()) == 2 * 1600  # the 16 kHz mono tenth of a second only
