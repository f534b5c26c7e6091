"""Odd audio gets converted or refused with a reason: never a crash, never a hang."""

from __future__ import annotations

import subprocess
import sys
import wave
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from pipelines.answer_processor import CallerProfile
from tests.conftest import AUDIO, reference_time
from voice_agent.audio_io import AudioInputError, load_audio
from voice_agent.replay import replay

TRAIL_RUNNER = "Is the Trail Runner 900 on sale?"


@pytest.mark.parametrize(
    ("name", "code"),
    [("empty.wav", "empty"), ("not_audio.wav", "not_audio")],
)
def test_unusable_files_are_refused_with_a_reason(name: str, code: str) -> None:
    with pytest.raises(AudioInputError) as error:
        load_audio(AUDIO / "odd" / name)
    assert error.value.code == code
    assert name in str(error.value)


def test_a_missing_file_is_refused() -> None:
    with pytest.raises(AudioInputError) as error:
        load_audio(AUDIO / "odd" / "nope.wav")
    assert error.value.code == "not_found"


@pytest.mark.parametrize(
    ("name", "rate", "channels"),
    [("stereo_44k.wav", 44100, 2), ("pcm8.wav", 16000, 1), ("float32.wav", 16000, 1)],
)
def test_other_formats_are_converted_to_16k_mono_pcm(name: str, rate: int, channels: int) -> None:
    audio = load_audio(AUDIO / "odd" / name)
    assert (audio.source_rate, audio.source_channels) == (rate, channels)
    assert audio.seconds == pytest.approx(3.26, abs=0.05)
    samples = np.frombuffer(audio.pcm16, dtype="<i2")
    assert np.abs(samples).max() > 3000  # speech survived the conversion


def test_a_truncated_file_yields_the_audio_that_is_there() -> None:
    audio = load_audio(AUDIO / "odd" / "truncated.wav")
    assert 0.5 < audio.seconds < 1.0


def test_audio_longer_than_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "long.wav"
    _write(path, np.zeros(16000 * 5, dtype="<i2"))
    with pytest.raises(AudioInputError) as error:
        load_audio(path, max_seconds=4)
    assert error.value.code == "too_long"


def _write(path: Path, samples: np.ndarray, rate: int = 16000) -> None:
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(samples.astype("<i2").tobytes())


async def _replay_fast(runtime: Any, pcm16: bytes) -> Any:
    asked_at = reference_time().replace(tzinfo=runtime.knowledge.zone("SH-01"))
    return await replay(
        pcm16=pcm16,
        models=runtime.models,
        transcriber=runtime.transcriber,
        answerer=runtime.answerer,
        config=runtime.loop_config,
        caller=CallerProfile(store_id="SH-01"),
        clock=lambda: asked_at,
        realtime=False,
        settle_secs=0.4,
    )


@pytest.mark.slow
@pytest.mark.parametrize("name", ["stereo_44k.wav", "float32.wav", "pcm8.wav"])
async def test_converted_questions_are_answered(runtime: Any, name: str) -> None:
    result = await _replay_fast(runtime, load_audio(AUDIO / "odd" / name).pcm16)
    (turn,) = result.report.turns
    assert "trail runner" in turn.transcript.lower()
    assert "TR-900" in (turn.answer or "")


@pytest.mark.slow
async def test_silence_only_gives_no_turn_and_ends(runtime: Any) -> None:
    result = await _replay_fast(runtime, load_audio(AUDIO / "odd" / "silence.wav").pcm16)
    assert result.report.turns == []
    assert result.report.output_secs == 0


@pytest.mark.slow
async def test_ten_minutes_of_shop_floor_audio_are_replayed_to_the_end(runtime: Any) -> None:
    question = load_audio(AUDIO / "loop" / "trail_runner_sale.wav").pcm16
    rng = np.random.default_rng(7)
    minute = 16000 * 60
    track = (rng.normal(0, 60, size=minute * 10)).astype(np.int16)  # quiet room tone
    clip = np.frombuffer(question, dtype="<i2")
    for start in range(5 * 16000, len(track) - len(clip), 2 * minute):
        track[start : start + len(clip)] += clip
    result = await _replay_fast(runtime, track.astype("<i2").tobytes())
    assert result.report.input_secs == pytest.approx(600, abs=0.1)
    answered = [t for t in result.report.turns if t.answer and "TR-900" in t.answer]
    assert len(answered) == 5


def test_the_replay_command_refuses_a_non_audio_file_with_exit_code_2() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "voice_agent.cli", "replay", str(AUDIO / "odd" / "not_audio.wav")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 2
    assert "not a readable audio file" in completed.stderr
