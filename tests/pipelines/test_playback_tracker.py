"""The playback tracker on real Pipecat frames."""

from __future__ import annotations

from pipecat.frames.frames import BotStartedSpeakingFrame, BotStoppedSpeakingFrame, TTSStartedFrame
from pipecat.processors.frame_processor import FrameDirection
from pipecat.tests.utils import run_test

from pipelines.conversation_state import ConversationState
from pipelines.playback_tracker import PlaybackTracker
from tests.pipelines.frame_helpers import EventLog


async def test_played_sentences_are_counted_and_bot_audio_is_reported() -> None:
    state = ConversationState(session_id="s1")
    events = EventLog()
    down, _ = await run_test(
        PlaybackTracker(state=state, on_event=events),
        frames_to_send=[
            BotStartedSpeakingFrame(),
            TTSStartedFrame(),
            TTSStartedFrame(),
            BotStoppedSpeakingFrame(),
        ],
    )
    # Every frame goes on (system frames overtake the others, so the order may differ).
    assert sorted(type(f).__name__ for f in down) == sorted(
        ["BotStartedSpeakingFrame", "TTSStartedFrame", "TTSStartedFrame", "BotStoppedSpeakingFrame"]
    )
    assert state.sentences_played == 2
    assert events.types() == ["bot_audio_started", "bot_audio_stopped"]


async def test_upstream_frames_pass_without_counting() -> None:
    state = ConversationState(session_id="s1")
    events = EventLog()
    _, up = await run_test(
        PlaybackTracker(state=state, on_event=events),
        frames_to_send=[BotStartedSpeakingFrame()],
        frames_to_send_direction=FrameDirection.UPSTREAM,
        expected_up_frames=[BotStartedSpeakingFrame],
    )
    assert events.types() == []
