"""``audio.input_sample_rate`` is the rate the pipeline hears; any file rate is converted to it."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile
from pydantic import ValidationError

from pipelines.answer_processor import CallerProfile
from tests.conftest import AUDIO, reference_time
from voice_agent.audio_io import load_audio, resample_pcm16
from voice_agent.replay import ReplayResult, replay
from voice_agent.runtime import loop_config
from voice_agent.settings import Settings, load_settings

QUESTION = AUDIO / "loop" / "ax200_weekend.wav"


def _resampled_copy(tmp_path: Path, rate: int) -> Path:
    samples, source_rate = soundfile.read(str(QUESTION), dtype="float32")
    path = tmp_path / f"question_{rate}.wav"
    pcm = resample_pcm16((samples * 32767).astype("<i2").tobytes(), source_rate, rate)
    soundfile.write(str(path), np.frombuffer(pcm, dtype="<i2"), rate, subtype="PCM_16")
    return path


async def _replay(runtime: Any, pcm16: bytes, *, input_sample_rate: int) -> ReplayResult:
    asked_at = reference_time().replace(tzinfo=runtime.knowledge.zone("SH-01"))
    return await replay(
        pcm16=pcm16,
        models=runtime.models,
        transcriber=runtime.transcriber,
        answerer=runtime.answerer,
        config=dataclasses.replace(runtime.loop_config, input_sample_rate=input_sample_rate),
        caller=CallerProfile(store_id="SH-01"),
        clock=lambda: asked_at,
        realtime=False,
        settle_secs=0.4,
    )


def test_the_loop_config_takes_the_input_rate_from_the_settings() -> None:
    settings = Settings.model_validate({"audio": {"input_sample_rate": 8000}})
    assert loop_config(settings).input_sample_rate == 8000


def test_the_input_rate_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOICE_AGENT_AUDIO__INPUT_SAMPLE_RATE", "8000")
    assert load_settings().audio.input_sample_rate == 8000


def test_an_input_rate_silero_cannot_take_is_refused_with_the_rates_it_can() -> None:
    with pytest.raises(ValidationError, match="8000, 16000"):
        Settings.model_validate({"audio": {"input_sample_rate": 44100}})


def test_audio_is_loaded_at_the_rate_asked_for(tmp_path: Path) -> None:
    audio = load_audio(_resampled_copy(tmp_path, 48000), sample_rate=8000)
    assert audio.source_rate == 48000
    assert audio.sample_rate == 8000
    assert audio.seconds == pytest.approx(load_audio(QUESTION).seconds, abs=0.01)


@pytest.mark.slow
@pytest.mark.parametrize(("file_rate", "pipeline_rate"), [(48000, 8000), (8000, 16000)])
async def test_a_question_at_another_rate_is_answered_as_the_16k_file(
    runtime: Any, tmp_path: Path, file_rate: int, pipeline_rate: int
) -> None:
    reference = await _replay(runtime, load_audio(QUESTION).pcm16, input_sample_rate=16000)
    other = load_audio(_resampled_copy(tmp_path, file_rate), sample_rate=pipeline_rate)
    result = await _replay(runtime, other.pcm16, input_sample_rate=pipeline_rate)
    (expected,) = reference.report.turns
    (turn,) = result.report.turns
    assert "AX-200" in (expected.answer or "")
    assert turn.answer == expected.answer
    assert result.report.input_secs == pytest.approx(reference.report.input_secs, abs=0.01)
