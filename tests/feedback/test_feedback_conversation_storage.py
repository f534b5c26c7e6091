"""A spoken conversation stored for real: the capture's audio travels with its record."""

from __future__ import annotations

from pathlib import Path

from knowledge_base.answering import Role
from knowledge_base.feedback.classifier import OfflineClassifier
from knowledge_base.feedback.queries import Viewer
from knowledge_base.loader import load_knowledge_base
from tests.storage.feedback_helpers import tone_audio
from voice_agent.feedback.classifiers import OfflineFeedbackClassifier
from voice_agent.feedback.conversation import FeedbackConversation
from voice_agent.feedback.recorder import FeedbackRecorder
from voice_agent.storage import SqlFeedbackRepository, open_database


async def test_the_audio_handed_to_the_last_utterance_is_stored_with_the_record(
    offline_classifier: OfflineClassifier, tmp_path: Path
) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    try:
        repository = SqlFeedbackRepository(database=database)
        recorder = FeedbackRecorder(
            knowledge=load_knowledge_base(),
            classifier=OfflineFeedbackClassifier(classifier=offline_classifier),
            sink=repository,
        )
        talk = FeedbackConversation(recorder=recorder, clerk_id="li.na", store_id="SH-01")
        assert (await talk.hear("hey promo, feedback: the till rejects the discount")).consumed
        audio = tone_audio(2.5)
        reply = await talk.hear("done", audio=audio)
        assert reply.outcome is not None and reply.outcome.saved
        record_id = reply.outcome.records[0].id
        me = Viewer(role=Role.CLERK, identity="li.na")
        stored = repository.get(record_id, viewer=me)
        assert stored is not None and stored.transcript == "the till rejects the discount"
        assert repository.audio(record_id, viewer=me) == audio
    finally:
        database.close()


async def test_a_chinese_clerk_whose_words_were_heard_as_a_code_alone_is_answered_in_chinese(
    offline_classifier: OfflineClassifier, tmp_path: Path
) -> None:
    # Over LiveKit, Whisper base once heard a Mandarin complaint about the Trail Runner as
    # "TR-900" alone: detected from that text, the record was English and so was its
    # confirmation, in a session the recogniser was told is Chinese.
    database = open_database(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    try:
        recorder = FeedbackRecorder(
            knowledge=load_knowledge_base(),
            classifier=OfflineFeedbackClassifier(classifier=offline_classifier),
            sink=SqlFeedbackRepository(database=database),
        )
        talk = FeedbackConversation(
            recorder=recorder, clerk_id="wang.fang", store_id="SH-01", heard_language="zh-CN"
        )
        assert (await talk.hear("", push_to_talk=True)).consumed  # the feedback button
        await talk.hear("TR-900")
        reply = await talk.silence(10.0)
        assert reply.outcome is not None and reply.outcome.saved
        assert reply.outcome.records[0].language == "zh-CN"
        assert reply.say is not None and reply.say.startswith("已记录")
    finally:
        database.close()
