"""The Chinese replies to a notice (``tests/fixtures/replies_zh/``) are heard as acknowledgements.

Through the service's own speech engine (``build_transcriber``) with multilingual Whisper base,
the language given or detected, without catalogue hints (see tests/fixtures/README.md), and
read by the knowledge base's acknowledgement reader. The LiveKit scenario is
``tests/livekit/test_notice_ack_zh_livekit.py``.
"""

from __future__ import annotations

import json
import wave
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from knowledge_base.acknowledgement import Reply, read_reply
from pipelines.speech_engine import SpeechEngine
from pipelines.speech_models import SpeechModels
from tests.conftest import FIXTURES
from voice_agent.runtime import build_transcriber
from voice_agent.settings import Settings

pytestmark = pytest.mark.slow

REPLIES_ZH = FIXTURES / "replies_zh"


def _replies() -> list[dict[str, Any]]:
    manifest = json.loads((REPLIES_ZH / "manifest.json").read_text(encoding="utf-8"))
    return list(manifest["files"])


@pytest.mark.parametrize("language", ["zh", "auto"])
def test_multilingual_whisper_hears_each_chinese_reply_as_an_acknowledgement(
    settings: Settings, multilingual_whisper: Path, language: str
) -> None:
    from faster_whisper import WhisperModel

    model = WhisperModel(str(multilingual_whisper), device="cpu", compute_type="int8")
    stt = settings.stt.model_copy(update={"language": language, "use_catalogue_hints": False})
    engine = build_transcriber(
        settings.model_copy(update={"stt": stt}),
        cast(SpeechModels, SimpleNamespace(whisper=model)),
        None,
    )
    replies = _replies()
    assert {entry["text"] for entry in replies} == {"收到", "收到，谢谢"}
    heard: dict[str, str] = {}
    for entry in replies:
        with wave.open(str(REPLIES_ZH / entry["path"]), "rb") as handle:
            heard[entry["text"]] = engine.transcribe_sync(
                handle.readframes(handle.getnframes())
            ).text
    if isinstance(engine, SpeechEngine):
        engine.close()
    assert {text: read_reply(h) for text, h in heard.items()} == dict.fromkeys(
        heard, Reply.ACKNOWLEDGED
    ), heard
