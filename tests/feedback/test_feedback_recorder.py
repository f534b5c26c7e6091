"""The recorder commits before it confirms, and never claims a failed save."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from knowledge_base.feedback.classifier import OfflineClassifier
from knowledge_base.feedback.models import FeedbackRecord
from knowledge_base.loader import load_knowledge_base
from voice_agent.feedback.audio import FeedbackAudio
from voice_agent.feedback.classifiers import OfflineFeedbackClassifier
from voice_agent.feedback.recorder import FeedbackRecorder, FeedbackSink

SATURDAY = datetime(2026, 11, 28, 7, 0, tzinfo=UTC)


class ListSink(FeedbackSink):
    """Keeps committed records in a list; can be told to fail like a database that is down."""

    def __init__(self, *, fail: bool = False) -> None:
        self.committed: list[list[FeedbackRecord]] = []
        self.fail = fail

    async def add(
        self, records: Sequence[FeedbackRecord], *, audio: FeedbackAudio | None = None
    ) -> None:
        if self.fail:
            raise ConnectionError("database is down")
        self.committed.append(list(records))


def _recorder(sink: FeedbackSink, classifier: OfflineClassifier) -> FeedbackRecorder:
    return FeedbackRecorder(
        knowledge=load_knowledge_base(),
        classifier=OfflineFeedbackClassifier(classifier=classifier),
        sink=sink,
        clock=lambda: SATURDAY,
    )


async def test_the_confirmation_comes_after_the_commit(
    offline_classifier: OfflineClassifier,
) -> None:
    sink = ListSink()
    outcome = await _recorder(sink, offline_classifier).record(
        "size 40 of the AX-200 sold out again at Nanjing Road", clerk_id="li.na", store_id="SH-01"
    )
    assert outcome.saved and sink.committed == [outcome.records]
    assert outcome.spoken.startswith("Noted: size 40 of the AX-200 sold out again at Nanjing Road")
    assert outcome.records[0].promotions_in_force == ["weekend-running"]


async def test_a_database_that_is_down_gets_an_apology_not_a_confirmation(
    offline_classifier: OfflineClassifier,
) -> None:
    outcome = await _recorder(ListSink(fail=True), offline_classifier).record(
        "收银机不认周末优惠", clerk_id="x", store_id="SH-02"
    )
    assert not outcome.saved and outcome.error_code == "ConnectionError"
    assert outcome.spoken.startswith("抱歉") and "已记录" not in outcome.spoken


async def test_empty_feedback_saves_nothing(offline_classifier: OfflineClassifier) -> None:
    sink = ListSink()
    outcome = await _recorder(sink, offline_classifier).record("  ", clerk_id="x", store_id="SH-01")
    assert not outcome.saved and outcome.error_code == "feedback_empty" and sink.committed == []


async def test_a_monologue_is_committed_as_one_capture(
    offline_classifier: OfflineClassifier,
) -> None:
    sink = ListSink()
    text = " ".join(f"Point {i}: the running wall was busy today." for i in range(150))
    outcome = await _recorder(sink, offline_classifier).record(text, clerk_id="x", store_id="SH-01")
    [batch] = sink.committed
    assert len(batch) > 1 and len({r.capture_id for r in batch}) == 1
    assert outcome.saved


async def test_a_correction_supersedes_the_record_it_replaces(
    offline_classifier: OfflineClassifier,
) -> None:
    sink = ListSink()
    recorder = _recorder(sink, offline_classifier)
    first = await recorder.record("the till is slow", clerk_id="x", store_id="SH-01")
    second = await recorder.record(
        "the till rejects the member discount", clerk_id="x", store_id="SH-01",
        supersedes=first.records[0].id,
    )  # fmt: skip
    assert second.records[0].supersedes == first.records[0].id
    assert first.records[0].transcript == "the till is slow"  # kept, not rewritten


async def test_a_spoken_conversation_records_once_and_confirms_after_the_commit(
    offline_classifier: OfflineClassifier,
) -> None:
    from voice_agent.feedback.conversation import FeedbackConversation

    sink = ListSink()
    talk = FeedbackConversation(
        recorder=_recorder(sink, offline_classifier), clerk_id="li.na", store_id="SH-01"
    )
    assert not (await talk.hear("is the AX-200 on sale?")).consumed
    assert (await talk.hear("hey promo, feedback: size 40 of the AX-200 sold out")).say is None
    reply = await talk.hear("again at Nanjing Road. done")
    assert reply.consumed and reply.outcome is not None and reply.outcome.saved
    assert len(sink.committed) == 1 and reply.say is not None and reply.say.startswith("Noted:")
    again = await talk.hear("correct that")
    assert again.say == "Okay, please say the feedback again."
    fixed = await talk.hear("size 41 of the AX-200 sold out. done")
    assert fixed.outcome is not None
    assert fixed.outcome.records[0].supersedes == reply.outcome.records[0].id


async def test_a_failed_save_is_spoken_and_cannot_be_corrected(
    offline_classifier: OfflineClassifier,
) -> None:
    from voice_agent.feedback.conversation import FeedbackConversation

    talk = FeedbackConversation(
        recorder=_recorder(ListSink(fail=True), offline_classifier), clerk_id="x", store_id="SH-01"
    )
    reply = await talk.hear("feedback: the till is down. done")
    assert reply.say is not None and reply.say.startswith("Sorry, I could not save")
    assert not (await talk.hear("correct that")).consumed
