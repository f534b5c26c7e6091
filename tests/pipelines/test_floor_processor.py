"""The floor: headquarters speaks to a clerk at quiet moments and listens for the reply.

Each test runs a real Pipecat pipeline with ``run_test``: the address gate, the floor, the
real ``AnswerProcessor``, a tone "text to speech" (a ``TTSService`` subclass), the real
replay output transport playing in real time, the ``PlaybackTracker`` and the playback
probe. A clerk stub at the head of the pipeline pushes what the turn processor would:
finished turns (``TranscriptionFrame``), interruptions, push-to-talk acknowledgements.
"""

from __future__ import annotations

import asyncio
import math
import struct
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field

import pytest
from pipecat.frames.frames import (
    Frame,
    InterruptionFrame,
    StartFrame,
    TranscriptionFrame,
    TTSAudioRawFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.pipeline.pipeline import Pipeline
from pipecat.pipeline.worker import PipelineParams
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor
from pipecat.services.settings import TTSSettings
from pipecat.services.tts_service import TTSService
from pipecat.tests.utils import SleepFrame, run_test

from knowledge_base.answering import Answer, Answerer, AnswerSource, Question
from pipelines.address_gate import AddressGateProcessor
from pipelines.addressing import AddressPolicy
from pipelines.answer_processor import AnswerProcessor, CallerProfile
from pipelines.conversation_state import ConversationState
from pipelines.events import SessionEvent
from pipelines.floor_models import ExpectedReply, Utterance, UtteranceError, UtteranceKind
from pipelines.floor_playback import FloorPlaybackProbe
from pipelines.floor_processor import FloorProcessor
from pipelines.frames import AcknowledgeFrame, ResumeSpeechFrame
from pipelines.playback_tracker import PlaybackTracker
from pipelines.transports.replay import ReplayTransport

RATE = 16000
NOTICE = Utterance(
    id="weekend-running@2",
    kind=UtteranceKind.NOTICE,
    sentences=(
        "Urgent update to the Weekend Running Offer: the discount went up to 20 percent.",
        'Say "got it" when you have it.',
    ),
    expects=ExpectedReply.ACKNOWLEDGEMENT,
)
QUESTION = "Hey promo, is the AX-200 in the weekend offer?"
ANSWER = "Yes, the AX-200 is in the weekend offer. Members get an extra 5 percent off."


class ToneTTS(TTSService):
    """Speaks every text as a quiet tone, 10 ms per character, and records what it spoke."""

    def __init__(self, *, spoken: list[str]) -> None:
        super().__init__(
            push_start_frame=True,
            push_stop_frames=True,
            sample_rate=RATE,
            settings=TTSSettings(model=None, voice="tone", language=None),
        )
        self.spoken = spoken

    async def run_tts(self, text: str, context_id: str) -> AsyncGenerator[Frame, None]:
        """One tone as long as the text."""
        self.spoken.append(text)
        samples = int(RATE * 0.01 * len(text))
        tone = (int(3000 * math.sin(2 * math.pi * 440 * n / RATE)) for n in range(samples))
        audio = struct.pack(f"<{samples}h", *tone)
        yield TTSAudioRawFrame(audio=audio, sample_rate=RATE, num_channels=1, context_id=context_id)


class ScriptedAnswerer(Answerer):
    """Answers every question with ``ANSWER``; holds the answer while ``hold`` is clear."""

    def __init__(self) -> None:
        self.questions: list[str] = []
        self.hold = asyncio.Event()
        self.hold.set()

    async def answer(self, question: Question) -> Answer:
        """Record the question, wait if held, answer."""
        self.questions.append(question.text)
        await self.hold.wait()
        return Answer(text=ANSWER, source=AnswerSource.GROUNDED)

    async def stream(self, question: Question) -> AsyncIterator[str | Answer]:
        """The default streaming, over :meth:`answer`."""
        answer = await self.answer(question)
        for sentence in answer.sentences():
            yield sentence
        yield answer


class Clerk(FrameProcessor):
    """The head of the test pipeline: pushes what the clerk's turn processor would."""

    def __init__(self) -> None:
        super().__init__(name="Clerk")
        self.started = asyncio.Event()

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Pass everything on; note the start."""
        await super().process_frame(frame, direction)
        if isinstance(frame, StartFrame):
            self.started.set()
        await self.push_frame(frame, direction)

    async def says(self, text: str) -> None:
        """A finished turn."""
        await self.push_frame(TranscriptionFrame(text=text, user_id="clerk", timestamp=""))


@dataclass
class Session:
    """One test session: its processors and what they reported."""

    clerk: Clerk
    floor: FloorProcessor
    state: ConversationState
    answerer: ScriptedAnswerer
    spoken: list[str]
    events: list[SessionEvent] = field(default_factory=list)
    quiz_answers: list[tuple[str, str]] = field(default_factory=list)
    free_texts: list[tuple[str, str]] = field(default_factory=list)

    def types(self) -> list[str]:
        return [event.type for event in self.events]

    def floor_events(self) -> list[tuple[str, str]]:
        """(type, reply or reason or '') of the floor's events, in order."""
        floor_types = {
            "utterance_started",
            "utterance_played",
            "utterance_interrupted",
            "utterance_withdrawn",
            "reply_received",
            "reply_timed_out",
        }
        return [
            (e.type, str(getattr(e, "reply", getattr(e, "reason", ""))))
            for e in self.events
            if e.type in floor_types
        ]

    async def until(self, condition: Callable[[], bool]) -> None:
        """Wait for ``condition`` (at most 10 s: a generous bound on a loaded machine)."""
        async with asyncio.timeout(10.0):
            # Polled: the condition spans several processors' state, with no one event.
            while not condition():  # noqa: ASYNC110
                await asyncio.sleep(0.01)

    async def until_event(self, type_: str, count: int = 1) -> None:
        await self.until(lambda: self.types().count(type_) >= count)


Scenario = Callable[[Session], Awaitable[None]]


async def run_session(scenario: Scenario, *, reply_pause_secs: float = 0.3) -> Session:
    """Run ``scenario`` against a fresh session, then end the pipeline."""
    state = ConversationState(session_id="floor-test")
    spoken: list[str] = []
    answerer = ScriptedAnswerer()
    clerk = Clerk()
    session: Session

    async def on_quiz_answer(utterance: Utterance, text: str) -> None:
        session.quiz_answers.append((utterance.id, text))

    async def on_free_text(utterance: Utterance, text: str) -> None:
        session.free_texts.append((utterance.id, text))

    def record(event: SessionEvent) -> None:
        session.events.append(event)

    floor = FloorProcessor(
        state=state,
        pause_secs=reply_pause_secs,
        on_quiz_answer=on_quiz_answer,
        on_free_text=on_free_text,
        on_event=record,
    )
    session = Session(clerk=clerk, floor=floor, state=state, answerer=answerer, spoken=spoken)
    transport = ReplayTransport(pcm16=b"", output_sample_rate=RATE, realtime=True)
    pipeline = Pipeline(
        [
            clerk,
            AddressGateProcessor(
                state=state, policy=AddressPolicy(follow_up_secs=0.0), on_event=record
            ),
            floor,
            AnswerProcessor(
                state=state, answerer=answerer, caller=CallerProfile(), on_event=record
            ),
            ToneTTS(spoken=spoken),
            transport.output(),
            PlaybackTracker(state=state, on_event=record),
            FloorPlaybackProbe(),
        ]
    )

    done = asyncio.Event()

    async def drive() -> None:
        await clerk.started.wait()
        try:
            await scenario(session)
        finally:
            done.set()

    def while_driving() -> Iterator[Frame]:
        # run_test sends its EndFrame once these run out: after the scenario.
        while not done.is_set():
            yield SleepFrame(sleep=0.02)

    await asyncio.gather(
        run_test(
            pipeline,
            frames_to_send=while_driving(),  # type: ignore[arg-type]
            pipeline_params=PipelineParams(audio_in_sample_rate=RATE, audio_out_sample_rate=RATE),
        ),
        drive(),
    )
    return session


async def _notice_played(session: Session, utterance: Utterance = NOTICE) -> None:
    await session.floor.offer(utterance)
    await session.until_event("utterance_played")


async def test_a_notice_offered_at_a_quiet_moment_is_spoken_and_played_to_the_end() -> None:
    session = await run_session(_notice_played)
    assert session.spoken == list(NOTICE.sentences)
    assert session.floor_events() == [("utterance_started", ""), ("utterance_played", "")]
    started = next(e for e in session.events if e.type == "utterance_started")
    assert started.model_dump()["play"] == 1


async def test_a_notice_offered_mid_question_waits_until_the_answer_has_finished_playing() -> None:
    async def scenario(session: Session) -> None:
        session.answerer.hold.clear()
        await session.clerk.says(QUESTION)
        await session.until(lambda: session.state.answering)
        await session.floor.offer(NOTICE)
        await asyncio.sleep(0.5)  # time enough to speak it, were the floor not waiting
        assert session.spoken == [] and "utterance_started" not in session.types()
        session.answerer.hold.set()
        await session.until_event("utterance_played")

    session = await run_session(scenario)
    answer_sentences = session.spoken[: -len(NOTICE.sentences)]
    assert answer_sentences and " ".join(answer_sentences).replace(", ", " ") != ""
    assert session.spoken[-len(NOTICE.sentences) :] == list(NOTICE.sentences)
    types = session.types()
    answer_audio_stopped = max(i for i, t in enumerate(types) if t == "bot_audio_stopped")
    # The last bot_audio_stopped is the notice's own; the answer's came before the notice.
    first_stop = types.index("bot_audio_stopped")
    assert first_stop < types.index("utterance_started") < answer_audio_stopped
    stopped_at = next(e.at for e in session.events if e.type == "bot_audio_stopped")
    started_at = next(e.at for e in session.events if e.type == "utterance_started")
    assert started_at - stopped_at >= 0.3  # and a pause after the answer, as configured


async def test_a_notice_cut_off_by_the_clerk_is_reported_interrupted_not_played() -> None:
    async def scenario(session: Session) -> None:
        await session.floor.offer(NOTICE)
        await session.until_event("utterance_started")
        await session.clerk.push_frame(InterruptionFrame())
        await session.until_event("utterance_interrupted")
        await asyncio.sleep(0.3)

    session = await run_session(scenario)
    assert session.floor_events() == [
        ("utterance_started", ""),
        ("utterance_interrupted", "barge_in"),
    ]
    assert session.floor.awaiting_reply == NOTICE.id  # "got it" may still come


async def test_a_barge_in_without_words_has_the_notice_said_again_whole() -> None:
    async def scenario(session: Session) -> None:
        await session.floor.offer(NOTICE)
        await session.until_event("utterance_started")
        await session.clerk.push_frame(InterruptionFrame())
        await session.until_event("utterance_interrupted")
        # What the turn processor sends when the interruption's transcript had no words.
        await session.clerk.push_frame(ResumeSpeechFrame())
        await session.until_event("utterance_played")

    session = await run_session(scenario)
    plays = [e.model_dump()["play"] for e in session.events if e.type == "utterance_started"]
    assert plays == [1, 2]
    assert session.spoken[-len(NOTICE.sentences) :] == list(NOTICE.sentences)
    assert session.answerer.questions == []


async def test_a_notice_waits_for_a_pause_after_the_clerks_own_speech() -> None:
    async def scenario(session: Session) -> None:
        # The clerk talks to a customer (not to the assistant): the gate drops the turn,
        # but the end of the speech still counts.
        await session.clerk.push_frame(VADUserStoppedSpeakingFrame())
        await session.clerk.says("The fitting rooms are just over there.")
        await session.until_event("turn_not_addressed")
        stopped_at.append(session.state.last_activity_at)
        await session.floor.offer(NOTICE)
        await session.until_event("utterance_started")

    stopped_at: list[float | None] = []
    session = await run_session(scenario, reply_pause_secs=0.5)
    assert session.answerer.questions == []
    assert stopped_at[0] is not None  # the end of the clerk's speech was noted
    started_at = next(e.at for e in session.events if e.type == "utterance_started")
    assert started_at - stopped_at[0] >= 0.5


async def test_got_it_after_a_notice_is_an_acknowledgement_and_never_reaches_the_answerer() -> None:
    async def scenario(session: Session) -> None:
        await _notice_played(session)
        assert session.state.expecting_reply
        await session.clerk.says("Got it.")  # no wake phrase, follow-up window closed
        await session.until_event("reply_received")

    session = await run_session(scenario)
    assert session.floor_events()[-1] == ("reply_received", "acknowledged")
    assert session.answerer.questions == []
    assert not session.state.expecting_reply and session.floor.awaiting_reply is None


async def test_without_an_awaited_reply_the_wake_phrase_is_needed_again() -> None:
    async def scenario(session: Session) -> None:
        await _notice_played(session)
        await session.clerk.says("Got it.")
        await session.until_event("reply_received")
        await session.clerk.says("Got it.")
        await session.until_event("turn_not_addressed")

    session = await run_session(scenario)
    assert session.types().count("reply_received") == 1
    assert session.answerer.questions == []


async def test_got_it_acknowledges_a_notice_heard_before_this_session_without_saying_it() -> None:
    async def scenario(session: Session) -> None:
        await session.floor.await_reply(NOTICE)  # played by the session before a restart
        await session.until(lambda: session.state.expecting_reply)
        await session.clerk.says("Got it.")  # no wake phrase: the reply is awaited
        await session.until_event("reply_received")

    session = await run_session(scenario)
    assert session.floor_events() == [("reply_received", "acknowledged")]
    assert session.spoken == [] and session.answerer.questions == []
    assert session.floor.awaiting_reply is None


async def test_push_to_talk_acknowledges_a_notice() -> None:
    async def scenario(session: Session) -> None:
        await _notice_played(session)
        await session.clerk.push_frame(AcknowledgeFrame())
        await session.until_event("reply_received")

    session = await run_session(scenario)
    reply = next(e for e in session.events if e.type == "reply_received").model_dump()
    assert (reply["reply"], reply["by"], reply["text"]) == ("acknowledged", "push_to_talk", "")


async def test_say_that_again_replays_the_notice_and_the_wait_goes_on() -> None:
    async def scenario(session: Session) -> None:
        await _notice_played(session)
        await session.clerk.says("Sorry, say that again?")
        await session.until_event("utterance_played", count=2)

    session = await run_session(scenario)
    assert session.spoken == list(NOTICE.sentences) * 2
    assert ("reply_received", "repeat") in session.floor_events()
    plays = [e.model_dump()["play"] for e in session.events if e.type == "utterance_started"]
    assert plays == [1, 2]
    assert session.floor.awaiting_reply == NOTICE.id


async def test_an_ordinary_question_while_waiting_is_answered_and_the_wait_goes_on() -> None:
    async def scenario(session: Session) -> None:
        await _notice_played(session)
        await session.clerk.says(QUESTION)
        await session.until_event("answer_completed")
        assert session.floor.awaiting_reply == NOTICE.id
        await session.until(lambda: session.state.is_idle)
        await session.clerk.says("Okay, got it, thanks.")
        await session.until(lambda: session.floor.awaiting_reply is None)

    session = await run_session(scenario)
    assert session.answerer.questions == ["Is the AX-200 in the weekend offer?"]
    replies = [reply for kind, reply in session.floor_events() if kind == "reply_received"]
    assert replies == ["other", "acknowledged"]


async def test_a_customer_conversation_while_waiting_is_neither_answered_nor_kept() -> None:
    async def scenario(session: Session) -> None:
        await _notice_played(session)
        await session.clerk.says("Do you have these in a size nine?")
        await session.until_event("turn_not_addressed")

    session = await run_session(scenario)
    assert session.answerer.questions == []
    assert "reply_received" not in session.types()
    assert session.floor.awaiting_reply == NOTICE.id


async def test_a_withdrawn_notice_is_never_spoken() -> None:
    async def scenario(session: Session) -> None:
        session.answerer.hold.clear()
        await session.clerk.says(QUESTION)
        await session.until(lambda: session.state.answering)
        await session.floor.offer(NOTICE)
        await session.floor.withdraw(NOTICE.id)
        await session.until_event("utterance_withdrawn")
        session.answerer.hold.set()
        await session.until_event("answer_completed")
        await session.until(lambda: session.state.is_idle)
        await asyncio.sleep(0.6)  # past the pause: a queued notice would start now

    session = await run_session(scenario)
    assert not set(NOTICE.sentences) & set(session.spoken)
    assert "utterance_started" not in session.types()
    withdrawn = next(e for e in session.events if e.type == "utterance_withdrawn")
    assert withdrawn.model_dump()["was_playing"] is False


async def test_withdrawing_a_playing_notice_stops_it() -> None:
    async def scenario(session: Session) -> None:
        await session.floor.offer(NOTICE)
        await session.until_event("utterance_started")
        await session.floor.withdraw(NOTICE.id)
        await session.until_event("utterance_withdrawn")
        await asyncio.sleep(0.3)

    session = await run_session(scenario)
    assert "utterance_played" not in session.types()
    withdrawn = next(e for e in session.events if e.type == "utterance_withdrawn")
    assert withdrawn.model_dump()["was_playing"] is True
    assert not session.state.expecting_reply


async def test_a_quiz_answer_goes_to_the_scoring_callback_without_the_wake_phrase() -> None:
    question = Utterance(
        id="weekend-running@2:discount",
        kind=UtteranceKind.QUIZ_QUESTION,
        sentences=("Quick check: what is the discount in the weekend running offer?",),
        expects=ExpectedReply.QUIZ_ANSWER,
    )

    async def scenario(session: Session) -> None:
        await _notice_played(session, question)
        await session.clerk.says("Twenty percent.")
        await session.until(lambda: bool(session.quiz_answers))

    session = await run_session(scenario)
    assert session.quiz_answers == [(question.id, "Twenty percent.")]
    assert session.answerer.questions == []


async def test_free_text_goes_to_its_callback() -> None:
    confirmation = Utterance(
        id="feedback-17",
        kind=UtteranceKind.FEEDBACK_CONFIRMATION,
        sentences=("Noted: size 40 of the AX-200 sold out. Anything to correct?",),
        expects=ExpectedReply.FREE_TEXT,
        wait_for_pause=False,
    )

    async def scenario(session: Session) -> None:
        await _notice_played(session, confirmation)
        await session.clerk.says("No, it was size 41.")
        await session.until(lambda: bool(session.free_texts))

    session = await run_session(scenario)
    assert session.free_texts == [("feedback-17", "No, it was size 41.")]


async def test_an_unanswered_notice_times_out_and_the_wake_phrase_is_needed_again() -> None:
    short = Utterance(
        id="n1", kind=UtteranceKind.NOTICE, sentences=("Heads up.",), reply_within_secs=0.2,
        expects=ExpectedReply.ACKNOWLEDGEMENT,
    )  # fmt: skip

    async def scenario(session: Session) -> None:
        await _notice_played(session, short)
        await session.until_event("reply_timed_out")

    session = await run_session(scenario)
    assert session.floor_events()[-1] == ("reply_timed_out", "")
    assert not session.state.expecting_reply


async def test_higher_priority_is_spoken_first_and_one_exchange_at_a_time() -> None:
    low = Utterance(id="low", kind=UtteranceKind.NOTICE, sentences=("Low.",))
    high = Utterance(
        id="high", kind=UtteranceKind.NOTICE, sentences=("High.",), priority=5,
        expects=ExpectedReply.ACKNOWLEDGEMENT,
    )  # fmt: skip

    async def scenario(session: Session) -> None:
        session.answerer.hold.clear()
        await session.clerk.says(QUESTION)
        await session.until(lambda: session.state.answering)
        await session.floor.offer(low)
        await session.floor.offer(high)
        session.answerer.hold.set()
        await session.until_event("utterance_played")
        await asyncio.sleep(0.6)  # "low" waits: "high" awaits its acknowledgement
        assert session.spoken[-1] == "High."
        await session.clerk.says("Got it.")
        await session.until_event("utterance_played", count=2)

    session = await run_session(scenario)
    assert session.spoken[-2:] == ["High.", "Low."]


@pytest.mark.parametrize(
    "fields",
    [
        {"id": " ", "sentences": ("Hi.",)},
        {"id": "x", "sentences": ()},
        {"id": "x", "sentences": ("",)},
        {"id": "x", "sentences": ("a" * 601,)},
        {"id": "x", "sentences": ("Hi.",), "reply_within_secs": 0},
    ],
)
def test_an_utterance_that_cannot_be_spoken_is_refused_with_a_code(fields: dict) -> None:
    with pytest.raises(UtteranceError) as caught:
        Utterance(kind=UtteranceKind.NOTICE, **fields)
    assert caught.value.code == "utterance_invalid"
