"""Energy onsets and offsets, specified with plain numbers."""

import numpy as np
import pytest

from voice_agent.livekit.activity import ActivityChange, ActivityDetector, level_dbfs

LOUD, QUIET = -20.0, -80.0


def feed(
    detector: ActivityDetector, levels: list[float], *, start: float = 0.0, step: float = 0.02
):
    changes = []
    for i, level in enumerate(levels):
        change = detector.process(start + i * step, level)
        if change is not None:
            changes.append((round(start + i * step, 3), change))
    return changes


def test_onset_is_the_first_of_two_consecutive_voiced_frames() -> None:
    detector = ActivityDetector(threshold_dbfs=-45, hangover_secs=0.3)
    changes = feed(detector, [QUIET] * 5 + [LOUD] * 10)
    assert changes == [(0.12, ActivityChange.ONSET)]
    assert detector.active and detector.segments[0].start == pytest.approx(0.10)


def test_a_single_click_does_not_start_a_segment() -> None:
    detector = ActivityDetector(hangover_secs=0.3)
    feed(detector, [QUIET, LOUD, QUIET, QUIET])
    assert detector.segments == []


def test_offset_comes_after_the_hangover_and_ends_at_the_last_voiced_frame() -> None:
    detector = ActivityDetector(hangover_secs=0.3)
    changes = feed(detector, [LOUD] * 10 + [QUIET] * 20)
    assert changes[-1] == (0.48, ActivityChange.OFFSET)
    assert detector.segments[0].end == pytest.approx(0.18)


def test_pauses_shorter_than_the_hangover_stay_in_one_segment() -> None:
    detector = ActivityDetector(hangover_secs=0.3)
    feed(detector, [LOUD] * 5 + [QUIET] * 10 + [LOUD] * 5 + [QUIET] * 20)
    assert len(detector.segments) == 1


def test_polling_closes_a_segment_when_frames_stop_arriving() -> None:
    detector = ActivityDetector(hangover_secs=0.3)
    feed(detector, [LOUD] * 5)
    assert detector.poll(0.2) is None
    assert detector.poll(0.5) == ActivityChange.OFFSET
    assert detector.segments[0].end == pytest.approx(0.08)


def test_finish_closes_the_open_segment_at_its_last_voiced_frame() -> None:
    detector = ActivityDetector(hangover_secs=0.3)
    feed(detector, [LOUD] * 5)
    (segment,) = detector.finish()
    assert (segment.start, segment.end) == (0.0, pytest.approx(0.08))


def test_level_of_full_scale_sine_and_silence() -> None:
    sine = (32767 * np.sin(2 * np.pi * 440 * np.arange(1600) / 16000)).astype(np.int16)
    assert level_dbfs(sine) == pytest.approx(-3.0, abs=0.1)
    assert level_dbfs(np.zeros(320, dtype=np.int16)) == -120.0
