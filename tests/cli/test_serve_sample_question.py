"""``voice-agent serve`` suggests a sample question that ships inside the package."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import voice_agent
from voice_agent.audio_io import load_audio
from voice_agent.cli.serve_output import SAMPLE_QUESTION


def test_the_sample_question_lives_in_the_installed_package_not_in_tests() -> None:
    package = Path(voice_agent.__file__).resolve().parent
    assert SAMPLE_QUESTION.is_relative_to(package)
    assert "tests" not in SAMPLE_QUESTION.relative_to(package).parts


def test_the_sample_question_is_a_readable_spoken_question() -> None:
    audio = load_audio(SAMPLE_QUESTION)
    assert audio.seconds > 1.0


@pytest.mark.slow
def test_the_sample_question_asks_about_the_ax200_in_the_weekend_offer(runtime: Any) -> None:
    text = runtime.transcriber.transcribe_sync(load_audio(SAMPLE_QUESTION).pcm16).text
    assert "ax-200" in text.lower() and "weekend" in text.lower()
