"""Piper text to speech over a voice loaded once per process."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, AsyncIterator, Iterator
from contextlib import nullcontext
from typing import Any

from loguru import logger
from pipecat.frames.frames import ErrorFrame, Frame
from pipecat.services.piper.tts import PiperTTSSettings
from pipecat.services.tts_service import TTSService
from piper import PiperVoice, SynthesisConfig

from pipelines.leading_silence import trim_leading_silence
from pipelines.speech_cache import RenderedSpeechCache

CLAIM_WAIT_SECS = 30.0
"""Longest wait for another renderer of the same text before rendering it here as well."""
CLAIM_POLL_SECS = 0.02
"""How often a session waiting for another renderer looks again."""


def cache_voice(voice_id: str, length_scale: float) -> str:
    """The voice part of a rendered sentence's cache key: the voice and its speaking rate."""
    return f"{voice_id}@{length_scale}"


def synthesized_chunks(voice: PiperVoice, text: str, config: SynthesisConfig) -> Iterator[bytes]:
    """Piper's audio chunks for ``text`` (blocking, one per Piper sentence).

    The first starts at its first word (:mod:`pipelines.leading_silence`).
    """
    for index, chunk in enumerate(voice.synthesize(text, syn_config=config)):
        audio = chunk.audio_int16_bytes
        yield trim_leading_silence(audio, voice.config.sample_rate) if index == 0 else audio


def render_sentence(voice: PiperVoice, text: str, *, length_scale: float) -> list[bytes]:
    """Synthesize ``text`` whole (blocking): the audio chunks the live path speaks and caches."""
    return list(synthesized_chunks(voice, text, SynthesisConfig(length_scale=length_scale)))


class SharedPiperTTSService(TTSService):
    """Pipecat TTS service that speaks with a shared, already loaded :class:`PiperVoice`.

    Pipecat's own ``PiperTTSService`` loads (or downloads) its voice per instance; one voice
    per process is enough for any number of sessions, since synthesis keeps no state.
    Sentences already rendered in this voice come from ``cache`` without synthesis.

    Args:
        voice: The process-wide Piper voice.
        voice_id: Names the voice in cache keys (its file path).
        length_scale: Piper's speaking rate (below 1.0 is faster).
        cache: The process-wide cache of rendered sentences (``None``: no cache).
    """

    Settings = PiperTTSSettings

    def __init__(
        self,
        *,
        voice: PiperVoice,
        voice_id: str = "piper",
        length_scale: float = 1.0,
        cache: RenderedSpeechCache | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            push_start_frame=True,
            push_stop_frames=True,
            settings=PiperTTSSettings(model=None, voice="shared", language=None),
            **kwargs,
        )
        self._voice = voice
        self._syn_config = SynthesisConfig(length_scale=length_scale)
        self._cache = cache
        self._cache_voice = cache_voice(voice_id, length_scale)

    async def _wait_for_claimed(self, text: str) -> tuple[bytes, ...] | None:
        """The audio another renderer is making of ``text``; ``None`` if it gives up or is slow.

        Polled on the loop: a worker thread blocked per waiting session would take the
        default executor's few threads from the renders and stores the sessions wait for.
        """
        assert self._cache is not None
        deadline = time.monotonic() + CLAIM_WAIT_SECS
        while self._cache.is_claimed(self._cache_voice, text):
            if time.monotonic() > deadline:
                return None
            await asyncio.sleep(CLAIM_POLL_SECS)
        return self._cache.get(self._cache_voice, text)

    @property
    def voice(self) -> PiperVoice:
        """The voice this service speaks with."""
        return self._voice

    def can_generate_metrics(self) -> bool:
        """Piper reports TTFB and usage metrics."""
        return True

    async def run_tts(self, text: str, context_id: str) -> AsyncGenerator[Frame, None]:
        """Speak ``text`` from the cache, or synthesize it sentence by sentence off the loop."""
        cached = self._cache.get(self._cache_voice, text) if self._cache else None
        claimed = False
        if cached is None and self._cache is not None:
            claimed = self._cache.claim(self._cache_voice, text)
            if not claimed:
                # Another session (or the notice renderer) is rendering this very text.
                cached = await self._wait_for_claimed(text)
                if cached is None:
                    claimed = self._cache.claim(self._cache_voice, text)
        rendered: list[bytes] = []

        async def from_cache() -> AsyncIterator[bytes]:
            for chunk in cached or ():
                yield chunk

        chunks: Iterator[bytes] = iter(())
        if cached is None:
            chunks = synthesized_chunks(self._voice, text, self._syn_config)

        def next_chunk() -> bytes | None:
            return next(chunks, None)

        async def synthesized() -> AsyncIterator[bytes]:
            while (data := await asyncio.to_thread(next_chunk)) is not None:
                rendered.append(data)
                yield data

        live = self._cache.live_render() if self._cache and cached is None else nullcontext()
        try:
            with live:
                await self.start_tts_usage_metrics(text)
                async for frame in self._stream_audio_frames_from_iterator(
                    from_cache() if cached is not None else synthesized(),
                    in_sample_rate=self._voice.config.sample_rate,
                    context_id=context_id,
                ):
                    await self.stop_ttfb_metrics()
                    yield frame
            if cached is None and self._cache is not None:
                # Only complete renderings are kept (an interruption cancels this generator).
                self._cache.put(self._cache_voice, text, rendered)
        except Exception as e:
            logger.error(f"{self}: synthesis failed for {text!r}: {e}")
            yield ErrorFrame(error=f"Piper synthesis failed: {e}")
        finally:
            if claimed and self._cache is not None:
                self._cache.release(self._cache_voice, text)
            await self.stop_ttfb_metrics()
