"""Chinese spoken feedback (``tests/fixtures/feedback/audio_zh/``) is captured and stored whole.

The recordings are MBROLA Mandarin renderings of five ``heldout2.yaml`` lines. Here each
turn's transcript is the line's own text, so that what is checked is the capture and the
storage of the clerk's exact words and recording, not the recogniser: multilingual Whisper
``base`` reads these synthetic voices loosely (docs/BENCHMARKS.md), and the same kind of
recording is heard by the real Whisper over a real LiveKit room in
``tests/livekit/test_feedback_zh_livekit.py``. Everything after the transcript is real: the
live feedback processors fed the recording's own samples, the recorder, the offline
classifier and SQLite.
"""

from __future__ import annotations

import json
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from pipecat.frames.frames import (
    Frame,
    InputAudioRawFrame,
    TranscriptionFrame,
    TTSSpeakFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.pipeline.pipeline import Pipeline
from pipecat.tests.utils import SleepFrame, run_test

from knowledge_base.answering import Role
from knowledge_base.feedback.classifier import OfflineClassifier
from knowledge_base.feedback.queries import Viewer
from knowledge_base.loader import load_knowledge_base
from pipelines.answer_processor import CallerProfile
from pipelines.conversation_state import ConversationState
from pipelines.feedback_processor import FeedbackTalkFrame
from voice_agent.feedback.audio import decode_flac
from voice_agent.feedback.classifiers import OfflineFeedbackClassifier
from voice_agent.feedback.live import feedback_session_processors
from voice_agent.feedback.recorder import FeedbackRecorder
from voice_agent.storage import SqlFeedbackRepository, open_database
from voice_agent.storage.engine import Database

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "feedback"
AUDIO_ZH = FIXTURES / "audio_zh"
HQ = Viewer(role=Role.HQ, identity="hq")
CHUNK = 320
"""Samples per audio frame (20 ms at 16 kHz), as the transport delivers them."""


def _manifest() -> list[dict[str, Any]]:
    return list(json.loads((AUDIO_ZH / "manifest.json").read_text(encoding="utf-8"))["files"])


def _samples(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as handle:
        assert (handle.getframerate(), handle.getnchannels(), handle.getsampwidth()) == (
            16000,
            1,
            2,
        )
        return np.frombuffer(handle.readframes(handle.getnframes()), dtype="<i2")


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    db = open_database(f"sqlite:///{tmp_path / 'feedback.sqlite3'}")
    yield db
    db.close()


def test_the_chinese_recordings_say_the_heldout2_lines_they_name() -> None:
    document = yaml.safe_load((FIXTURES / "heldout2.yaml").read_text(encoding="utf-8"))
    texts = {item["id"]: item for item in document["items"]}
    files = _manifest()
    assert len(files) == 5
    for entry in files:
        item = texts[entry["question_id"]]
        assert entry["text"] == item["text"] and item["language"] == "zh-CN"
        samples = _samples(AUDIO_ZH / entry["path"])
        assert samples.size == round(entry["duration_s"] * 16000)
        assert entry["voice"]["engine"] == "mbrola"


@pytest.mark.parametrize("entry", _manifest(), ids=lambda entry: entry["question_id"])
async def test_a_chinese_feedback_turn_is_stored_with_its_text_and_its_recording(
    entry: dict[str, Any], offline_classifier: OfflineClassifier, database: Database
) -> None:
    repository = SqlFeedbackRepository(database=database)
    knowledge = load_knowledge_base()
    build = feedback_session_processors(
        recorder=lambda: FeedbackRecorder(
            knowledge=knowledge,
            classifier=OfflineFeedbackClassifier(classifier=offline_classifier),
            sink=repository,
        ),
        clerk_id="wang.fang",
        caller=CallerProfile(store_id="SH-01", language="zh-CN"),
        silence_secs=30.0,  # only the end phrase ends it
    )
    extra = build(ConversationState(session_id="zh"))
    recording = _samples(AUDIO_ZH / entry["path"])
    audio: list[Frame] = [
        InputAudioRawFrame(
            audio=recording[i : i + CHUNK].tobytes(), sample_rate=16000, num_channels=1
        )
        for i in range(0, recording.size, CHUNK)
    ]
    down, _ = await run_test(
        Pipeline([*extra.input, *extra.before_answer]),
        frames_to_send=[
            FeedbackTalkFrame(),  # the earpiece's feedback button: no trigger phrase needed
            VADUserStartedSpeakingFrame(),
            *audio,
            VADUserStoppedSpeakingFrame(),
            TranscriptionFrame(text=entry["text"], user_id="clerk", timestamp=""),
            # "好了" (done) ends the capture: no timer, so a loaded machine cannot end the
            # test before the silence would have
            VADUserStartedSpeakingFrame(),
            VADUserStoppedSpeakingFrame(),
            TranscriptionFrame(text="好了", user_id="clerk", timestamp=""),
            SleepFrame(sleep=0.2),
        ],
    )
    (record,) = repository.matching(viewer=HQ)
    assert record.transcript == entry["text"]
    assert record.language == "zh-CN" and record.store_id == "SH-01"
    assert record.clerk_id == "wang.fang"
    stored = repository.audio(record.id, viewer=HQ)
    assert stored is not None and stored.format == "flac"
    samples, rate = decode_flac(stored.data)
    assert rate == 16000
    at = samples.tobytes().find(recording.tobytes())
    assert at >= 0 and at % 2 == 0  # the whole recording, sample for sample (FLAC is lossless)
    (spoken,) = [frame for frame in down if isinstance(frame, TTSSpeakFrame)]
    assert spoken.text.startswith("已记录")  # confirmed in Chinese, after the commit
    assert [frame for frame in down if isinstance(frame, TranscriptionFrame)] == []
