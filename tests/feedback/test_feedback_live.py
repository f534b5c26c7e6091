"""Spoken feedback in the voice loop, on real Pipecat frames with the real recorder and SQLite.

The processor, the live adapter, the domain's dialogue, the offline classifier and the
SQLite repository are all real; only the turns are given as transcripts instead of speech.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from pipecat.frames.frames import (
    Frame,
    TranscriptionFrame,
    TTSSpeakFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.pipeline.pipeline import Pipeline
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor
from pipecat.tests.utils import SleepFrame, run_test

from knowledge_base.answering import Role
from knowledge_base.feedback.classifier import OfflineClassifier
from knowledge_base.feedback.models import FeedbackRecord
from knowledge_base.feedback.queries import Viewer
from knowledge_base.loader import load_knowledge_base
from pipelines.address_gate import AddressGateProcessor
from pipelines.addressing import AddressPolicy
from pipelines.answer_processor import CallerProfile
from pipelines.conversation_state import ConversationState
from pipelines.feedback_processor import FeedbackTalkFrame
from tests.pipelines.frame_helpers import speech_frames
from voice_agent.feedback.audio import FeedbackAudio, decode_flac
from voice_agent.feedback.classifiers import OfflineFeedbackClassifier
from voice_agent.feedback.desk import FeedbackDesk
from voice_agent.feedback.live import (
    feedback_button,
    feedback_for_clerks,
    feedback_session_processors,
)
from voice_agent.feedback.recorder import FeedbackRecorder, FeedbackSink
from voice_agent.settings import Settings
from voice_agent.storage import SqlFeedbackRepository, open_database
from voice_agent.storage.engine import Database

HQ = Viewer(role=Role.HQ, identity="hq")


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    db = open_database(f"sqlite:///{tmp_path / 'feedback.sqlite3'}")
    yield db
    db.close()


class Spoken(FrameProcessor):
    """Notes, in one log with the sink, when a sentence reaches speech."""

    def __init__(self, log: list[str]) -> None:
        super().__init__()
        self.log = log

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        if isinstance(frame, TTSSpeakFrame):
            self.log.append(f"spoken: {frame.text}")
        await self.push_frame(frame, direction)


class LoggingSink(FeedbackSink):
    """The real repository, noting each commit in the shared log (or failing like a dead DB)."""

    def __init__(self, repository: SqlFeedbackRepository, log: list[str], *, down: bool = False):
        self.repository = repository
        self.log = log
        self.down = down

    async def add(
        self, records: Sequence[FeedbackRecord], *, audio: FeedbackAudio | None = None
    ) -> None:
        if self.down:
            raise ConnectionError("database is down")
        await self.repository.add(records, audio=audio)
        self.log.append(f"committed: {records[0].id}")


def _session(
    offline_classifier: OfflineClassifier,
    sink: FeedbackSink,
    state: ConversationState,
    silence_secs: float = 30.0,
) -> Pipeline:
    """The live feedback processors; silence ends a capture only in the tests about it
    (a loaded machine can stall a test for longer than a short silence)."""
    knowledge = load_knowledge_base()
    build = feedback_session_processors(
        recorder=lambda: FeedbackRecorder(
            knowledge=knowledge,
            classifier=OfflineFeedbackClassifier(classifier=offline_classifier),
            sink=sink,
        ),
        clerk_id="li.na",
        caller=CallerProfile(store_id="SH-01"),
        silence_secs=silence_secs,
    )
    extra = build(state)
    log = sink.log if isinstance(sink, LoggingSink) else []
    return Pipeline([*extra.input, *extra.before_answer, Spoken(log)])


def _said(text: str) -> TranscriptionFrame:
    return TranscriptionFrame(text=text, user_id="clerk", timestamp="")


def _turn(text: str, secs: float = 1.0) -> list[Frame]:
    return [
        VADUserStartedSpeakingFrame(),
        *speech_frames(secs),
        VADUserStoppedSpeakingFrame(),
        _said(text),
    ]


def _of(frames: Sequence[Frame], kind: type) -> list:
    return [frame for frame in frames if isinstance(frame, kind)]


async def test_a_feedback_turn_is_stored_with_its_audio_then_confirmed_and_never_answered(
    offline_classifier: OfflineClassifier, database: Database
) -> None:
    log: list[str] = []
    repository = SqlFeedbackRepository(database=database)
    state = ConversationState(session_id="s1")
    down, _ = await run_test(
        _session(offline_classifier, LoggingSink(repository, log), state),
        frames_to_send=[
            *_turn("Feedback: size 40 of the AX-200 sold out again", secs=1.5),
            *_turn("done", secs=0.5),
            SleepFrame(sleep=0.2),
        ],
    )
    assert _of(down, TranscriptionFrame) == []  # the answerer never sees feedback
    (spoken,) = _of(down, TTSSpeakFrame)
    assert spoken.text.startswith("Noted: size 40 of the AX-200 sold out again")
    assert [entry.split(":")[0] for entry in log] == ["committed", "spoken"]
    (record,) = repository.matching(viewer=HQ)
    assert record.transcript == "size 40 of the AX-200 sold out again"
    assert record.category == "stock_availability" and "AX-200" in record.products
    assert record.clerk_id == "li.na" and record.store_id == "SH-01"
    stored = repository.audio(record.id, viewer=HQ)
    assert stored is not None and stored.format == "flac"
    samples, rate = decode_flac(stored.data)
    assert rate == 16000 and samples.size / rate >= 2.0  # both turns' audio, with the trigger
    assert not state.feedback_capturing


async def test_silence_ends_a_feedback_turn_and_the_record_is_confirmed(
    offline_classifier: OfflineClassifier, database: Database
) -> None:
    repository = SqlFeedbackRepository(database=database)
    state = ConversationState(session_id="s1")
    down, _ = await run_test(
        _session(offline_classifier, LoggingSink(repository, []), state, silence_secs=0.4),
        frames_to_send=[
            *_turn("record feedback, the till rejects the member discount"),
            SleepFrame(sleep=2.0),
        ],
    )
    (spoken,) = _of(down, TTSSpeakFrame)
    assert spoken.text.startswith("Noted: the till rejects the member discount")
    (record,) = repository.matching(viewer=HQ)
    assert record.category == "display_till_system"


async def test_while_a_capture_is_open_the_clerk_needs_no_wake_phrase(
    offline_classifier: OfflineClassifier, database: Database
) -> None:
    repository = SqlFeedbackRepository(database=database)
    state = ConversationState(session_id="s1")
    gate = AddressGateProcessor(state=state, policy=AddressPolicy())
    session = _session(offline_classifier, LoggingSink(repository, []), state)
    down, _ = await run_test(
        Pipeline([gate, session]),
        frames_to_send=[
            *_turn("hey promo, feedback"),
            SleepFrame(sleep=0.2),
            *_turn("customers keep asking for the AX-200 in size 46"),
            SleepFrame(sleep=0.2),
            *_turn("done"),
            SleepFrame(sleep=0.2),
            *_turn("is the AX-200 in the weekend offer?"),  # no wake phrase: not for us
            SleepFrame(sleep=0.2),
        ],
    )
    (record,) = repository.matching(viewer=HQ)
    assert record.transcript == "customers keep asking for the AX-200 in size 46"
    assert _of(down, TranscriptionFrame) == []
    assert not state.feedback_capturing


async def test_an_ordinary_question_goes_on_to_the_answerer_untouched(
    offline_classifier: OfflineClassifier, database: Database
) -> None:
    repository = SqlFeedbackRepository(database=database)
    down, _ = await run_test(
        _session(offline_classifier, LoggingSink(repository, []), ConversationState("s1")),
        frames_to_send=[*_turn("Is the AX-200 in the weekend offer?"), SleepFrame(sleep=0.2)],
    )
    assert [frame.text for frame in _of(down, TranscriptionFrame)] == [
        "Is the AX-200 in the weekend offer?"
    ]
    assert _of(down, TTSSpeakFrame) == []
    assert repository.matching(viewer=HQ) == []


async def test_the_feedback_button_starts_a_capture_without_a_trigger_phrase(
    offline_classifier: OfflineClassifier, database: Database
) -> None:
    repository = SqlFeedbackRepository(database=database)
    down, _ = await run_test(
        _session(offline_classifier, LoggingSink(repository, []), ConversationState("s1")),
        frames_to_send=[
            FeedbackTalkFrame(),
            *_turn("a competitor across the street has forty percent off running shoes"),
            *_turn("done"),
            SleepFrame(sleep=0.2),
        ],
    )
    assert _of(down, TranscriptionFrame) == []
    (record,) = repository.matching(viewer=HQ)
    assert record.category == "competitor_activity"


async def test_a_database_that_is_down_is_told_to_the_clerk_and_nothing_is_claimed(
    offline_classifier: OfflineClassifier, database: Database
) -> None:
    repository = SqlFeedbackRepository(database=database)
    down, _ = await run_test(
        _session(
            offline_classifier, LoggingSink(repository, [], down=True), ConversationState("s1")
        ),
        frames_to_send=[*_turn("feedback: the till is down, done"), SleepFrame(sleep=0.2)],
    )
    (spoken,) = _of(down, TTSSpeakFrame)
    assert spoken.text == "Sorry, I could not save that feedback. Please say it again in a minute."
    assert "Noted" not in spoken.text
    assert repository.matching(viewer=HQ) == []


def test_the_feedback_button_message_is_told_apart_from_push_to_talk() -> None:
    assert feedback_button(b'{"action": "feedback"}')
    assert feedback_button(b'{"action": "feedback", "topic": "ptt"}')
    assert not feedback_button(b'{"action": "start"}')
    assert not feedback_button(b'{"action": "feedback", "topic": "chat"}')
    assert not feedback_button(b"not json")


async def test_the_service_desk_gives_each_clerk_with_a_store_a_capture_into_its_database(
    settings: Settings, database: Database
) -> None:
    desk = FeedbackDesk.build(settings=settings, database=database)

    class Served:
        knowledge = load_knowledge_base()

    for_clerk = feedback_for_clerks(desk=desk, runtime=Served())
    assert for_clerk("hq.anna", CallerProfile(role=Role.HQ)) is None
    build = for_clerk("li.na", CallerProfile(store_id="SH-01"))
    assert build is not None
    state = ConversationState("s1")
    extra = build(state)
    await run_test(
        Pipeline([*extra.input, *extra.before_answer]),
        frames_to_send=[*_turn("feedback: the till rejects the discount, done")],
    )
    (record,) = desk.records.matching(viewer=HQ)
    assert record.clerk_id == "li.na" and record.category == "display_till_system"


async def test_correct_after_the_confirmation_replaces_the_record(
    offline_classifier: OfflineClassifier, database: Database
) -> None:
    repository = SqlFeedbackRepository(database=database)
    down, _ = await run_test(
        _session(offline_classifier, LoggingSink(repository, []), ConversationState("s1")),
        frames_to_send=[
            *_turn("feedback: size 40 of the AX-200 sold out, done"),
            SleepFrame(sleep=0.2),
            *_turn("correct"),
            SleepFrame(sleep=0.1),
            *_turn("size 41 of the AX-200 sold out, done"),
            SleepFrame(sleep=0.2),
        ],
    )
    spoken = [frame.text for frame in _of(down, TTSSpeakFrame)]
    assert spoken[1] == "Okay, please say the feedback again."
    assert spoken[2].startswith("Noted: size 41")
    first, second = sorted(
        repository.matching(viewer=HQ, include_superseded=True), key=lambda r: r.utc_time
    )
    assert second.supersedes == first.id and "41" in second.transcript
    assert [r.id for r in repository.matching(viewer=HQ)] == [second.id]


async def test_a_capture_left_open_when_the_session_ends_is_still_recorded(
    offline_classifier: OfflineClassifier, database: Database
) -> None:
    log: list[str] = []
    repository = SqlFeedbackRepository(database=database)
    state = ConversationState(session_id="s1")
    # The clerk leaves (the pipeline ends) long before the silence that would end the capture.
    await run_test(
        _session(offline_classifier, LoggingSink(repository, log), state, silence_secs=30),
        frames_to_send=[*_turn("Feedback: size 40 of the AX-200 sold out again", secs=1.5)],
    )
    (record,) = repository.matching(viewer=HQ)
    assert "size 40" in record.transcript and record.products == ["AX-200"]
    assert repository.audio(record.id, viewer=HQ) is not None
    assert log == [f"committed: {record.id}"]  # nothing could be spoken any more
