"""The pre-roll buffer and 16-bit PCM resampling on plain bytes."""

from __future__ import annotations

import numpy as np

from pipelines.utterance_audio import PrerollBuffer, resample_pcm16


def test_the_preroll_keeps_the_newest_whole_frames_within_its_limit() -> None:
    preroll = PrerollBuffer(limit_bytes=8)
    for frame in (b"aaaa", b"bbbb", b"cccc"):
        preroll.add(frame)
    assert preroll.audio() == b"bbbbcccc"
    assert preroll.recent(3) == b"ccc"


def test_a_frame_larger_than_the_limit_is_kept_alone() -> None:
    preroll = PrerollBuffer(limit_bytes=2)
    preroll.add(b"aaaa")
    preroll.add(b"bbbbbb")
    assert preroll.audio() == b"bbbbbb"


def test_8_khz_audio_becomes_16_khz_of_the_same_length() -> None:
    tone = (8000 * np.sin(2 * np.pi * 440 * np.arange(8000) / 8000)).astype(np.int16)
    resampled = resample_pcm16(tone.tobytes(), 8000, 16000)
    assert len(resampled) == 2 * len(tone.tobytes())
    assert resample_pcm16(b"\x01\x02", 16000, 16000) == b"\x01\x02"
