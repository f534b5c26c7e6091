"""The service's log says each step of a clerk's turn, never the words of a customer talk."""

from __future__ import annotations

from pipelines.events import (
    AnswerCompleted,
    BargeIn,
    StopRequested,
    Transcribed,
    TurnAddressed,
    TurnNotAddressed,
    UserSpeechStarted,
)
from voice_agent.agent.turn_log import turn_log_line

ROOM = "store-SH-01-clerk-ana"


def test_a_turn_for_the_assistant_says_how_it_was_addressed() -> None:
    line = turn_log_line(TurnAddressed(session_id=ROOM, by="wake_phrase"))
    assert line == "a turn for the assistant (wake phrase)"


def test_the_answer_line_has_the_question_the_answer_and_its_source() -> None:
    event = AnswerCompleted(
        session_id=ROOM,
        question="is the AX-200 in the weekend offer?",
        text="Yes, the AX-200 is 20 percent off.",
        source="grounded",
    )
    line = turn_log_line(event)
    assert line is not None
    assert "'is the AX-200 in the weekend offer?'" in line
    assert "(grounded)" in line and "20 percent off" in line


def test_a_turn_not_for_the_assistant_is_logged_without_its_words() -> None:
    # The transcript of a customer conversation reaches only DEBUG, in its processor.
    assert (
        turn_log_line(
            Transcribed(session_id=ROOM, text="my card number", audio_secs=1.0, stt_secs=0.2)
        )
        is None
    )
    line = turn_log_line(TurnNotAddressed(session_id=ROOM))
    assert line is not None and "not for the assistant" in line


def test_barge_in_and_stop_are_logged_and_frame_detail_is_not() -> None:
    assert turn_log_line(BargeIn(session_id=ROOM, level_dbfs=-21.4)) == (
        "the clerk cut the answer off (-21 dBFS)"
    )
    assert turn_log_line(StopRequested(session_id=ROOM)) == "the clerk asked the assistant to stop"
    assert (
        turn_log_line(UserSpeechStarted(session_id=ROOM, bot_speaking=False, level_dbfs=-30.0))
        is None
    )
