"""The turn processor on real Pipecat frames (the recogniser is scripted)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pipecat.audio.vad.vad_analyzer import VADState
from pipecat.frames.frames import (
    BotStartedSpeakingFrame,
    Frame,
    InterruptionFrame,
    TranscriptionFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.tests.utils import SleepFrame, run_test

from pipelines.conversation_state import ConversationState
from pipelines.events import Transcribed
from pipelines.frames import PushToTalkFrame
from pipelines.turn_policy import BargeInPolicy
from pipelines.user_turn_processor import UserTurnProcessor
from tests.pipelines.frame_helpers import EventLog, ScriptedTranscriber, speech_frames


def _processor(
    texts: list[str],
    *,
    incomplete_wait_secs: float = 5.0,
    vad_state: Callable[[], VADState] | None = None,
    others_waiting: int = 0,
    language: str | None = None,
    rehear_pieced: Callable[[str], bool] | None = None,
) -> tuple[UserTurnProcessor, ScriptedTranscriber, EventLog, ConversationState]:
    transcriber = ScriptedTranscriber(texts, others_waiting=others_waiting)
    events = EventLog()
    state = ConversationState(session_id="s1")
    processor = UserTurnProcessor(
        state=state,
        transcriber=transcriber,
        barge_in=BargeInPolicy(min_level_dbfs=-26.0),
        incomplete_wait_secs=incomplete_wait_secs,
        vad_state=vad_state,
        on_event=events,
        language=language,
        rehear_pieced=rehear_pieced,
    )
    return processor, transcriber, events, state


def _utterance(secs: float, *, level: float = 0.3, pause: float = 0.5) -> list[Frame]:
    """``secs`` of speech between the VAD's start and stop, then ``pause`` seconds of nothing."""
    return [
        VADUserStartedSpeakingFrame(),
        *speech_frames(secs, level=level),
        VADUserStoppedSpeakingFrame(),
        SleepFrame(sleep=pause),
    ]


def _turns(frames: list[Frame]) -> list[str]:
    return [f.text for f in frames if isinstance(f, TranscriptionFrame)]


async def test_a_finished_question_becomes_one_transcription_after_the_vad_stop() -> None:
    processor, transcriber, events, _ = _processor(["Is the AX-200 in the weekend offer?"])
    down, _up = await run_test(
        processor,
        frames_to_send=_utterance(1.0),
    )
    assert _turns(list(down)) == ["Is the AX-200 in the weekend offer?"]
    assert transcriber.heard_secs and transcriber.heard_secs[0] >= 1.0
    assert events.types()[-1] == "user_turn"


@pytest.mark.parametrize("language", ["zh-CN", None])
async def test_the_recogniser_is_told_the_sessions_language_with_each_utterance(
    language: str | None,
) -> None:
    # None: the session's store names no language; the transcriber's own ([stt] language).
    processor, transcriber, _, _ = _processor(["收到"], language=language)
    down, _up = await run_test(
        processor,
        frames_to_send=_utterance(1.0),
    )
    assert _turns(list(down)) == ["收到"]
    assert transcriber.languages == [language]


async def test_transcription_starts_at_the_first_silence_when_the_recogniser_is_free() -> None:
    # The VAD reports silence (STOPPING) from the first frame: the audio so far is sent at
    # once, before the stop is confirmed, and that early transcript is the one used.
    processor, transcriber, _, _ = _processor(
        ["Is the AX-200 in the weekend offer?"], vad_state=lambda: VADState.STOPPING
    )
    down, _up = await run_test(processor, frames_to_send=_utterance(1.0))
    assert _turns(list(down)) == ["Is the AX-200 in the weekend offer?"]
    assert len(transcriber.heard_secs) == 1 and transcriber.heard_secs[0] < 0.5


