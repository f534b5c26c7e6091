"""Spoken acknowledgements, replays and escalation over a real LiveKit room.

The real service (local livekit-server, webhooks, uvicorn, Silero, Whisper tiny.en, Piper)
serves the published sample chain from SQLite. Simulated people join their own rooms and
speak fixture audio (``tests/fixtures/audio/replies/``, made by ``scripts/make_fixtures.py``).
Everything is asserted on stored deliveries, the escalation webhook and the sessions'
events, never on what Whisper makes of the assistant's own voice.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from knowledge_base.delivery import DeliveryState
from tests.conftest import AUDIO, FIXTURES
from tests.livekit.conftest import WebhookSink
from tests.livekit.notice_helpers import (
    Earpiece,
    Served,
    eventually,
    says_until_acknowledged,
    serving,
)
from voice_agent.settings import Settings

pytestmark = [pytest.mark.slow, pytest.mark.livekit]

GOT_IT = AUDIO / "replies" / "got_it.wav"
UNDERSTOOD = AUDIO / "replies" / "understood.wav"
ROSTER = (FIXTURES / "rosters" / "always_on_shift.csv").read_text(encoding="utf-8")
ACK_WITHIN_SECS = 15.0
"""Short, so the silent clerk's replay and escalation come within the test; long enough for
a reply spoken and transcribed on a loaded machine (the service shares the test's loop)."""


def _state(served: Served, clerk: str) -> DeliveryState | None:
    delivery = served.delivery(clerk)
    return delivery.state if delivery else None


def _played(served: Served, clerk: str) -> bool:
    return _state(served, clerk) is DeliveryState.PLAYED


async def _all_in(served: Served, *people: Earpiece) -> None:
    for person in people:
        await eventually(person.agent_joined, within=40, what="the agent joined every room")
    await asyncio.sleep(1.0)  # everyone subscribes to the agent's track


def _voice_acknowledgements(served: Served, identity: str) -> list[Any]:
    return [
        e
        for e in served.session_events(identity, "reply_received")
        if e.reply == "acknowledged" and e.by == "voice"
    ]


async def _hears_then(
    served: Served, identity: str, earpiece: Earpiece, reply: Callable[[], Awaitable[None]]
) -> None:
    """Once ``identity`` has heard the notice to its end, ``reply``."""
    await eventually(lambda: _played(served, identity), within=90, what=f"{identity} heard it")
    # Both sentences were heard, not only 'Say "got it" when you have it.'
    assert earpiece.voiced_secs > 5.0, identity
    await reply()


async def test_a_spoken_got_it_acknowledges_an_awaited_notice_and_only_then(
    settings: Settings, livekit_binary: Path, tmp_path: Path
) -> None:
    async with serving(settings, livekit_binary, tmp_path) as served:
        ana = await served.joins("ana", microphone=True)
        try:
            await _all_in(served, ana)
            # Nothing awaits an acknowledgement: "got it" is only the clerk's "stop, thanks".
            await ana.say(GOT_IT)
            await eventually(
                lambda: bool(served.session_events("ana", "stop_requested")),
                within=30,
                what="a bare 'got it' was heard as a stop command",
            )
            served.publish_urgent()
            await eventually(lambda: _played(served, "ana"), within=60, what="the notice played")
            await ana.say(GOT_IT)
            await eventually(
                lambda: _state(served, "ana") is DeliveryState.ACKNOWLEDGED,
                within=30,
                what="the spoken 'got it' was stored as the acknowledgement",
            )
        finally:
            await ana.leave()
        stored = served.delivery("ana")
        assert stored is not None and stored.plays == 1 and stored.escalated_at is None
        assert stored.played_at is not None and stored.acknowledged_at is not None
        assert stored.played_at <= stored.acknowledged_at
        (heard,) = _voice_acknowledgements(served, "ana")
        assert heard.utterance_id == "weekend-running@3"
        assert len(served.session_events("ana", "stop_requested")) == 1  # only the first


async def test_two_clerks_acknowledge_by_voice_the_silent_one_hears_it_again_and_is_escalated(
    settings: Settings, livekit_binary: Path, tmp_path: Path, webhook_sink: WebhookSink
) -> None:
    broadcast = {
        "acknowledge_within_secs": ACK_WITHIN_SECS,
        "escalation_webhook_url": webhook_sink.url.replace("/livekit/webhook", "/escalations"),
        "escalation_webhook_secret": SecretStr("escalation-test-secret"),
    }
    async with serving(
        settings, livekit_binary, tmp_path, roster=ROSTER, capacity=4, broadcast=broadcast
    ) as served:
        ana = await served.joins("ana", microphone=True)
        ben = await served.joins("ben", microphone=True)
        chen = await served.joins("chen", microphone=True)
        mei = await served.joins("mei", role="store_manager")
        try:
            await _all_in(served, ana, ben, chen, mei)
            served.publish_urgent()
            await asyncio.gather(
                _hears_then(
                    served, "ana", ana, lambda: says_until_acknowledged(served, ana, GOT_IT)
                ),
                _hears_then(
                    served, "ben", ben, lambda: says_until_acknowledged(served, ben, UNDERSTOOD)
                ),
                # The manager uses the earpiece's button.
                _hears_then(served, "mei", mei, mei.acknowledge),
            )
            before = mei.voiced_secs

            def escalated() -> bool:
                delivery = served.delivery("chen")
                return delivery is not None and delivery.escalated_at is not None

            await eventually(escalated, within=120, what="chen's silence was escalated")
            await eventually(
                lambda: bool(served.session_events("mei", "utterance_played")[1:]),
                within=60,
                what="the escalation was spoken to the store manager",
            )
        finally:
            for person in (ana, ben, chen, mei):
                await person.leave()

        for clerk in ("ana", "ben"):
            delivery = served.delivery(clerk)
            assert delivery is not None and delivery.state is DeliveryState.ACKNOWLEDGED, clerk
            assert delivery.escalated_at is None and delivery.acknowledged_at is not None
            assert _voice_acknowledgements(served, clerk), f"{clerk} acknowledged by voice"
        silent = served.delivery("chen")
        assert silent is not None and silent.state is DeliveryState.PLAYED
        assert silent.plays == 2  # played, then replayed once at the next pause
        assert silent.acknowledged_at is None
        assert silent.played_at is not None and silent.last_played_at is not None
        assert silent.escalated_at is not None and silent.escalated_at > silent.last_played_at
        # A notice cut off (a session rejoining LiveKit) is said again whole; only complete
        # plays count, and the one replay comes last.
        heard = [e.kind for e in served.session_events("chen", "utterance_started")]
        assert heard[-1] == "replay" and heard.count("replay") == 1, heard
        manager = served.delivery("mei")
        assert manager is not None and manager.state is DeliveryState.ACKNOWLEDGED
        spoken = served.session_events("mei", "utterance_started")
        assert [e.kind for e in spoken].count("escalation") == 1
        assert spoken[-1].kind == "escalation"
        assert mei.voiced_secs - before > 1.0  # the manager heard the escalation
        posted = webhook_sink.wait_for(lambda r: b"notice_not_acknowledged" in r.body)
        payload = json.loads(posted.body)
        assert (payload["clerk"], payload["store_id"], payload["plays"]) == ("chen", "SH-01", 2)
        assert payload["managers"] == ["mei"]
