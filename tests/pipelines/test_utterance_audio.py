"""The pre-roll buffer, joining utterances and 16-bit PCM resampling on plain bytes."""

from __future__ import annotations

import numpy as np

from pipelines.utterance_audio import PrerollBuffer, join_utterances, resample_pcm16


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


def test_utterances_whose_preroll_overlaps_the_one_before_are_joined_without_repeats() -> None:
    # The second utterance's pre-roll (bytes 6-9) was recorded in the first one already.
    first, second = (0, b"aaaaaaaaXX"), (6, b"aaXXbbbb")
    assert join_utterances([first, second], max_gap_bytes=4) == b"aaaaaaaaXXbbbb"


def test_unrecorded_time_between_utterances_becomes_bounded_silence() -> None:
    assert join_utterances([(0, b"aa"), (4, b"bb")], max_gap_bytes=8) == b"aa\0\0bb"
    assert join_utterances([(0, b"aa"), (100, b"bb")], max_gap_bytes=4) == b"aa\0\0\0\0bb"


def test_an_utterance_inside_the_one_before_adds_nothing() -> None:
    assert join_utterances([(0, b"aaaaaa"), (2, b"aa")], max_gap_bytes=4) == b"aaaaaa"
    assert join_utterances([(0, b"aaaaaa"), (2, b"aa"), (6, b"bb")], max_gap_bytes=4) == (
        b"aaaaaabb"
    )


def test_8_khz_audio_becomes_16_khz_of_the_same_length() -> None:
    tone = (8000 * np.sin(2 * np.pi * 440 * np.arange(8000) / 8000)).astype(np.int16)
    resampled = resample_pcm16(tone.tobytes(), 8000, 16000)
    assert len(resampled) == 2 * len(tone.tobytes())
    assert resample_pcm16(b"\x01\x02", 16000, 16000) == b"\x01\x02"
