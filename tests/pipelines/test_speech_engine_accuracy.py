"""The speech engine is at least as accurate as today's full-window path, on every spoken set."""

from __future__ import annotations

from typing import Any

import pytest

from pipelines.speech_engine import SpeechEngine
from pipelines.transcriber import Transcriber
from tests.conftest import FIXTURES
from voice_agent.benchmarks.stt import compare, spoken_clips
from voice_agent.runtime import build_transcriber, recognition_hints

pytestmark = pytest.mark.slow


def test_the_engine_is_at_least_as_accurate_as_the_full_window_on_every_spoken_set(
    runtime: Any,
) -> None:
    settings = runtime.settings
    hints = recognition_hints(runtime.knowledge)

    def transcriber(engine: str) -> Transcriber:
        stt = settings.stt.model_copy(update={"engine": engine})
        return build_transcriber(settings.model_copy(update={"stt": stt}), runtime.models, hints)

    engine = transcriber("batched")
    assert isinstance(engine, SpeechEngine)
    clips = spoken_clips(FIXTURES)
    assert {clip.fixture_set for clip in clips} == {"questions", "loop", "conversations"}

    result = compare(clips, {"full_window": transcriber("full_window"), "engine": engine})
    engine.close()

    today, ours = result.overall["full_window"], result.overall["engine"]
    assert ours.words == today.words > 700
    assert ours.errors <= today.errors, (ours.misses, today.misses)
    assert ours.keyword_hits >= today.keyword_hits, (ours.misses, today.misses)
