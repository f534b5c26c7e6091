"""The feedback processor's frame handling and the audio tap, on real Pipecat frames.

The capture here is a small stand-in for the adapter (``voice_agent.feedback.live`` is
tested with the real dialogue, recorder and SQLite in ``tests/feedback``).
"""

from __future__ import annotations

from pipecat.frames.frames import (
    TranscriptionFrame,
    TTSSpeakFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.pipeline.pipeline import Pipeline
from pipecat.tests.utils import SleepFrame, run_test

from pipelines.address_gate import AddressGateProcessor
from pipelines.addressing import AddressPolicy
from pipelines.conversation_state import ConversationState
from pipelines.feedback_audio import FeedbackAudioTap
from pipelines.feedback_processor import CaptureReply, FeedbackProcessor
from tests.pipelines.frame_helpers import speech_frames


class BrokenCapture:
    """A capture whose every call fails (a bug in the adapter)."""

    capturing = False
    listening = False

    async def hear(self, text: str, *, push_to_talk: bool, pcm: bytes, sample_rate: int):
        raise RuntimeError("capture bug")

    async def silence(self, seconds: float, *, pcm: bytes, sample_rate: int) -> CaptureReply:
        raise RuntimeError("capture bug")


class HeardAudio:
    """Takes every turn, and notes how much audio it was handed."""

    capturing = False
    listening = False

    def __init__(self) -> None:
        self.pcm_secs: list[float] = []

    async def hear(
        self, text: str, *, push_to_talk: bool, pcm: bytes, sample_rate: int
    ) -> CaptureReply:
        self.pcm_secs.append(len(pcm) / 2 / sample_rate if sample_rate else 0.0)
        return CaptureReply(consumed=True, say="Noted.", recorded=True)

    async def silence(self, seconds: float, *, pcm: bytes, sample_rate: int) -> CaptureReply:
        return CaptureReply(consumed=False)


def _said(text: str) -> TranscriptionFrame:
    return TranscriptionFrame(text=text, user_id="clerk", timestamp="")


async def test_a_failing_capture_leaves_the_turn_to_the_answerer() -> None:
    processor = FeedbackProcessor(state=ConversationState("s1"), capture=BrokenCapture())
    down, _ = await run_test(
        processor,
        frames_to_send=[_said("Is the AX-200 on sale?")],
        expected_down_frames=[TranscriptionFrame],
    )
    assert down[0].text == "Is the AX-200 on sale?"


async def test_the_turns_audio_with_its_first_syllables_goes_to_the_capture() -> None:
    capture = HeardAudio()
    tap = FeedbackAudioTap()
    processor = FeedbackProcessor(state=ConversationState("s1"), capture=capture, audio=tap)
    down, _ = await run_test(
        Pipeline([tap, processor]),
        frames_to_send=[
            *speech_frames(0.3),  # before the VAD's start: the pre-roll
            VADUserStartedSpeakingFrame(),
            *speech_frames(1.0),
            VADUserStoppedSpeakingFrame(),
            _said("feedback: the till is down"),
            SleepFrame(sleep=0.1),
        ],
    )
    (secs,) = capture.pcm_secs
    assert 1.0 <= secs <= 1.0 + 0.3 + 0.05
    assert [f.text for f in down if isinstance(f, TTSSpeakFrame)] == ["Noted."]
    assert not tap.recording  # handed over with the record: nothing kept after it


def test_the_tap_keeps_bounded_audio_outside_and_during_a_capture() -> None:
    now = [0.0]
    tap = FeedbackAudioTap(keep_secs=1.0, max_secs=2.0, clock=lambda: now[0])
    chunk = b"\x01\x00" * 320  # 20 ms at 16 kHz
    for _ in range(200):  # four seconds, nothing recorded: one second kept
        now[0] += 0.02
        tap._add(chunk, 16000)
    tap.start(since=now[0] - 0.5)
    assert abs(len(tap.take()) / 32000 - 0.5) <= 0.03
    for _ in range(500):  # ten more seconds: the recording stops at two seconds
        now[0] += 0.02
        tap._add(chunk, 16000)
    assert len(tap.take()) == 2 * 32000
    tap.stop()
    assert tap.take() == b""


async def test_the_gate_lets_turns_without_wake_phrase_through_while_feedback_is_captured() -> None:
    state = ConversationState("s1")
    state.feedback_capturing = True
    gate = AddressGateProcessor(state=state, policy=AddressPolicy())
    down, _ = await run_test(
        gate,
        frames_to_send=[_said("size 46 is gone too")],
        expected_down_frames=[TranscriptionFrame],
    )
    assert down[0].text == "size 46 is gone too"


class Collects:
    """Opens a capture on the first turn and collects every text it is handed."""

    listening = False

    def __init__(self) -> None:
        self.texts: list[str] = []

    @property
    def capturing(self) -> bool:
        return bool(self.texts)

    async def hear(
        self, text: str, *, push_to_talk: bool, pcm: bytes, sample_rate: int
    ) -> CaptureReply:
        self.texts.append(text)
        return CaptureReply(consumed=True)

    async def silence(self, seconds: float, *, pcm: bytes, sample_rate: int) -> CaptureReply:
        return CaptureReply(consumed=False)


async def test_a_turn_merged_with_the_one_before_hands_the_capture_only_the_new_part() -> None:
    capture = Collects()
    processor = FeedbackProcessor(state=ConversationState("s1"), capture=capture)
    await run_test(
        processor,
        frames_to_send=[
            _said("Record feedback."),
            SleepFrame(sleep=0.05),
            _said("Record feedback. No more Glacier Boot 320 in 38"),
            SleepFrame(sleep=0.05),
            _said("Record feedback. No more Glacier Boot 320 in 38, and 39"),
            SleepFrame(sleep=0.05),
            _said("Record feedback is what I said"),
        ],
    )
    assert capture.texts == [
        "Record feedback.",
        "No more Glacier Boot 320 in 38",
        "and 39",
        "Record feedback is what I said",
    ]
