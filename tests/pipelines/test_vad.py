"""The voice loop's VAD: Silero scored natively at 16 kHz, by the shared ONNX session at 8 kHz."""

from __future__ import annotations

import numpy as np
import onnxruntime
from pipecat.audio.vad.vad_analyzer import VADParams

from pipelines.speech_models import silero_model_path
from pipelines.vad import SharedSileroVADAnalyzer, _NativeSileroModel, _SharedSessionSileroModel
from tests.conftest import AUDIO
from voice_agent.audio_io import load_audio

WINDOW_BYTES = 1024  # 512 samples at 16 kHz


def _session() -> onnxruntime.InferenceSession:
    return onnxruntime.InferenceSession(silero_model_path(), providers=["CPUExecutionProvider"])


def _windows(name: str) -> list[bytes]:
    pcm = load_audio(AUDIO / name).pcm16
    return [pcm[i : i + WINDOW_BYTES] for i in range(0, len(pcm) - WINDOW_BYTES + 1, WINDOW_BYTES)]


def _onnx_score(model: _SharedSessionSileroModel, window: bytes) -> float:
    audio = np.frombuffer(window, dtype=np.int16).astype(np.float32) / 32768
    return float(np.asarray(model(audio, 16000)).ravel()[0])


def test_the_native_build_scores_each_window_as_the_onnx_model_does() -> None:
    # Its cost per window is measured by `voice-agent bench idle`, not here.
    windows = _windows("loop/ax200_weekend.wav") + _windows("noise/shop_babble.wav")[:300]
    native, onnx = _NativeSileroModel(), _SharedSessionSileroModel(_session())
    native_scores = [native.score(w) for w in windows]
    onnx_scores = [_onnx_score(onnx, w) for w in windows]
    assert max(onnx_scores) > 0.9 and min(onnx_scores) < 0.1  # speech and not
    assert np.allclose(native_scores, onnx_scores, atol=1e-4)


def test_a_16_khz_analyzer_scores_natively_and_an_8_khz_one_with_the_shared_session() -> None:
    session = _session()
    wideband = SharedSileroVADAnalyzer(session=session, sample_rate=16000, params=VADParams())
    wideband.set_sample_rate(16000)
    scores = [float(wideband.voice_confidence(w)) for w in _windows("loop/ax200_weekend.wav")]
    assert max(scores) > 0.9 and isinstance(wideband.voice_confidence(bytes(1024)), float)
    narrowband = SharedSileroVADAnalyzer(session=session, sample_rate=8000, params=VADParams())
    narrowband.set_sample_rate(8000)
    assert narrowband.num_frames_required() == 256
    assert float(np.asarray(narrowband.voice_confidence(bytes(512))).ravel()[0]) < 0.1
