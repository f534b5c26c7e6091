"""Silero VAD with one model per process and recurrent state per session.

At 16 kHz the windows are scored by ``livekit-local-inference``'s native build of Silero:
the ONNX model's scores (identical to four decimals on 5514 fixture windows), about a sixth
of its CPU time per window, with the GIL released. At 8 kHz, which that build does not
take, the shared ONNX session scores them.
"""

from __future__ import annotations

import numpy as np
import onnxruntime
from livekit import local_inference
from pipecat.audio.vad.silero import SileroOnnxModel, SileroVADAnalyzer
from pipecat.audio.vad.vad_analyzer import VADAnalyzer, VADParams, VADState

WINDOW_SECS = 0.032
"""Length of one Silero window: 512 samples at 16 kHz, 256 at 8 kHz."""


class _SharedSessionSileroModel(SileroOnnxModel):
    """Silero's wrapper around an already-loaded ONNX session (state stays per instance)."""

    def __init__(self, session: onnxruntime.InferenceSession) -> None:
        # Deliberately skips SileroOnnxModel.__init__, which would load the network again.
        self.session = session
        self.sample_rates = [8000, 16000]
        self.reset_states()


class _NativeSileroModel:
    """One session's Silero state in ``livekit-local-inference`` (the weights are shared)."""

    def __init__(self) -> None:
        self._vad = local_inference.VAD()

    def score(self, window: bytes) -> float:
        """Speech probability of one 512-sample window of 16-bit PCM."""
        return self._vad.predict(np.frombuffer(window, dtype=np.int16))

    def reset_states(self) -> None:
        """Forget the recurrent state (as Silero's ONNX wrapper does every few seconds)."""
        self._vad.reset()


class SharedSileroVADAnalyzer(SileroVADAnalyzer):
    """A :class:`SileroVADAnalyzer` on the process's Silero instead of a model of its own.

    Analysis runs on the event loop: Pipecat's analyzer hands every 20 ms audio frame to a
    thread of its own (one per session), which costs more than the Silero window itself
    (about 0.03 ms per 32 ms of audio natively, 0.19 ms with ONNX) once a few sessions
    listen at once.
    """

    def __init__(
        self,
        *,
        session: onnxruntime.InferenceSession,
        sample_rate: int | None = None,
        params: VADParams | None = None,
    ) -> None:
        VADAnalyzer.__init__(self, sample_rate=sample_rate, params=params)
        self._onnx_model = _SharedSessionSileroModel(session)
        self._native_model: _NativeSileroModel | None = None
        self._model = self._onnx_model
        self._windows_since_reset = 0
        self._low_confidence_windows = 0
        self._speech_windows = 0

    def set_sample_rate(self, sample_rate: int) -> None:
        """Set the rate; 16 kHz windows go to the native Silero, 8 kHz ones to ONNX."""
        super().set_sample_rate(sample_rate)
        if self.sample_rate == 16000:
            self._native_model = _NativeSileroModel()
            self._model = self._native_model  # type: ignore[assignment]
        else:
            self._native_model = None
            self._model = self._onnx_model

    async def analyze_audio(self, buffer: bytes) -> VADState:
        """Analyze ``buffer`` in place (no thread hop per frame)."""
        return self._run_analyzer(buffer)

    @property
    def state(self) -> VADState:
        """The analyzer's current state (``STOPPING`` = silence heard, stop not yet confirmed)."""
        return self._vad_state

    @property
    def speech_windows(self) -> int:
        """Windows in a row, up to the latest, that Silero rated as speech.

        Counted before the volume floor and ``start_secs``: a barge-in can act on the first
        few windows of speech instead of waiting for the start to be confirmed.
        """
        return self._speech_windows

    def voice_confidence(self, buffer: bytes) -> float:
        """Silero's confidence for one window; also counts the run of speech windows."""
        if self._native_model is not None:
            confidence = self._native_model.score(buffer)
            self._maybe_reset_model(confidence)
        else:
            # Silero's wrapper returns a one-element array, which the analyzer compares as is.
            confidence = super().voice_confidence(buffer)
        speech = bool(confidence >= self.params.confidence)
        self._speech_windows = self._speech_windows + 1 if speech else 0
        return confidence
