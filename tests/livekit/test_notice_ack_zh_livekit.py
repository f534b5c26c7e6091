"""A clerk acknowledges an urgent notice in Chinese ("收到") over a real LiveKit room.

The service transcribes with multilingual Whisper base and ``[stt] language = "auto"`` (the
language is the service's, not a store's or a clerk's): the notice is composed in English
(the session's language is not Chinese, so ``[broadcast] language``), spoken by the packaged
English Piper voice, and the clerk answers in Mandarin. With ``language = "zh"`` the notice
would be composed in Chinese, which the English voice spells out for longer than the floor
waits for a notice to finish (it is given up, never "played"). The clerk's reply is espeak-ng
Mandarin (``tests/fixtures/replies_zh/``, ``scripts/make_fixtures.py --replies-zh``).
Everything else is :func:`tests.livekit.notice_helpers.serving`: local livekit-server,
webhooks, uvicorn, Silero, Piper, SQLite.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from knowledge_base.delivery import DeliveryState
from tests.conftest import FIXTURES
from tests.livekit.notice_helpers import NOTICE, Served, eventually, serving
from voice_agent.settings import Settings

pytestmark = [pytest.mark.slow, pytest.mark.livekit]

SHOU_DAO = FIXTURES / "replies_zh" / "shou_dao.wav"


def _state(served: Served) -> DeliveryState | None:
    delivery = served.delivery("ana")
    return delivery.state if delivery else None


def _bilingual_store(settings: Settings, model: Path) -> Settings:
    """The service of a store whose clerks speak English or Chinese (language detected).

    Without catalogue hints: the hints are the products' English names, and with them as
    Whisper's prompt base heard this 收到 as "Showdown" (detected) or "Socks" (language zh).
    """
    stt = settings.stt.model_copy(
        update={"model": str(model), "language": "auto", "use_catalogue_hints": False}
    )
    return settings.model_copy(update={"stt": stt})


async def test_a_spoken_shou_dao_is_stored_as_the_acknowledgement_of_the_notice(
    settings: Settings, livekit_binary: Path, multilingual_whisper: Path, tmp_path: Path
) -> None:
    bilingual = _bilingual_store(settings, multilingual_whisper)
    async with serving(bilingual, livekit_binary, tmp_path) as served:
        ana = await served.joins("ana", microphone=True)
        try:
            await eventually(ana.agent_joined, within=40, what="the agent joined ana's room")
            await asyncio.sleep(1.0)  # ana subscribes to the agent's track
            served.publish_urgent()
            await eventually(
                lambda: _state(served) is DeliveryState.PLAYED,
                within=90,
                what="ana heard the notice to its end",
            )
            assert ana.voiced_secs > 5.0  # she heard both sentences, not only their record
            await ana.say(SHOU_DAO)
            await eventually(
                lambda: _state(served) is DeliveryState.ACKNOWLEDGED,
                within=30,
                what="the spoken 收到 was stored as the acknowledgement",
            )
        finally:
            await ana.leave()

        stored = served.delivery("ana")
        assert stored is not None and stored.plays == 1 and stored.escalated_at is None
        assert stored.played_at is not None and stored.acknowledged_at is not None
        assert stored.played_at <= stored.acknowledged_at
        (heard,) = [
            e
            for e in served.session_events("ana", "reply_received")
            if e.reply == "acknowledged" and e.by == "voice"
        ]
        assert heard.utterance_id == NOTICE
        assert "收到" in heard.text, heard.text
