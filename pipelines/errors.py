"""Errors of the speech pipeline, each with a machine-readable ``code``."""

from __future__ import annotations


class PipelineError(Exception):
    """Base error of the speech pipeline."""

    code = "pipeline_error"

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable


class ModelLoadError(PipelineError):
    """A speech model could not be found or loaded."""

    code = "model_load_failed"


class SpeechToTextError(PipelineError):
    """Transcription failed."""

    code = "stt_failed"


class TextToSpeechError(PipelineError):
    """Synthesis failed."""

    code = "tts_failed"
