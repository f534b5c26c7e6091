"""Silero VAD with one ONNX session per process and recurrent state per session."""

from __future__ import annotations

import onnxruntime
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


class SharedSileroVADAnalyzer(SileroVADAnalyzer):
    """A :class:`SileroVADAnalyzer` built on a shared ONNX session instead of loading its own.

    Analysis runs on the event loop: Pipecat's analyzer hands every 20 ms audio frame to a
    thread of its own (one per session), which costs more than the Silero window itself
    (about 0.2 ms per 32 ms of audio) once a few sessions listen at once.
    """

    def __init__(
        self,
        *,
        session: onnxruntime.InferenceSession,
        sample_rate: int | None = None,
        params: VADParams | None = None,
    ) -> None:
        VADAnalyzer.__init__(self, sample_rate=sample_rate, params=params)
        self._model = _SharedSessionSileroModel(session)
        self._windows_since_reset = 0
        self._low_confidence_windows = 0
        self._speech_windows = 0

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
        # Silero's wrapper returns a one-element array, which the analyzer compares as is.
        confidence = super().voice_confidence(buffer)
        speech = bool(confidence >= self.params.confidence)
        self._speech_windows = self._speech_windows + 1 if speech else 0
        return confidence
