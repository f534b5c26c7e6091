"""The shared speech engine on the real Whisper tiny.en model."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from pipelines.speech_engine import SpeechEngine
from pipelines.stt_guards import OutputGuard
from pipelines.transcriber import Transcriber, Transcript
from tests.conftest import AUDIO
from voice_agent.audio_io import load_audio
from voice_agent.runtime import recognition_hints

pytestmark = pytest.mark.slow

# Four different questions, and a word each transcript must carry (and the others must not).
QUESTIONS = {
    "loop/ax200_weekend.wav": "weekend",
    "loop/socks_contact.wav": "socks",
    "loop/trail_runner_sale.wav": "trail",
    "loop/winter_boots_end.wav": "boots",
}


def _pcm(path: str) -> bytes:
    return load_audio(AUDIO / path).pcm16


def _engine(runtime: Any, **kwargs: Any) -> SpeechEngine:
    return SpeechEngine(
        model=runtime.models.whisper, hints=recognition_hints(runtime.knowledge), **kwargs
    )


def test_each_session_gets_its_own_transcript_when_all_speak_at_once(runtime: Any) -> None:
    engine = _engine(runtime, batch_wait_secs=0.05)
    results: dict[str, Transcript] = {}

    def session(path: str) -> None:
        results[path] = engine.transcribe_sync(_pcm(path))

    threads = [threading.Thread(target=session, args=(path,)) for path in QUESTIONS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.close()

    for path, word in QUESTIONS.items():
        text = results[path].text.lower()
        assert word in text, (path, text)
        others = [w for p, w in QUESTIONS.items() if p != path]
        assert not any(other in text for other in others), (path, text)


def test_utterances_that_arrive_together_are_decoded_in_one_call(runtime: Any) -> None:
    engine = _engine(runtime, batch_wait_secs=0.5)
    futures = [engine.submit(_pcm(path)) for path in QUESTIONS]
    transcripts = [future.result() for future in futures]
    engine.close()

    stats = engine.stats()
    assert stats.utterances == len(QUESTIONS)
    assert stats.batches == 1
    assert stats.largest_batch == len(QUESTIONS)
    assert all(t.window_secs == 10.0 and t.fallback is None for t in transcripts)


def test_async_sessions_share_the_engine(runtime: Any) -> None:
    engine = _engine(runtime, batch_wait_secs=0.2)

    async def main() -> list[Transcript]:
        return await asyncio.gather(*(engine.transcribe(_pcm(path)) for path in QUESTIONS))

    transcripts = asyncio.run(main())
    engine.close()
    for transcript, word in zip(transcripts, QUESTIONS.values(), strict=True):
        assert word in transcript.text.lower()
    assert engine.stats().largest_batch >= 2


def test_a_runaway_output_is_redone_on_the_full_window(runtime: Any) -> None:
    # A cap of a few tokens: the question cannot fit, so the short decode hits the cap.
    engine = _engine(runtime, guard=OutputGuard(tokens_per_sec=0.5, extra_tokens=1))
    pcm = _pcm("loop/ax200_weekend.wav")
    transcript = engine.transcribe_sync(pcm)
    engine.close()

    today = Transcriber(
        model=runtime.models.whisper, hints=recognition_hints(runtime.knowledge)
    ).transcribe_sync(pcm)
    assert transcript.fallback == "runaway"
    assert transcript.window_secs == 30.0
    assert transcript.text == today.text
    assert engine.stats().fallbacks == {"runaway": 1}


def test_silence_gives_an_empty_transcript(runtime: Any) -> None:
    engine = _engine(runtime)
    transcript = engine.transcribe_sync(bytes(16000 * 2 * 2))
    too_short = engine.transcribe_sync(bytes(800))
    engine.close()
    assert transcript.text == ""
    assert too_short.text == ""


def test_an_unsure_reading_is_kept_while_others_wait_and_redone_when_none_do(runtime: Any) -> None:
    # A log-probability floor no decode reaches: every reading counts as unsure. One
    # utterance per decode, three submitted together: the first two are decoded while
    # others wait behind them (kept as read), the last with nobody waiting (redone on 30 s).
    engine = _engine(runtime, max_batch=1, guard=OutputGuard(min_avg_logprob=0.0))
    futures = [engine.submit(_pcm(path)) for path in list(QUESTIONS)[:3]]
    transcripts = [future.result() for future in futures]
    engine.close()

    assert [t.window_secs for t in transcripts] == [10.0, 10.0, 30.0]
    assert [t.fallback for t in transcripts] == [None, None, "low_logprob"]
    assert engine.stats().kept_unsure == 2
    assert engine.stats().fallbacks == {"low_logprob": 1}
    for transcript, word in zip(transcripts, QUESTIONS.values(), strict=False):
        assert word in transcript.text.lower()
