import math

import numpy as np
import pytest

from pipelines.turn_policy import (
    BargeInPolicy,
    is_non_speech,
    is_stop_command,
    level_dbfs,
    looks_like_continuation,
    looks_unfinished,
)


@pytest.mark.parametrize(
    "transcript",
    [
        "Is the AX-200 in the",
        "member price for",
        "What about the Trail Runner 900 and",
        "Is the winter boot offer,",
        "Can a member combine it with",
    ],
)
def test_a_question_cut_mid_sentence_is_unfinished(transcript: str) -> None:
    assert looks_unfinished(transcript)


@pytest.mark.parametrize(
    "transcript",
    [
        "Is the AX-200 in the weekend offer?",
        "Member price for two pairs of AX-200.",
        "When does the winter boots offer end",
        "Who do I call about socks?",
        "",
    ],
)
def test_a_complete_question_is_finished(transcript: str) -> None:
    assert not looks_unfinished(transcript)


@pytest.mark.parametrize(
    "transcript",
    ["Member price for the Solar Shield,", "Our running shoes on sale this weekend,"],
)
def test_a_comma_after_a_whole_phrase_question_ends_the_turn(transcript: str) -> None:
    # Whisper closes many whole spoken questions without a verb with a comma.
    assert not looks_unfinished(transcript)


@pytest.mark.parametrize(
    "transcript",
    ["Member price for the,", "Club price, AX-200,", "Is the winter boot offer,"],
)
def test_a_comma_after_a_short_phrase_a_dangling_word_or_a_yes_no_start_waits(
    transcript: str,
) -> None:
    assert looks_unfinished(transcript)


def test_a_period_after_a_dangling_word_is_still_unfinished() -> None:
    # Whisper often closes a fragment with a period: "Is the AX-200 in the."
    assert looks_unfinished("Is the AX-200 in the.")


@pytest.mark.parametrize("transcript", ["", "  ", "[cough]", "(music)", "Uh.", "Hmm", "*coughs*"])
def test_transcripts_without_words_are_non_speech(transcript: str) -> None:
    assert is_non_speech(transcript)


@pytest.mark.parametrize("transcript", ["Stop.", "What about socks?", "ok"])
def test_transcripts_with_words_are_speech(transcript: str) -> None:
    assert not is_non_speech(transcript)


def test_level_of_a_full_scale_square_wave_is_zero_dbfs() -> None:
    square = np.where(np.arange(1600) % 20 < 10, 32767, -32767).astype("<i2").tobytes()
    assert math.isclose(level_dbfs(square), 0.0, abs_tol=0.01)


def test_level_of_silence_is_the_floor() -> None:
    assert level_dbfs(b"\x00\x00" * 1600) == -120.0
    assert level_dbfs(b"") == -120.0


def test_a_tone_ten_times_quieter_is_twenty_db_lower() -> None:
    tone = np.sin(np.arange(16000) / 16000 * 2 * np.pi * 440)
    loud = level_dbfs((tone * 16000).astype("<i2").tobytes())
    quiet = level_dbfs((tone * 1600).astype("<i2").tobytes())
    assert math.isclose(loud - quiet, 20.0, abs_tol=0.1)


def test_barge_in_requires_speech_above_the_level_floor() -> None:
    policy = BargeInPolicy(min_level_dbfs=-38.0)
    assert policy.decide(onset_level_dbfs=-20.0) == (True, "speech")
    interrupt, reason = policy.decide(onset_level_dbfs=-50.0)
    assert not interrupt
    assert "too quiet" in reason


def test_barge_in_can_be_disabled() -> None:
    assert not BargeInPolicy(enabled=False).decide(onset_level_dbfs=0.0)[0]


@pytest.mark.parametrize(
    "transcript", ["Is the AX-200.", "Is the AX-200?", "is the TR-900", "Does the boot"]
)
def test_a_yes_no_question_without_its_predicate_is_unfinished(transcript: str) -> None:
    assert looks_unfinished(transcript)


@pytest.mark.parametrize("transcript", ["Is it on sale?", "Are candles discounted?", "Is it on?"])
def test_a_short_yes_no_question_with_its_predicate_is_finished(transcript: str) -> None:
    assert not looks_unfinished(transcript)


@pytest.mark.parametrize(
    ("transcript", "expected"),
    [
        ("in the weekend offer?", True),
        ("and the weekend offer.", True),
        ("for members?", True),
        ("What about socks?", False),
        ("Is the TR-900 on sale?", False),
    ],
)
def test_continuations_start_like_the_rest_of_a_sentence(transcript: str, expected: bool) -> None:
    assert looks_like_continuation(transcript) is expected


@pytest.mark.parametrize(
    "transcript", ["Stop.", "stop it", "Never mind.", "OK, thanks.", "Cancel!"]
)
def test_stop_commands_are_recognised(transcript: str) -> None:
    assert is_stop_command(transcript)


@pytest.mark.parametrize("transcript", ["Stop. What about the Trail Runner 900?", "Is it stopped?"])
def test_questions_are_not_stop_commands(transcript: str) -> None:
    assert not is_stop_command(transcript)
