"""``bench livekit`` keeps measuring when a simulated clerk cannot join.

A clerk that failed used to raise out of the round, and the benchmark then hung in asyncio's
clean-up with the node's sessions still running (docs/BENCHMARKS.md, "Ten clerks").
"""

from __future__ import annotations

import socket
import time
from pathlib import Path

from voice_agent.benchmarks.livekit_bench import ClerkFailed, run_clerks, tally_replies
from voice_agent.livekit.clerk_report import ClerkReport, UtteranceReport
from voice_agent.livekit.clerk_script import ClerkScript, ClerkUtterance

AUDIO = Path(__file__).resolve().parents[1] / "fixtures" / "audio"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _utterance(index: int, *, v2v: float | None, barge_in: bool = False) -> UtteranceReport:
    return UtteranceReport(
        index=index,
        file=f"q{index}.wav",
        audio_secs=2.0,
        started_at=4.0 * index,
        speech_started_at=4.0 * index + 0.2,
        speech_ended_at=4.0 * index + 1.8,
        ended_at=4.0 * index + 2.0,
        barge_in=barge_in,
        voice_to_voice_secs=v2v,
        barge_in_stop_secs=0.3 if barge_in else None,
    )


def _report(*utterances: UtteranceReport) -> ClerkReport:
    return ClerkReport(
        room="r",
        identity="ana",
        started_at_unix=0.0,
        duration_secs=12.0,
        sample_rate=16000,
        frame_ms=20,
        recording=None,
        utterances=list(utterances),
        heard=[],
        frames_received=0,
        data_messages_sent=0,
    )


def test_clerks_that_cannot_join_come_back_as_failures_instead_of_ending_the_round() -> None:
    script = ClerkScript(utterances=[ClerkUtterance(path=AUDIO / "loop/wake_ax200_weekend.wav")])
    url = f"ws://127.0.0.1:{_closed_port()}"

    started = time.monotonic()
    results = run_clerks(url, ["token-a", "token-b"], script)

    assert [type(r) for r in results] == [ClerkFailed, ClerkFailed]
    assert all("could not join" in r.error for r in results), results
    assert time.monotonic() - started < 30


def test_a_failed_clerk_counts_every_question_it_had_as_unanswered() -> None:
    answered = _report(
        _utterance(0, v2v=0.9), _utterance(1, v2v=None), _utterance(2, v2v=None, barge_in=True)
    )

    tally = tally_replies(
        [answered, ClerkFailed(error="ClerkError: timed out")], questions_per_clerk=2
    )

    assert tally.voice_to_voice == [0.9]
    assert tally.barge_in == [0.3]
    assert tally.unanswered == 1 + 2
    assert tally.clerk_errors == ["ClerkError: timed out"]
