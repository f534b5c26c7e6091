"""The briefing room's caption processor and the clerk's briefing requests, on real frames."""

from __future__ import annotations

from pipecat.frames.frames import (
    OutputAudioRawFrame,
    TranscriptionFrame,
    TTSSpeakFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.pipeline.pipeline import Pipeline
from pipecat.tests.utils import SleepFrame, run_test

from knowledge_base.briefing import Caption
from pipelines.briefing_captions import CaptionProcessor, SpeechClock
from pipelines.briefing_requests import BriefingReply, BriefingRequestProcessor
from pipelines.conversation_state import ConversationState
from pipelines.turn_policy import BargeInPolicy
from pipelines.user_turn_processor import UserTurnProcessor
from tests.pipelines.frame_helpers import ScriptedTranscriber, speech_frames

SAID = [
    "Good morning everyone, here is the briefing for this weekend.",
    "From Saturday the AX-200 is out of the weekend offer.",
]


async def test_each_finished_turn_becomes_a_caption_timed_in_the_speakers_audio() -> None:
    state = ConversationState(session_id="briefing-x")
    captions: list[Caption] = []

    async def sink(start: float, end: float, text: str) -> None:
        captions.append(Caption(start, end, text, "mei"))

    turns = UserTurnProcessor(  # as the briefing room builds it: no sentence continues another
        state=state,
        transcriber=ScriptedTranscriber(SAID),
        barge_in=BargeInPolicy(),
        continuation_gap_secs=0.0,
    )
    clock = SpeechClock()
    down, _ = await run_test(
        Pipeline([clock, turns, CaptionProcessor(clock=clock, sink=sink)]),
        frames_to_send=[
            *speech_frames(1.0, level=0.0),  # the manager is silent for a second
            VADUserStartedSpeakingFrame(),
            *speech_frames(2.0),
            VADUserStoppedSpeakingFrame(),
            SleepFrame(sleep=0.5),
            *speech_frames(1.0, level=0.0),
            VADUserStartedSpeakingFrame(),
            *speech_frames(1.5),
            VADUserStoppedSpeakingFrame(),
            SleepFrame(sleep=0.5),
        ],
    )
    assert [c.text for c in captions] == SAID
    first, second = captions
    assert (first.start, first.end) == (0.5, 3.0)  # the pre-roll before the VAD's start
    assert (second.start, second.end) == (3.5, 5.5)
    assert not [f for f in down if isinstance(f, TranscriptionFrame)]  # nothing is answered


async def test_a_caption_that_cannot_be_delivered_does_not_stop_the_next_one() -> None:
    delivered: list[str] = []

    async def sink(start: float, end: float, text: str) -> None:
        if not delivered and text == SAID[0]:
            delivered.append("failed once")
            raise RuntimeError("storage down")
        delivered.append(text)

    await run_test(
        CaptionProcessor(clock=SpeechClock(), sink=sink),
        frames_to_send=[
            TranscriptionFrame(text=SAID[0], user_id="mei", timestamp=""),
            TranscriptionFrame(text=SAID[1], user_id="mei", timestamp=""),
        ],
    )
    assert delivered == ["failed once", SAID[1]]


class Responder:
    """Answers turns naming a briefing; remembers what it was asked."""

    def __init__(self, reply: BriefingReply) -> None:
        self.reply_with = reply
        self.asked: list[str] = []

    async def reply(self, text: str) -> BriefingReply | None:
        self.asked.append(text)
        return self.reply_with if "briefing" in text else None


def _said(text: str) -> TranscriptionFrame:
    return TranscriptionFrame(text=text, user_id="ana", timestamp="")


async def test_a_briefing_question_is_answered_by_the_quote_not_the_answerer() -> None:
    responder = Responder(BriefingReply(say="The briefing today said: the AX-200 is out."))
    processor = BriefingRequestProcessor(
        state=ConversationState("s1"), responder=responder, output_sample_rate=16000
    )
    down, _ = await run_test(
        processor,
        frames_to_send=[
            _said("What did the briefing say about the AX-200?"),
            _said("Is the AX-200 in the weekend offer?"),
        ],
    )
    spoken = [f.text for f in down if isinstance(f, TTSSpeakFrame)]
    assert spoken == ["The briefing today said: the AX-200 is out."]
    passed = [f.text for f in down if isinstance(f, TranscriptionFrame)]
    assert passed == ["Is the AX-200 in the weekend offer?"]  # left to the answerer


async def test_the_recording_is_played_after_its_introduction_at_the_output_rate() -> None:
    pcm = b"\x10\x00" * 16000 * 2  # two seconds at 16 kHz
    intro = "Here is the briefing from today."
    responder = Responder(BriefingReply(say=intro, pcm=pcm, sample_rate=16000))
    processor = BriefingRequestProcessor(
        state=ConversationState("s1"), responder=responder, output_sample_rate=24000
    )
    down, _ = await run_test(processor, frames_to_send=[_said("play me today's briefing")])
    audio = [f for f in down if isinstance(f, OutputAudioRawFrame)]
    assert {f.sample_rate for f in audio} == {24000}
    total_secs = sum(len(f.audio) for f in audio) / 2 / 24000
    assert abs(total_secs - 2.0) < 0.05
    said = [i for i, f in enumerate(down) if isinstance(f, TTSSpeakFrame)]
    assert [down[i].text for i in said] == [intro]  # type: ignore[attr-defined]
    assert said[0] < down.index(audio[0])  # the introduction first
    assert not [f for f in down if isinstance(f, TranscriptionFrame)]


class Broken:
    async def reply(self, text: str) -> BriefingReply | None:
        raise RuntimeError("database down")


async def test_a_failing_responder_leaves_the_turn_to_the_answerer() -> None:
    processor = BriefingRequestProcessor(
        state=ConversationState("s1"), responder=Broken(), output_sample_rate=16000
    )
    down, _ = await run_test(
        processor,
        frames_to_send=[_said("play me today's briefing")],
        expected_down_frames=[TranscriptionFrame],
    )
    assert down[0].text == "play me today's briefing"
