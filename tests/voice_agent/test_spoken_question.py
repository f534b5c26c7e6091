"""A question spoken by Piper for a simulated clerk is the same audio on every run."""

from __future__ import annotations

from typing import Any

import numpy as np

from voice_agent.spoken_question import speak_question

QUESTION = "Hey promo, is the AX-200 in the weekend offer?"


def test_the_same_text_gives_the_same_audio_every_time(runtime: Any) -> None:
    # With Piper's generator noise on, the pause after "Hey promo," changed from run to run
    # and the demo sometimes heard the wake phrase as an utterance of its own.
    voice = runtime.models.piper
    first = speak_question(voice, QUESTION, sample_rate=16000)
    assert speak_question(voice, QUESTION, sample_rate=16000) == first


def test_the_silence_around_the_speech_is_as_asked(runtime: Any) -> None:
    pcm = speak_question(runtime.models.piper, QUESTION, sample_rate=16000, tail_secs=0.8)
    samples = np.frombuffer(pcm, dtype="<i2")
    lead, tail = samples[: int(0.4 * 16000)], samples[-int(0.8 * 16000) :]
    assert not lead.any() and not tail.any()
    assert np.abs(samples[int(0.4 * 16000) : -int(0.8 * 16000)]).max() > 3000
