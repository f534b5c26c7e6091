"""``bench loop --against pipecat``: our loop and stock Pipecat 1.14 judged by the same rules."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from voice_agent.benchmarks.loop_comparison import Answered, outcome, summarise
from voice_agent.cli.bench import app


def _answered(at: float, audio: float | None, heard: str = "q") -> Answered:
    return Answered(answered_at=at, first_audio=audio, heard=heard, answer="a")


def test_voice_to_voice_runs_from_the_end_of_speech_to_the_first_audio_of_the_answer_after_it():
    judged = outcome([_answered(2.4, 2.9)], question_end=2.1)

    assert judged.voice_to_voice_secs == pytest.approx(0.8)
    assert not judged.unanswered
    assert judged.half_question_answers == 0


def test_an_answer_started_before_the_speech_ended_is_a_half_question_answer():
    judged = outcome([_answered(1.9, 2.2, "is the"), _answered(4.0, 4.6)], question_end=3.5)

    assert judged.half_question_answers == 1
    assert judged.voice_to_voice_secs == pytest.approx(1.1)
    assert judged.heard == ["is the", "q"]


def test_a_recording_with_only_a_half_question_answer_is_unanswered():
    judged = outcome([_answered(1.9, 2.2)], question_end=3.5)

    assert judged.unanswered
    assert judged.voice_to_voice_secs is None
    assert judged.half_question_answers == 1


def test_an_answer_that_never_played_leaves_the_question_unanswered():
    judged = outcome([_answered(3.8, None)], question_end=3.5)

    assert judged.unanswered


def _row(path: str, ours: float | None, stock: float | None) -> dict[str, Any]:
    def side(v2v: float | None) -> dict[str, Any]:
        return {"voice_to_voice_secs": v2v, "unanswered": v2v is None, "half_question_answers": 0}

    return {"path": path, "question_end": 2.0, "ours": side(ours), "stock": side(stock)}


def test_the_summary_counts_unanswered_and_divides_stock_by_ours():
    report = summarise([_row("a.wav", 0.5, 1.5), _row("b.wav", 0.6, None)])

    assert report["fixtures"][0]["ratio"] == 3.0
    assert report["fixtures"][1]["ratio"] is None
    assert report["stock"]["unanswered"] == 1
    assert report["ours"]["voice_to_voice_secs"]["n"] == 2
    assert report["ratio_p50"] == 3.0  # stock p50 1.5 over ours p50 0.5 (nearest rank)
    assert report["stock_pipeline"]["user_turn_stop"] == [
        "TurnAnalyzerUserTurnStopStrategy(LocalSmartTurnAnalyzerV3)"
    ]


@pytest.mark.slow
def test_bench_loop_against_pipecat_answers_a_fixture_and_the_paused_question_through_both():
    result = CliRunner().invoke(
        app,
        [
            "loop",
            *("--sets", "loop", "--limit", "1", "--barge-in-runs", "0"),
            *("--against", "pipecat", "--json"),
        ],
    )

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)["against"]
    assert report["against"] == "pipecat"
    assert [row["path"] for row in report["fixtures"]] == [
        "loop/autumn_clearance.wav",
        "loop/pause_ax200_weekend.wav",  # added whatever the limit: a pause in mid-question
    ]
    assert report["paused_questions"] == 1
    for side in ("ours", "stock"):
        assert report[side]["voice_to_voice_secs"]["p50"] > 0
        assert not report["fixtures"][0][side]["unanswered"], report["fixtures"][0]
    paused = report["fixtures"][1]
    assert paused["kind"] == "paused_question"
    assert not paused["ours"]["unanswered"], paused
    assert paused["ours"]["half_question_answers"] == 0, paused
    autumn = report["fixtures"][0]
    for side in ("ours", "stock"):
        assert any("Autumn Clearance" in answer for answer in autumn[side]["answers"]), autumn
    assert report["ratio_p50"] > 0
    assert report["stock_pipeline"]["pipecat"].startswith("1.14")
