"""The shared Piper service on the real packaged voice, with the rendered-speech cache."""

from __future__ import annotations

from typing import Any

import pytest
from pipecat.frames.frames import TTSAudioRawFrame, TTSSpeakFrame
from pipecat.tests.utils import SleepFrame, run_test

from pipelines.piper_tts import SharedPiperTTSService
from pipelines.speech_cache import RenderedSpeechCache

pytestmark = pytest.mark.slow


async def _speak(voice: Any, cache: RenderedSpeechCache, text: str) -> bytes:
    down, _ = await run_test(
        SharedPiperTTSService(voice=voice, voice_id="joe", cache=cache),
        frames_to_send=[TTSSpeakFrame(text=text), SleepFrame(sleep=1.0)],
    )
    return b"".join(f.audio for f in down if isinstance(f, TTSAudioRawFrame))


async def test_a_sentence_spoken_twice_is_rendered_once(runtime: Any) -> None:
    cache = RenderedSpeechCache(max_bytes=8 * 1024 * 1024)
    sentence = "The Winter Boots offer ends on Tuesday 15 December."
    first = await _speak(runtime.models.piper, cache, sentence)
    second = await _speak(runtime.models.piper, cache, sentence)

    assert len(first) > 16000  # about a second or more of audio
    assert second == first
    stats = cache.stats()
    assert (stats.entries, stats.hits, stats.misses) == (1, 1, 1)


async def test_sessions_saying_the_same_sentence_at_once_share_one_render(runtime: Any) -> None:
    import asyncio

    class CountingCache(RenderedSpeechCache):
        puts = 0

        def put(self, voice: str, text: str, chunks: list[bytes]) -> None:
            self.puts += 1
            super().put(voice, text, chunks)

    cache = CountingCache(max_bytes=8 * 1024 * 1024)
    sentence = "Urgent: the Weekend Running Offer is now 25 percent off, from today."
    heard = await asyncio.gather(*(_speak(runtime.models.piper, cache, sentence) for _ in range(4)))

    assert cache.puts == 1  # rendered by one session; the other three waited for it
    assert all(audio == heard[0] and len(audio) > 16000 for audio in heard)


def test_the_voice_renders_as_piper_loads_it_with_threads_that_do_not_spin() -> None:
    from piper import PiperVoice

    from pipelines.piper_tts import render_sentence
    from pipelines.speech_models import load_piper_voice, resolve_piper_voice

    path = resolve_piper_voice("packaged:en_US-joe-medium")
    ours = load_piper_voice(path)
    options = ours.session.get_session_options()
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"
    sentence = "The Winter Boots offer ends on Tuesday 15 December."
    assert render_sentence(ours, sentence, length_scale=1.0) == render_sentence(
        PiperVoice.load(path), sentence, length_scale=1.0
    )