async def test_no_early_transcription_while_other_sessions_wait_for_the_recogniser() -> None:
    processor, transcriber, _, _ = _processor(
        ["Is the AX-200 in the weekend offer?"],
        vad_state=lambda: VADState.STOPPING,
        others_waiting=3,
    )
    down, _up = await run_test(processor, frames_to_send=_utterance(1.0))
    assert _turns(list(down)) == ["Is the AX-200 in the weekend offer?"]
    # One transcription, of the whole utterance, after the VAD's confirmed stop.
    assert len(transcriber.heard_secs) == 1 and transcriber.heard_secs[0] >= 1.0


async def test_push_to_talk_release_ends_the_turn_without_waiting_for_the_vad() -> None:
    processor, _, events, _ = _processor(["Is the AX-200 in the weekend offer?"])
    down, _up = await run_test(
        processor,
        frames_to_send=[
            PushToTalkFrame(pressed=True),
            VADUserStartedSpeakingFrame(),
            *speech_frames(1.0),
            PushToTalkFrame(pressed=False),
            SleepFrame(sleep=0.5),
        ],
    )
    # No VADUserStoppedSpeakingFrame was ever sent: the release alone ended the turn.
    assert _turns(list(down)) == ["Is the AX-200 in the weekend offer?"]
    assert "user_speech_stopped" in events.types()


async def test_a_pause_while_push_to_talk_is_held_does_not_split_the_question() -> None:
    # The first half reads as a finished question; the held button says it is not.
    processor, _, _, _ = _processor(["What's the discount on the AX-200?", "For members?"])
    down, _up = await run_test(
        processor,
        frames_to_send=[
            PushToTalkFrame(pressed=True),
            *_utterance(0.8, pause=0.3),
            *_utterance(0.8, pause=0.3),
            PushToTalkFrame(pressed=False),
            SleepFrame(sleep=0.5),
        ],
    )
    assert _turns(list(down)) == ["What's the discount on the AX-200? For members?"]


async def test_an_unfinished_question_waits_for_the_rest() -> None:
    processor, _, events, _ = _processor(["Is the AX-200 in the", "weekend offer?"])
    down, _up = await run_test(
        processor,
        frames_to_send=[
            *_utterance(0.8, pause=0.2),
            *_utterance(0.6),
        ],
    )
    assert _turns(list(down)) == ["Is the AX-200 in the weekend offer?"]
    assert "turn_waiting" in events.types()


async def test_an_unfinished_question_is_answered_after_the_wait_if_nothing_follows() -> None:
    processor, _, _, _ = _processor(["What about the"], incomplete_wait_secs=0.2)
    down, _up = await run_test(
        processor,
        frames_to_send=_utterance(0.8, pause=1.2),
    )
    assert _turns(list(down)) == ["What about the"]


async def test_loud_speech_while_the_bot_talks_interrupts_it() -> None:
    processor, _, events, state = _processor(["What about the Trail Runner 900?"])
    state.answering = True
    down, up = await run_test(
        processor,
        frames_to_send=[
            BotStartedSpeakingFrame(),
            *speech_frames(0.4, level=0.3),
            *_utterance(0.6, level=0.3),
        ],
    )
    assert any(isinstance(f, InterruptionFrame) for f in up)
    assert "barge_in" in events.types()
    assert _turns(list(down)) == ["What about the Trail Runner 900?"]


async def test_quiet_sound_while_the_bot_talks_is_ignored() -> None:
    processor, transcriber, events, state = _processor(["(music)"])
    state.answering = True
    down, up = await run_test(
        processor,
        frames_to_send=[
            BotStartedSpeakingFrame(),
            *speech_frames(0.4, level=0.005),
            *_utterance(0.6, level=0.005),
        ],
    )
    assert not any(isinstance(f, InterruptionFrame) for f in up)
    assert "barge_in_ignored" in events.types()
    assert _turns(list(down)) == []
    assert transcriber.heard_secs == []


async def test_a_stop_command_is_not_a_question() -> None:
    processor, _, events, _ = _processor(["Stop."])
    down, _up = await run_test(
        processor,
        frames_to_send=_utterance(0.5),
    )
    assert _turns(list(down)) == []
    assert "stop_requested" in events.types()


