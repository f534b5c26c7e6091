"""A VAD processor whose audio frames carry the VAD state they left behind.

Pipecat's ``VADProcessor`` pushes each audio frame on before analysing it, so a downstream
processor that asks the analyzer for its state reads whatever frame the VAD has reached by
then: later frames when the VAD runs ahead (a fast replay), earlier ones when it lags (a busy
machine). Speculative transcription starts at the VAD's first silent window, so that race
decided where an utterance was cut and, from one run to the next, what Whisper heard.
:class:`StampedVADProcessor` analyses first and stamps the state on the frame, which makes
the cut depend on the audio alone.
"""

from __future__ import annotations

from pipecat.audio.vad.vad_analyzer import VADState
from pipecat.frames.frames import Frame, InputAudioRawFrame
from pipecat.processors.audio.vad_processor import VADProcessor
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor

from pipelines.vad import SharedSileroVADAnalyzer

VAD_STATE_KEY = "vad_state"
"""Key of the :class:`VADState` in an input audio frame's ``metadata``."""
SPEECH_WINDOWS_KEY = "vad_speech_windows"
"""Key of the analyzer's run of speech windows (:attr:`SharedSileroVADAnalyzer.speech_windows`)."""


class StampedVADProcessor(VADProcessor):
    """``VADProcessor`` that stamps every input audio frame with the analyzer's state after it.

    The stamp is the VAD state and the run of windows rated speech so far
    (:func:`stamped_vad_state`, :func:`stamped_speech_windows`).
    """

    def __init__(self, *, vad_analyzer: SharedSileroVADAnalyzer) -> None:
        super().__init__(vad_analyzer=vad_analyzer)
        self._analyzer = vad_analyzer

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Analyse audio before pushing it on; every other frame as ``VADProcessor`` does."""
        if not isinstance(frame, InputAudioRawFrame):
            await super().process_frame(frame, direction)
            return
        await FrameProcessor.process_frame(self, frame, direction)
        await self._vad_controller.process_frame(frame)
        frame.metadata[VAD_STATE_KEY] = self._analyzer.state
        frame.metadata[SPEECH_WINDOWS_KEY] = self._analyzer.speech_windows
        await self.push_frame(frame, direction)


def stamped_vad_state(frame: InputAudioRawFrame) -> VADState | None:
    """The VAD state stamped on ``frame`` by :class:`StampedVADProcessor`, if any."""
    state = frame.metadata.get(VAD_STATE_KEY)
    return state if isinstance(state, VADState) else None


def stamped_speech_windows(frame: InputAudioRawFrame) -> int:
    """The run of speech windows stamped on ``frame`` (0 when not stamped)."""
    windows = frame.metadata.get(SPEECH_WINDOWS_KEY)
    return windows if isinstance(windows, int) else 0
