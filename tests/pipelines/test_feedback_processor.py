"""The feedback processor's frame handling and the audio tap, on real Pipecat frames.

The capture here is a small stand-in for the adapter (``voice_agent.feedback.live`` is
tested with the real dialogue, recorder and SQLite in ``tests/feedback``).
"""

from __future__ import annotations

from dataclasses import dataclass

from pipecat.frames.frames import (
    DataFrame,
    Frame,
    TranscriptionFrame,
    TTSSpeakFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.pipeline.pipeline import Pipeline
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor
from pipecat.tests.utils import SleepFrame, run_test

from pipelines.address_gate import AddressGateProcessor
from pipelines.addressing import AddressPolicy
from pipelines.conversation_state import ConversationState
from pipelines.feedback_audio import FeedbackAudioTap
from pipelines.feedback_processor import CaptureReply, FeedbackProcessor, FeedbackTalkFrame
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


# --- the silence timer runs only while the capture listens ------------------------------------


class Opens:
    """A capture opened by "feedback: ...", ended by silence, then correctable for a while.

    Silence of ``ends_secs`` records the capture; silence of ``window_secs`` closes the
    correction window. Every silence it is told of is noted with the state it was in.
    """

    def __init__(self, *, ends_secs: float = 0.1, window_secs: float = 0.2) -> None:
        self.state = "idle"
        self.ends_secs = ends_secs
        self.window_secs = window_secs
        self.silences: list[str] = []

    @property
    def capturing(self) -> bool:
        return self.state == "capturing"

    @property
    def listening(self) -> bool:
        return self.state != "idle"

    async def hear(
        self, text: str, *, push_to_talk: bool, pcm: bytes, sample_rate: int
    ) -> CaptureReply:
        if self.state == "capturing":
            return CaptureReply(consumed=True)
        self.state = "idle"
        if push_to_talk or text.startswith("feedback:"):
            self.state = "capturing"
            return CaptureReply(consumed=True)
        return CaptureReply(consumed=False)

    async def silence(self, seconds: float, *, pcm: bytes, sample_rate: int) -> CaptureReply:
        self.silences.append(self.state)
        if self.state == "capturing" and seconds >= self.ends_secs:
            self.state = "correctable"
            return CaptureReply(consumed=True, say="Saved.", recorded=True)
        if self.state == "correctable" and seconds >= self.window_secs:
            self.state = "idle"
        return CaptureReply(consumed=False)


@dataclass
class ProbeFrame(DataFrame):
    """Marks a moment of the test: the probe notes whether the silence timer runs then."""

    label: str = ""


class TimerProbe(FrameProcessor):
    """Downstream of the feedback processor: on each probe frame, notes its silence timer."""

    def __init__(self, feedback: FeedbackProcessor) -> None:
        super().__init__()
        self._feedback = feedback
        self.seen: dict[str, bool] = {}

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        if isinstance(frame, ProbeFrame):
            self.seen[frame.label] = self._feedback.watching_silence
        await self.push_frame(frame, direction)


def _probed(capture: Opens) -> tuple[FeedbackProcessor, TimerProbe, Pipeline]:
    processor = FeedbackProcessor(state=ConversationState("s1"), capture=capture, tick_secs=0.02)
    probe = TimerProbe(processor)
    return processor, probe, Pipeline([processor, probe])


async def test_no_timer_runs_while_no_capture_listens() -> None:
    capture = Opens()
    _, probe, pipeline = _probed(capture)
    down, _ = await run_test(
        pipeline,
        frames_to_send=[
            ProbeFrame(label="started"),
            _said("Is the AX-200 on sale?"),
            SleepFrame(sleep=0.2),
            ProbeFrame(label="after a question"),
        ],
    )
    assert probe.seen == {"started": False, "after a question": False}
    assert capture.silences == []  # nobody was told of silence: nothing listened
    assert [f.text for f in down if isinstance(f, TranscriptionFrame)] == ["Is the AX-200 on sale?"]


async def test_the_timer_runs_from_the_capture_until_its_correction_window_closes() -> None:
    capture = Opens(ends_secs=0.1, window_secs=0.2)
    processor, probe, pipeline = _probed(capture)
    down, _ = await run_test(
        pipeline,
        frames_to_send=[
            _said("feedback: the till is down"),
            ProbeFrame(label="capturing"),
            SleepFrame(sleep=2.0),  # ample: a loaded machine may stall the timer
            ProbeFrame(label="after the window"),
        ],
    )
    assert probe.seen == {"capturing": True, "after the window": False}
    assert [f.text for f in down if isinstance(f, TTSSpeakFrame)] == ["Saved."]
    # Silence was measured while capturing and while the record was correctable, then no more.
    assert capture.silences[0] == "capturing"
    assert "correctable" in capture.silences
    assert capture.silences[-1] == "correctable"
    assert capture.state == "idle"
    assert not processor.watching_silence


async def test_the_next_capture_starts_the_timer_again() -> None:
    capture = Opens(ends_secs=0.05, window_secs=0.1)
    _, probe, pipeline = _probed(capture)
    down, _ = await run_test(
        pipeline,
        frames_to_send=[
            _said("feedback: size 40 sold out"),
            SleepFrame(sleep=1.5),
            ProbeFrame(label="between"),
            SleepFrame(sleep=0.05),  # the button is a system frame: it would overtake the probe
            FeedbackTalkFrame(),
            ProbeFrame(label="second capture"),
            SleepFrame(sleep=1.5),
            ProbeFrame(label="after"),
        ],
    )
    assert probe.seen == {"between": False, "second capture": True, "after": False}
    assert [f.text for f in down if isinstance(f, TTSSpeakFrame)] == ["Saved.", "Saved."]
