"""Spoken feedback through a real LiveKit room: real server, real models, real SQLite.

A simulated clerk says "hey promo, feedback: ..." into the room; the assistant's voice loop
(with the feedback capture the live session adds) must store the record, with its
transcript, category, products and FLAC audio, and only then speak the confirmation.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from knowledge_base.answering import Role
from knowledge_base.feedback.models import FeedbackRecord
from knowledge_base.feedback.queries import Viewer
from pipelines.answer_processor import CallerProfile
from pipelines.events import SessionEvent
from tests.conftest import FIXTURES
from tests.livekit.livekit_helpers import heard_words, room_token, share_of, words
from voice_agent.agent.connection import RoomConnection
from voice_agent.agent.transport import LiveKitEndpoint
from voice_agent.feedback.audio import FeedbackAudio, decode_flac
from voice_agent.feedback.classifiers import OfflineFeedbackClassifier
from voice_agent.feedback.live import feedback_session_processors
from voice_agent.feedback.recorder import FeedbackRecorder, FeedbackSink
from voice_agent.feedback.sets import shared_offline_classifier
from voice_agent.livekit.clerk import SimulatedClerk
from voice_agent.livekit.clerk_script import ClerkScript
from voice_agent.livekit.rooms import clerk_room_name
from voice_agent.livekit.server import LocalLiveKitServer
from voice_agent.storage import SqlFeedbackRepository, open_database
from voice_agent.storage.engine import Database

pytestmark = [pytest.mark.slow, pytest.mark.livekit]

LIVE = FIXTURES / "feedback/audio/live"
HELD_OUT = FIXTURES / "feedback/audio/clean"
HQ = Viewer(role=Role.HQ, identity="hq")


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    db = open_database(f"sqlite:///{tmp_path / 'feedback.sqlite3'}")
    yield db
    db.close()


class TimedSink(FeedbackSink):
    """The real repository, noting when each commit returned (monotonic seconds)."""

    def __init__(self, repository: SqlFeedbackRepository) -> None:
        self.repository = repository
        self.committed_at: list[float] = []

    async def add(
        self, records: Sequence[FeedbackRecord], *, audio: FeedbackAudio | None = None
    ) -> None:
        await self.repository.add(records, audio=audio)
        self.committed_at.append(time.monotonic())


async def _clerk_gives_feedback(
    runtime: Any, server: LocalLiveKitServer, sink: FeedbackSink, script: ClerkScript,
    recording: Path, identity: str,
) -> list[SessionEvent]:  # fmt: skip
    room = clerk_room_name(store_id="SH-01", identity=identity)
    caller = CallerProfile(store_id="SH-01")
    events: list[SessionEvent] = []
    joined = asyncio.Event()
    connection = RoomConnection(
        runtime=runtime,
        endpoint=LiveKitEndpoint(
            url=server.url, api_key=server.api_key, api_secret=server.api_secret
        ),
        room=room,
        clerk_identity=identity,
        caller=caller,
        config=dataclasses.replace(runtime.loop_config, require_addressing=True),
        on_event=events.append,
        on_connected=joined.set,
        session_processors=feedback_session_processors(
            recorder=lambda: FeedbackRecorder(
                knowledge=runtime.knowledge,
                classifier=OfflineFeedbackClassifier(classifier=shared_offline_classifier(None)),
                sink=sink,
            ),
            clerk_id=identity,
            caller=caller,
        ),
    )
    running = asyncio.create_task(connection.run())
    try:
        await asyncio.wait_for(joined.wait(), 20)
        token = room_token(server, identity, room=room)
        # A long hangover: the confirmation's two sentences may pause on a busy machine.
        clerk = SimulatedClerk(
            url=server.url, token=token, recording_path=recording, hangover_secs=1.5
        )
        await clerk.run(script)
    finally:
        await connection.close()
        await asyncio.wait_for(running, 30)
    return events


async def test_spoken_feedback_is_stored_with_its_audio_before_the_confirmation_is_spoken(
    runtime: Any, module_livekit: LocalLiveKitServer, database: Database, tmp_path: Path
) -> None:
    repository = SqlFeedbackRepository(database=database)
    sink = TimedSink(repository)
    # One turn: wake phrase, trigger and held-out item hf0003; silence then ends the capture.
    script = ClerkScript.from_files(
        [LIVE / "wake_hf0003.wav"], reply_timeout_secs=15, max_reply_secs=30, tail_secs=2.0
    )
    events = await _clerk_gives_feedback(
        runtime, module_livekit, sink, script, tmp_path / "heard.wav", "fei"
    )
    (record,) = repository.matching(viewer=HQ)
    # The whole item was stored (Whisper may spell a name its own way, so: most of its words).
    said = "no more Glacier Boot 320 in women's 38 at Hangzhou"  # held-out item hf0003
    assert share_of(words(record.transcript), said) >= 0.5, record.transcript
    assert "feedback" not in record.transcript.lower()  # the trigger is not part of it
    assert record.category == "stock_availability"
    assert record.products == ["WB-320"]
    assert record.clerk_id == "fei" and record.store_id == "SH-01" and record.region_id
    audio = repository.audio(record.id, viewer=HQ)
    assert audio is not None and audio.format == "flac"
    samples, rate = decode_flac(audio.data)
    assert rate == 16000 and samples.size / rate >= 3.0  # the spoken turn, not a fragment
    assert "answer_completed" not in [event.type for event in events]  # never answered
    spoken = [event.at for event in events if event.type == "bot_audio_started"]
    (committed,) = sink.committed_at
    assert spoken and spoken[0] > committed  # the confirmation only after the commit
    # "Noted: no more Glacier Boot 320 ..., filed as stock availability. Say ...": the
    # record above is the verdict; of Whisper's loose hearing, any of its words will do.
    heard = heard_words(runtime, tmp_path / "heard.wav")
    assert heard & {"noted", "glacier", "boot", "stock", "filed", "correct"}, heard


async def test_feedback_spoken_after_the_trigger_needs_no_wake_phrase(
    runtime: Any, module_livekit: LocalLiveKitServer, database: Database, tmp_path: Path
) -> None:
    repository = SqlFeedbackRepository(database=database)
    # "Hey promo, feedback." then, as a turn of its own, held-out item hf0213.
    script = ClerkScript.from_files(
        [LIVE / "wake_feedback.wav", HELD_OUT / "hf0213.wav"],
        reply_timeout_secs=1.0,
        silence_between_secs=0.3,
        tail_secs=12.0,
    )
    events = await _clerk_gives_feedback(
        runtime, module_livekit, TimedSink(repository), script, tmp_path / "heard.wav", "gus"
    )
    (record,) = repository.matching(viewer=HQ)
    said = "the price tags on the Road Nova still show the old 15 percent"  # hf0213
    assert share_of(words(record.transcript), said) >= 0.5, record.transcript
    assert record.category == "display_till_system" and record.products == ["RN-300"]
    assert "bot_audio_started" in [event.type for event in events]  # the confirmation
    heard = heard_words(runtime, tmp_path / "heard.wav")
    assert heard & {"noted", "price", "nova", "display", "filed", "correct"}, heard
