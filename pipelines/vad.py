"""Silero VAD with one ONNX session per process and recurrent state per session."""

from __future__ import annotations

import onnxruntime
from pipecat.audio.vad.silero import SileroOnnxModel, SileroVADAnalyzer
from pipecat.audio.vad.vad_analyzer import VADAnalyzer, VADParams, VADState


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

    async def analyze_audio(self, buffer: bytes) -> VADState:
        """Analyze ``buffer`` in place (no thread hop per frame)."""
        return self._run_analyzer(buffer)

    @property
    def state(self) -> VADState:
        """The analyzer's current state (``STOPPING`` = silence heard, stop not yet confirmed)."""
        return self._vad_state