async def test_8_khz_input_reaches_the_recogniser_as_16_khz_of_the_same_length() -> None:
    transcriber = ScriptedTranscriber(["Is the AX-200 on sale?"])
    processor = UserTurnProcessor(
        state=ConversationState(session_id="s1"),
        transcriber=transcriber,
        barge_in=BargeInPolicy(),
        preroll_secs=0.0,
        sample_rate=8000,
    )
    down, _ = await run_test(
        processor,
        frames_to_send=[
            VADUserStartedSpeakingFrame(),
            *speech_frames(1.0, sample_rate=8000),
            VADUserStoppedSpeakingFrame(),
            SleepFrame(sleep=0.5),
        ],
    )
    assert _turns(list(down)) == ["Is the AX-200 on sale?"]
    # The recogniser counts seconds at 16 kHz: one second of 8 kHz audio is still one second.
    assert transcriber.heard_secs[0] == pytest.approx(1.0, abs=0.03)


async def test_a_release_without_speech_does_not_rush_the_next_turn() -> None:
    # Pressed and released with nothing said; then an unfinished question without the button.
    processor, _, events, _ = _processor(["Is the AX-200 in the", "weekend offer?"])
    down, _up = await run_test(
        processor,
        frames_to_send=[
            PushToTalkFrame(pressed=True),
            PushToTalkFrame(pressed=False),
            SleepFrame(sleep=0.2),
            *_utterance(0.8, pause=0.3),
            *_utterance(0.6),
        ],
    )
    assert _turns(list(down)) == ["Is the AX-200 in the weekend offer?"]
    assert "turn_waiting" in events.types()


def _lacks_promo(text: str) -> bool:
    return "promo" not in text.lower()


async def test_a_turn_split_at_a_dropout_is_heard_again_whole_when_its_words_fall_short() -> None:
    # A stall inside "promo": two utterances, the wake phrase lost at the split.
    processor, transcriber, events, _ = _processor(
        [
            "Hey, pro.",
            "Hello, is the AX-200 in the weekend offer?",
            "Hey promo, is the AX-200 in the weekend offer?",
        ],
        rehear_pieced=_lacks_promo,
    )
    down, _up = await run_test(
        processor, frames_to_send=[*_utterance(0.6, pause=0.3), *_utterance(1.5)]
    )
    assert _turns(list(down)) == ["Hey, pro.", "Hey promo, is the AX-200 in the weekend offer?"]
    # The third transcription heard both utterances as one recording: the second one's
    # pre-roll (the first one's last 0.5 s) only once.
    assert transcriber.heard_secs[-1] == pytest.approx(0.6 + 1.5, abs=0.01)
    whole = [e for e in events.events if isinstance(e, Transcribed) and e.whole_turn]
    assert [e.text for e in whole] == ["Hey promo, is the AX-200 in the weekend offer?"]


async def test_a_split_turn_whose_words_are_enough_is_not_transcribed_again() -> None:
    processor, transcriber, _, _ = _processor(
        ["Hey promo.", "Is the AX-200 in the weekend offer?"], rehear_pieced=_lacks_promo
    )
    down, _up = await run_test(
        processor, frames_to_send=[*_utterance(0.6, pause=0.3), *_utterance(1.5)]
    )
    assert _turns(list(down)) == ["Hey promo.", "Hey promo. Is the AX-200 in the weekend offer?"]
    assert len(transcriber.heard_secs) == 2


async def test_a_long_split_turn_is_not_transcribed_again() -> None:
    # Over the limit (a report said in several breaths): its pieces' words stand.
    processor, transcriber, _, _ = _processor(
        ["The till rejects", "the member discount again."], rehear_pieced=_lacks_promo
    )
    down, _up = await run_test(
        processor, frames_to_send=[*_utterance(7.0, pause=0.3), *_utterance(6.0)]
    )
    assert _turns(list(down))[-1] == "The till rejects the member discount again."
    assert len(transcriber.heard_secs) == 2
