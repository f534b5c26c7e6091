"""The speech engine hears each utterance in its own session's language.

One node serves an English store and a Chinese one: the engine decodes both clerks'
utterances in one ``generate`` call, each with the prompt of its own language (multilingual
Whisper base). An English-only model told Chinese still hears English.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipelines.speech_engine import SpeechEngine
from tests.conftest import AUDIO, FIXTURES
from voice_agent.audio_io import load_audio

pytestmark = pytest.mark.slow

ENGLISH = AUDIO / "loop" / "ax200_weekend.wav"
SHOU_DAO = FIXTURES / "replies_zh" / "shou_dao.wav"
"""espeak-ng Mandarin 收到 (``scripts/make_fixtures.py --replies-zh``)."""


def test_an_english_and_a_chinese_utterance_share_one_call_each_in_its_language(
    multilingual_whisper: Path,
) -> None:
    from faster_whisper import WhisperModel

    model = WhisperModel(str(multilingual_whisper), device="cpu", compute_type="int8")
    # No catalogue hints: their English product names made base hear 收到 as "Socks".
    engine = SpeechEngine(model=model, language="en", batch_wait_secs=0.5)
    try:
        english = engine.submit(load_audio(ENGLISH).pcm16, language="en")
        chinese = engine.submit(load_audio(SHOU_DAO).pcm16, language="zh-CN")
        heard_en, heard_zh = english.result().text, chinese.result().text
    finally:
        engine.close()
    assert "weekend" in heard_en.lower(), heard_en
    assert "收到" in heard_zh, heard_zh
    stats = engine.stats()
    assert stats.largest_batch == 2  # both in the first call, not one language after the other


def test_an_english_only_model_told_chinese_hears_english(runtime: Any) -> None:
    engine = SpeechEngine(model=runtime.models.whisper, language="en")
    try:
        heard = engine.transcribe_sync(load_audio(ENGLISH).pcm16, language="zh-CN").text
    finally:
        engine.close()
    assert "weekend" in heard.lower(), heard


MANDARIN_FEEDBACK = FIXTURES / "feedback" / "audio_zh" / "h2f0169.wav"
"""MBROLA Mandarin: "南京路店到下午3点才120人，计划是200" (heldout2 h2f0169)."""


def test_chinese_is_heard_in_simplified_characters_on_both_paths(
    multilingual_whisper: Path,
) -> None:
    from faster_whisper import WhisperModel

    from knowledge_base.words import has_cjk
    from pipelines.simplified_chinese import simplified
    from pipelines.transcriber import Transcriber

    model = WhisperModel(str(multilingual_whisper), device="cpu", compute_type="int8")
    pcm16 = load_audio(MANDARIN_FEEDBACK).pcm16
    # Unconverted, Whisper base writes this recording with Traditional characters (計劃).
    engine = SpeechEngine(model=model, language="zh-CN")
    try:
        heard = [
            engine.submit(pcm16).result().text,
            Transcriber(model=model, language="zh-CN").transcribe_sync(pcm16).text,
        ]
    finally:
        engine.close()
    for text in heard:
        assert has_cjk(text), text
        assert simplified(text) == text, text
