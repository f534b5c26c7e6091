"""``bench livekit`` splits each clerk's timings at its own session's events.

The clerk measures from its side (last voiced frame sent, first reply frame heard); the node's
session says when its VAD heard the stop, when its reply audio left and when it took a barge-in.
Both are on the machine's monotonic clock, so the hops add up to what the clerk measured.
"""

from __future__ import annotations

import pytest

from pipelines.events import BargeIn, BotAudioStarted, UserSpeechStarted, UserSpeechStopped
from voice_agent.benchmarks.livekit_hops import barge_in_hops, hop_summary, turn_hops
from voice_agent.livekit.clerk_report import ClerkReport, UtteranceReport

T0 = 1000.0
"""The clerk's t = 0 on the monotonic clock."""


def _question(index: int, *, speech_end: float, reply_start: float | None) -> UtteranceReport:
    return UtteranceReport(
        index=index,
        file=f"q{index}.wav",
        audio_secs=2.0,
        started_at=speech_end - 2.0,
        speech_started_at=speech_end - 1.8,
        speech_ended_at=speech_end,
        ended_at=speech_end + 0.1,
        barge_in=False,
        reply_started_at=reply_start,
        voice_to_voice_secs=None if reply_start is None else round(reply_start - speech_end, 4),
    )


def _barge_in(index: int, *, speech_start: float, reply_end: float) -> UtteranceReport:
    return UtteranceReport(
        index=index,
        file="barge.wav",
        audio_secs=2.0,
        started_at=speech_start - 0.1,
        speech_started_at=speech_start,
        speech_ended_at=speech_start + 1.5,
        ended_at=speech_start + 1.9,
        barge_in=True,
        interrupted_reply_ended_at=reply_end,
        barge_in_stop_secs=round(reply_end - speech_start, 4),
    )


def _report(*utterances: UtteranceReport, t0: float | None = T0) -> ClerkReport:
    return ClerkReport(
        room="r",
        identity="ana",
        started_at_unix=0.0,
        started_at_monotonic=t0,
        duration_secs=30.0,
        sample_rate=16000,
        frame_ms=20,
        recording=None,
        utterances=list(utterances),
        heard=[],
        frames_received=0,
        data_messages_sent=0,
    )


def _stopped(t: float) -> UserSpeechStopped:
    return UserSpeechStopped(session_id="r", at=T0 + t, speech_secs=1.8)


def _audio(t: float) -> BotAudioStarted:
    return BotAudioStarted(session_id="r", at=T0 + t)


def test_each_answered_question_splits_into_hops_that_add_up_to_its_voice_to_voice_time() -> None:
    report = _report(
        _question(0, speech_end=5.0, reply_start=5.6),
        _question(1, speech_end=12.0, reply_start=12.5),
    )
    # A stop heard before the clerk finished (a pause mid-question) belongs to no reply.
    events = [_stopped(4.0), _stopped(5.3), _audio(5.4), _stopped(12.28), _audio(12.36)]

    rows = turn_hops(report, events)

    assert [(r.to_node, r.node, r.to_ear) for r in rows] == [
        (0.3, 0.1, 0.2),
        (0.28, 0.08, 0.14),
    ]
    for row in rows:
        assert row.to_node is not None and row.node is not None and row.to_ear is not None
        assert row.to_node + row.node + row.to_ear == pytest.approx(row.voice_to_voice)


def test_a_question_the_node_never_heard_stop_keeps_its_time_but_no_hops() -> None:
    report = _report(_question(0, speech_end=5.0, reply_start=5.6))

    (row,) = turn_hops(report, [_audio(5.4)])

    assert row.voice_to_voice == 0.6
    assert (row.to_node, row.node, row.to_ear) == (None, None, None)


def test_unanswered_questions_and_reports_without_a_monotonic_start_give_no_rows() -> None:
    unanswered = _report(_question(0, speech_end=5.0, reply_start=None))
    old_report = _report(_question(0, speech_end=5.0, reply_start=5.6), t0=None)

    assert turn_hops(unanswered, [_stopped(5.3), _audio(5.4)]) == []
    assert turn_hops(old_report, [_stopped(5.3), _audio(5.4)]) == []


def test_a_barge_in_splits_at_the_node_taking_it() -> None:
    report = _report(_barge_in(3, speech_start=20.0, reply_end=20.34))
    events = [
        UserSpeechStarted(session_id="r", at=T0 + 20.19, bot_speaking=True, level_dbfs=-21.0),
        BargeIn(session_id="r", at=T0 + 20.2, level_dbfs=-21.0),
    ]

    (row,) = barge_in_hops(report, events)

    assert (row.barge_in, row.to_node, row.to_ear) == (0.34, 0.2, 0.14)


def test_the_summary_counts_what_could_not_be_split() -> None:
    report = _report(
        _question(0, speech_end=5.0, reply_start=5.6),
        _question(1, speech_end=12.0, reply_start=12.5),
        _barge_in(2, speech_start=20.0, reply_end=20.34),
    )
    events = [_stopped(5.3), _audio(5.4)]

    summary = hop_summary(turn_hops(report, events), barge_in_hops(report, events))

    assert summary["voice_to_voice"]["node"] == {"n": 1, "p50": 0.1, "p95": 0.1, "max": 0.1}
    assert summary["unmatched_turns"] == 1
    assert summary["barge_in"]["to_node"]["n"] == 0
    assert summary["unmatched_barge_ins"] == 1
