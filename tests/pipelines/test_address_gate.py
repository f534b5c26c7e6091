"""The address gate on real Pipecat frames."""

from __future__ import annotations

from pipecat.frames.frames import TranscriptionFrame
from pipecat.tests.utils import SleepFrame, run_test

from pipelines.address_gate import AddressGateProcessor
from pipelines.addressing import AddressPolicy
from pipelines.conversation_state import ConversationState
from pipelines.frames import PushToTalkFrame
from tests.pipelines.frame_helpers import EventLog


def _gate() -> tuple[AddressGateProcessor, EventLog]:
    events = EventLog()
    gate = AddressGateProcessor(
        state=ConversationState(session_id="s1"), policy=AddressPolicy(), on_event=events
    )
    return gate, events


def _said(text: str) -> TranscriptionFrame:
    return TranscriptionFrame(text=text, user_id="clerk", timestamp="")


async def test_a_turn_without_the_wake_phrase_is_dropped_without_its_text() -> None:
    gate, events = _gate()
    down, _ = await run_test(
        gate, frames_to_send=[_said("Is the AX-200 in the weekend offer?")], expected_down_frames=[]
    )
    assert events.types() == ["turn_not_addressed"]
    assert "AX-200" not in events.events[0].model_dump_json()


async def test_the_wake_phrase_is_stripped_from_an_addressed_turn() -> None:
    gate, events = _gate()
    down, _ = await run_test(
        gate,
        frames_to_send=[_said("Hey promo, is the AX-200 in the weekend offer?")],
        expected_down_frames=[TranscriptionFrame],
    )
    assert down[0].text.lower().startswith("is the ax-200")
    assert events.types() == ["turn_addressed"]


async def test_a_turn_spoken_under_push_to_talk_needs_no_wake_phrase() -> None:
    gate, events = _gate()
    down, _ = await run_test(
        gate,
        frames_to_send=[
            PushToTalkFrame(pressed=True),
            SleepFrame(sleep=0.05),
            PushToTalkFrame(pressed=False),
            _said("Is the AX-200 in the weekend offer?"),
        ],
        expected_down_frames=[TranscriptionFrame],
    )
    assert down[0].text == "Is the AX-200 in the weekend offer?"
    assert events.types() == ["turn_addressed"]
    assert events.events[0].by == "push_to_talk"
