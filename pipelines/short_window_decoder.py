"""Short-window Whisper decoding: one CTranslate2 ``generate`` call for a batch of clips.

Whisper's encoder normally reads a fixed 30 s window. Here each clip's own mel frames are
zero-padded to a shorter window picked for the batch, and every clip is decoded with the
prompt of its own language. Used by :class:`~pipelines.speech_engine.SpeechEngine`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

FRAMES_PER_SEC = 100
"""Whisper's mel frames per second of audio (hop of 160 samples at 16 kHz)."""


@dataclass(frozen=True, slots=True)
class Decoded:
    """One clip's short-window reading, with the scores the output guard judges."""

    text: str
    avg_logprob: float
    no_speech_prob: float
    num_tokens: int


class ShortWindowDecoder:
    """Decodes batches of clips on a short encoder window with a loaded faster-whisper model.

    Args:
        model: A loaded ``faster_whisper.WhisperModel``.
        prompt: The initial prompt text (catalogue hints); ``None``: none.
        beam_size: Beam of each decode.
        no_repeat_ngram_size: Token n-grams that may not repeat in a decode.
    """

    def __init__(
        self, *, model: Any, prompt: str | None, beam_size: int, no_repeat_ngram_size: int
    ) -> None:
        self._model = model
        self._prompt = prompt
        self._beam = beam_size
        self._no_repeat = no_repeat_ngram_size
        self._prompts: dict[str, list[int]] = {}
        """Whisper language code -> the decoder prompt for it (built on first use)."""
        self._suppress: list[int] = []
        self._tokenizer: Any = None
        self._eot = 0

    def decode(
        self,
        clips: list[tuple[np.ndarray, str]],
        *,
        max_new_tokens: list[int],
        window_secs: float,
    ) -> list[Decoded]:
        """Decode ``(samples, language)`` clips in one call, each capped at its token count."""
        from faster_whisper.transcribe import get_ctranslate2_storage

        model: Any = self._model
        frames = int(window_secs * FRAMES_PER_SEC)
        features = np.zeros((len(clips), model.feature_extractor.mel_filters.shape[0], frames))
        for index, (samples, _language) in enumerate(clips):
            # As faster-whisper does: the clip's own mel frames, zero-padded to the window.
            mel = model.feature_extractor(samples)[:, :-1][:, :frames]
            features[index, :, : mel.shape[1]] = mel
        prompts = [self.prompt_for(language) for _samples, language in clips]
        max_length = min(model.max_length, len(prompts[0]) + max(max_new_tokens))
        results = model.model.generate(
            get_ctranslate2_storage(features.astype(np.float32)),
            prompts,
            beam_size=self._beam,
            max_length=max_length,
            no_repeat_ngram_size=self._no_repeat,
            return_scores=True,
            return_no_speech_prob=True,
            suppress_blank=True,
            suppress_tokens=self._suppress,
        )
        decoded: list[Decoded] = []
        for result in results:
            tokens = [t for t in result.sequences_ids[0] if t < self._eot]
            # CTranslate2 returns the length-normalised score; recover the mean log-prob.
            avg_logprob = result.scores[0] * len(tokens) / (len(tokens) + 1)
            decoded.append(
                Decoded(
                    text=self._tokenizer.decode(tokens).strip(),
                    avg_logprob=avg_logprob,
                    no_speech_prob=result.no_speech_prob,
                    num_tokens=len(tokens),
                )
            )
        return decoded

    def prompt_for(self, language: str) -> list[int]:
        """The decoder prompt (hints, then the start of a transcript in ``language``)."""
        if language in self._prompts:
            return self._prompts[language]
        from faster_whisper.tokenizer import Tokenizer
        from faster_whisper.transcribe import get_suppressed_tokens

        model: Any = self._model
        multilingual = bool(model.model.is_multilingual)
        tokenizer = Tokenizer(
            model.hf_tokenizer,
            multilingual,
            task="transcribe",
            language=language if multilingual else "en",
        )
        if self._tokenizer is None:
            # Decoding, the end token and the suppressed tokens are the same in every language.
            self._tokenizer = tokenizer
            self._eot = tokenizer.eot
            self._suppress = list(get_suppressed_tokens(tokenizer, [-1]) or [])
        previous = tokenizer.encode(" " + self._prompt.strip()) if self._prompt else []
        prompt = list(model.get_prompt(tokenizer, previous, without_timestamps=True))
        self._prompts[language] = prompt
        return prompt
