"""``[tts] voices``: a voice per language, each voice file loaded once per node.

No Chinese Piper voice installs here (../shared/NOTES.md), so the packaged English voice
stands in under the ``zh-CN`` key: what is proved is which voice a session is given and how
often a voice file loads, not how Chinese sounds. A second file (a link to the same voice)
is a second voice: it loads on its own, and a zh-CN session speaks with it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from pipelines.answer_processor import CallerProfile
from pipelines.piper_tts import SharedPiperTTSService
from pipelines.speech_models import (
    PiperSpec,
    SpeechModels,
    WhisperSpec,
    load_speech_models,
    resolve_piper_voice,
)
from pipelines.transcriber import Transcriber
from pipelines.transports.replay import ReplayTransport
from pipelines.voice_loop import VoiceLoopConfig, build_voice_loop
from tests.pipelines.test_answer_processor import SlowAnswerer
from voice_agent.settings import Settings
from voice_agent.speech_settings import TtsSettings

pytestmark = pytest.mark.slow

JOE = "packaged:en_US-joe-medium"


def _load(voices: tuple[tuple[str, str], ...]) -> SpeechModels:
    return load_speech_models(
        whisper=WhisperSpec(model="packaged:tiny.en"), piper=PiperSpec(voice=JOE, voices=voices)
    )


def _second_voice_file(tmp_path: Path) -> Path:
    """Another voice file (links to the packaged one's model and config)."""
    joe = resolve_piper_voice(JOE)
    other = tmp_path / "zh_CN-stand-in.onnx"
    other.symlink_to(joe)
    Path(f"{other}.json").symlink_to(f"{joe}.json")
    return other


def _session_voice(models: SpeechModels, language: str) -> object:
    loop = build_voice_loop(
        session_id=f"store-X-clerk-{language}",
        transport=ReplayTransport(pcm16=b""),
        models=models,
        transcriber=Transcriber(model=models.whisper),
        answerer=SlowAnswerer(),
        caller=CallerProfile(store_id="SH-01", language=language),
        config=VoiceLoopConfig(),
    )
    (tts,) = [p for p in loop.pipeline.processors if isinstance(p, SharedPiperTTSService)]
    return tts.voice


def test_two_languages_naming_one_voice_share_one_loaded_voice() -> None:
    models = _load((("zh-CN", JOE),))
    assert set(models.voices) == {"en", "zh-CN"}
    assert models.voices["zh-CN"] is models.voices["en"]  # loaded once, not once per language
    assert models.voices["en"].voice is models.piper


def test_a_session_speaks_with_the_voice_of_its_language(tmp_path: Path) -> None:
    other = _second_voice_file(tmp_path)
    models = _load((("zh-CN", str(other)),))
    chinese, english = models.voices["zh-CN"], models.voices["en"]
    assert chinese.voice is not english.voice
    assert chinese.voice_id == str(other)  # its own cache keys: never the English audio

    assert _session_voice(models, "zh-CN") is chinese.voice
    assert _session_voice(models, "en") is english.voice
    # A language without a voice (a caller that did not ask the node) gets the English one.
    assert models.voice_for("fr") is None
    assert _session_voice(models, "fr") is english.voice


def test_a_voice_for_a_language_the_texts_are_not_written_in_is_refused() -> None:
    with pytest.raises(ValidationError, match="no texts are written in de"):
        Settings(tts=TtsSettings(voices={"de": "/opt/voices/de_DE-thorsten-medium.onnx"}))
    assert TtsSettings(voices={"zh-CN": "/opt/zh.onnx"}).voices == {"zh-CN": "/opt/zh.onnx"}
