import asyncio
from pathlib import Path
from typing import Any

from voice_agent.audio_io import load_audio
from voice_agent.benchmarks.turn_end import chain_recordings, find_cuts, measure_turn_end, summarise

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PAUSED = FIXTURES / "audio" / "loop" / "pause_ax200_weekend.wav"
RATE = 16000


def test_a_pause_mid_question_is_among_the_places_to_cut() -> None:
    # The fixture says "Is the AX-200," (0.4-1.7 s), pauses, then "in the weekend offer?"
    # (2.4-3.5 s).
    cuts = find_cuts(load_audio(PAUSED).pcm16)

    assert cuts is not None
    assert any(1.7 * RATE <= gap <= 2.4 * RATE for gap in cuts.gaps)
    assert 3.2 * RATE <= cuts.speech_end <= 3.7 * RATE
    assert all(gap < cuts.speech_end for gap in cuts.gaps)


def test_silence_has_nothing_to_cut() -> None:
    assert find_cuts(bytes(2 * RATE)) is None


def test_the_summary_counts_waiting_whole_questions_and_early_cut_ones() -> None:
    rows = [
        {"path": "a.wav", "whole": "Is the AX-200 in the weekend offer?", "cut": "Is the AX-200"},
        {"path": "b.wav", "whole": "Member price for", "cut": "Member price for the AX"},
        {"path": "c.wav", "whole": "Who do I call?", "cut": None},
    ]

    summary = summarise(rows)

    assert summary["whole"] == 3
    assert summary["whole_waiting_texts"] == ["Member price for"]
    assert summary["cut"] == 2
    assert summary["cut_answered_early_texts"] == ["Member price for the AX"]


def test_recordings_are_found_per_chain_and_set() -> None:
    paths = chain_recordings(FIXTURES, ["safar-luggage"], ["clean"])

    assert len(paths) == 42
    assert all(p.parent.name == "clean" and p.suffix == ".wav" for p in paths)


def test_the_real_transcriber_hears_each_recording_whole_and_cut(runtime: Any) -> None:
    recordings = [PAUSED, FIXTURES / "audio" / "loop" / "ax200_weekend.wav"]

    result = asyncio.run(measure_turn_end(runtime.transcriber, recordings))

    assert result["whole"] == 2
    assert all("weekend" in row["whole"].lower() for row in result["rows"])
    assert all(row["cut"] and "weekend offer" not in row["cut"].lower() for row in result["rows"])
