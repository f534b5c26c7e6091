"""Pure rules for decoding short utterances on a shortened Whisper window.

Whisper was trained on 30 s windows. A shorter encoder window is several times faster on
short questions, but it can make the decoder loop ("the the the ...") or hallucinate. These
rules pick a safe window, cap the output length, and say when a result must be redone on
the full window. No models here: plain numbers and strings, tested as such.
"""

from __future__ import annotations

import math
import re
import zlib
from dataclasses import dataclass
from enum import StrEnum

FULL_WINDOW_SECS = 30.0
"""Whisper's native encoder window, in seconds."""


class Unreliable(StrEnum):
    """Why a short-window result is redone on the full window."""

    LOW_LOGPROB = "low_logprob"
    EMPTY = "empty"
    REPEATING = "repeating"
    RUNAWAY = "runaway"
    """The output reached its length cap: the decoder did not stop on its own."""


@dataclass(frozen=True, slots=True)
class WindowPolicy:
    """How the encoder window is chosen from the audio length.

    The window is the clip plus a margin, rounded up to ``step_secs``, never below
    ``floor_secs``: a window sized exactly to the audio makes Whisper unusable, and a 10 s
    floor showed no accuracy loss in published measurements.
    """

    floor_secs: float = 10.0
    """Smallest window, in seconds."""
    margin_secs: float = 2.0
    """Silence the window keeps after the clip, at least, in seconds."""
    step_secs: float = 5.0
    """Windows are multiples of this, in seconds (fewer shapes batch together better)."""

    def window_secs(self, audio_secs: float) -> float:
        """The encoder window for a clip of ``audio_secs`` (30 s for clips that need it)."""
        wanted = math.ceil((audio_secs + self.margin_secs) / self.step_secs) * self.step_secs
        return min(FULL_WINDOW_SECS, max(self.floor_secs, wanted))


@dataclass(frozen=True, slots=True)
class OutputGuard:
    """Limits on what a short-window decode may produce, and when to distrust it."""

    tokens_per_sec: float = 6.0
    """Output tokens allowed per second of audio (fast speech is about 4)."""
    extra_tokens: int = 12
    """Tokens allowed on top, for punctuation and very short clips."""
    min_avg_logprob: float = -1.0
    """Results less likely than this (mean log-probability per token) are redone."""
    no_speech_prob: float = 0.6
    """Above this, with a low log-probability, an empty result is trusted (Whisper's rule)."""
    max_compression_ratio: float = 2.4
    """Text that compresses better than this is repeating itself (Whisper's rule)."""

    def max_new_tokens(self, audio_secs: float) -> int:
        """The output cap for a clip of ``audio_secs``."""
        return math.ceil(audio_secs * self.tokens_per_sec) + self.extra_tokens

    def is_silence(self, *, avg_logprob: float, no_speech_prob: float) -> bool:
        """Whisper's own no-speech rule: likely no speech and an unconfident decode."""
        return no_speech_prob > self.no_speech_prob and avg_logprob < self.min_avg_logprob

    def unreliable(
        self, *, text: str, avg_logprob: float, num_tokens: int, audio_secs: float
    ) -> Unreliable | None:
        """Why this decode of speech cannot be trusted, or ``None`` when it can."""
        if num_tokens >= self.max_new_tokens(audio_secs):
            return Unreliable.RUNAWAY
        if not text.strip():
            return Unreliable.EMPTY
        if is_repeating(text, max_compression_ratio=self.max_compression_ratio):
            return Unreliable.REPEATING
        if avg_logprob < self.min_avg_logprob:
            return Unreliable.LOW_LOGPROB
        return None


def is_repeating(text: str, *, max_compression_ratio: float = 2.4, ngram: int = 3) -> bool:
    """True when ``text`` repeats a word ``ngram`` or compresses too well to be speech."""
    words = re.findall(r"[\w'-]+", text.lower())
    seen: set[tuple[str, ...]] = set()
    for index in range(len(words) - ngram + 1):
        gram = tuple(words[index : index + ngram])
        if gram in seen:
            return True
        seen.add(gram)
    if len(words) >= 3 and len(set(words)) == 1:
        return True
    data = text.encode("utf-8")
    return len(data) > 24 and len(data) / len(zlib.compress(data)) > max_compression_ratio
