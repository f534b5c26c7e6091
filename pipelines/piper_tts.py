"""Piper text to speech over a voice loaded once per process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Iterator
from typing import Any

from loguru import logger
from pipecat.frames.frames import ErrorFrame, Frame
from pipecat.services.piper.tts import PiperTTSSettings
from pipecat.services.tts_service import TTSService
from piper import PiperVoice, SynthesisConfig


class SharedPiperTTSService(TTSService):
    """Pipecat TTS service that speaks with a shared, already loaded :class:`PiperVoice`.

    Pipecat's own ``PiperTTSService`` loads (or downloads) its voice per instance; one voice
    per process is enough for any number of sessions, since synthesis keeps no state.
    """

    Settings = PiperTTSSettings

    def __init__(self, *, voice: PiperVoice, length_scale: float = 1.0, **kwargs: Any) -> None:
        super().__init__(
            push_start_frame=True,
            push_stop_frames=True,
            settings=PiperTTSSettings(model=None, voice="shared", language=None),
            **kwargs,
        )
        self._voice = voice
        self._syn_config = SynthesisConfig(length_scale=length_scale)

    def can_generate_metrics(self) -> bool:
        """Piper reports TTFB and usage metrics."""
        return True

    async def run_tts(self, text: str, context_id: str) -> AsyncGenerator[Frame, None]:
        """Synthesize ``text`` sentence by sentence, off the event loop."""
        chunks: Iterator[Any] = iter(self._voice.synthesize(text, syn_config=self._syn_config))

        def next_chunk() -> bytes | None:
            chunk = next(chunks, None)
            return None if chunk is None else chunk.audio_int16_bytes

        async def audio() -> AsyncIterator[bytes]:
            while (data := await asyncio.to_thread(next_chunk)) is not None:
                yield data

        try:
            await self.start_tts_usage_metrics(text)
            async for frame in self._stream_audio_frames_from_iterator(
                audio(), in_sample_rate=self._voice.config.sample_rate, context_id=context_id
            ):
                await self.stop_ttfb_metrics()
                yield frame
        except Exception as e:
            logger.error(f"{self}: synthesis failed for {text!r}: {e}")
            yield ErrorFrame(error=f"Piper synthesis failed: {e}")
        finally:
            await self.stop_ttfb_metrics()
