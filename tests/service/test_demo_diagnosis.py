"""When the demo's clerk hears no reply, the demo says how far the service got."""

from __future__ import annotations

from pipelines.events import (
    AnswerCompleted,
    BotAudioStarted,
    Transcribed,
    TurnNotAddressed,
    UserSpeechStarted,
    UserSpeechStopped,
)
from voice_agent.agent.lifecycle import ManagedEvent
from voice_agent.service.demo import why_no_reply

ROOM = "store-SH-01-clerk-demo-clerk"
QUESTION = "Hey promo, is the AX-200 in the weekend offer?"


def _heard(text: str) -> list[ManagedEvent]:
    return [
        UserSpeechStarted(session_id=ROOM, bot_speaking=False, level_dbfs=-24.0),
        UserSpeechStopped(session_id=ROOM, speech_secs=2.4),
        Transcribed(session_id=ROOM, text=text, audio_secs=2.4, stt_secs=0.3),
    ]


def test_no_speech_at_all_points_at_the_audio_path() -> None:
    assert why_no_reply([]) == "the assistant heard no speech: the clerk's audio did not reach it"


def test_speech_without_a_transcript() -> None:
    events = [UserSpeechStarted(session_id=ROOM, bot_speaking=False, level_dbfs=-24.0)]
    assert why_no_reply(events) == (
        "the assistant heard speech start but never got a transcript of it"
    )


def test_a_misheard_wake_phrase_is_named_with_what_was_heard() -> None:
    events = [
        *_heard("A promo, is the AX-200 in the weekend offer?"),
        TurnNotAddressed(session_id=ROOM),
    ]
    assert why_no_reply(events) == (
        "the assistant heard 'A promo, is the AX-200 in the weekend offer?' and took it as not"
        " meant for it (no wake phrase)"
    )


def test_an_answer_that_never_reached_the_clerk() -> None:
    answered = AnswerCompleted(session_id=ROOM, question=QUESTION, text="Yes.", source="grounded")
    assert why_no_reply([*_heard(QUESTION), answered]) == (
        "the assistant answered, but no audio of the answer left it"
    )
    assert why_no_reply([*_heard(QUESTION), answered, BotAudioStarted(session_id=ROOM)]) == (
        "the assistant answered and spoke, but its audio never reached the clerk"
    )


def test_a_transcript_with_no_answer() -> None:
    assert why_no_reply(_heard(QUESTION)) == (
        f"the assistant heard {QUESTION!r} but gave no answer"
    )


def test_a_turn_not_meant_for_it_whose_transcript_is_no_longer_kept() -> None:
    # The session keeps only its recent events: the verdict may outlive the transcript.
    assert why_no_reply([TurnNotAddressed(session_id=ROOM)]) == (
        "the assistant heard a turn and took it as not meant for it (no wake phrase)"
    )


def test_a_question_heard_in_two_pieces_names_both() -> None:
    events = [
        *_heard("Hey, Promo."),
        TurnNotAddressed(session_id=ROOM),
        *_heard("is the AX-200 in the weekend offer?"),
        TurnNotAddressed(session_id=ROOM),
    ]
    assert why_no_reply(events) == (
        "the assistant heard 'Hey, Promo.' then 'is the AX-200 in the weekend offer?' and took"
        " it as not meant for it (no wake phrase)"
    )
