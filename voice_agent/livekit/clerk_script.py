"""What a simulated clerk says: the script of WAV files and how it paces itself."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from voice_agent.audio_io import AudioInputError, load_audio
from voice_agent.livekit.errors import AudioFileError


class ClerkUtterance(BaseModel):
    """One WAV file the clerk says."""

    model_config = ConfigDict(frozen=True)

    path: Path
    barge_in_after_secs: float | None = Field(default=None, ge=0.0)
    """Start this many seconds after reply audio to the previous utterance starts arriving,
    i.e. talk over the reply; ``None`` waits for the reply to end, then the pause."""


class ClerkScript(BaseModel):
    """What the simulated clerk says, and how it paces itself."""

    model_config = ConfigDict(frozen=True)

    utterances: list[ClerkUtterance] = Field(default_factory=list)
    wait_for_assistant_secs: float = Field(default=0.0, ge=0.0)
    """After joining, wait up to this long (sending silence) until an assistant listens (it
    says so in ``lk.agent.state``, see :mod:`voice_agent.livekit.earpiece`) and has our
    microphone, as a clerk's app waits before it says "ready", and again if it no longer
    listens once the lead-in is over (a session winding down); 0: don't wait."""
    lead_in_secs: float = Field(default=0.5, ge=0.0)
    """Silence sent after joining (and any wait for the assistant), before the first utterance."""
    silence_between_secs: float = Field(default=1.0, ge=0.0)
    """Silence after a reply ended (or, without waiting, after an utterance) before the next."""
    wait_for_reply: bool = True
    """Wait for each reply to finish before going on (or up to the timeouts)."""
    reply_timeout_secs: float = Field(default=10.0, gt=0.0)
    """Give up waiting for a reply that has not started this long after speech ended."""
    max_reply_secs: float = Field(default=30.0, gt=0.0)
    """Give up waiting for a reply that is still playing this long after speech ended."""
    tail_secs: float = Field(default=0.5, ge=0.0)
    """Silence sent at the end, before leaving."""
    push_to_talk: bool = False
    """Send ``ptt`` start/stop data messages around each utterance."""

    @classmethod
    def from_files(
        cls, paths: Sequence[Path], *, barge_in_after_secs: float | None = None, **options: object
    ) -> ClerkScript:
        """A script saying ``paths`` in order; ``barge_in_after_secs`` applies from the 2nd."""
        utterances = [
            ClerkUtterance(path=p, barge_in_after_secs=barge_in_after_secs if i else None)
            for i, p in enumerate(paths)
        ]
        return cls.model_validate({"utterances": utterances, **options})


def read_clerk_audio(path: Path) -> np.ndarray:
    """Read any audio file as 16 kHz mono int16 samples (down-mixed and resampled).

    Raises:
        AudioFileError: Missing, empty or unreadable file; ``code`` says which.
    """
    try:
        loaded = load_audio(path)
    except AudioInputError as e:
        raise AudioFileError(str(e), code=f"audio_{e.code}") from e
    return np.frombuffer(loaded.pcm16, dtype="<i2").astype(np.int16)
