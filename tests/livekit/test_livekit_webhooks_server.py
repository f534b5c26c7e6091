"""Real webhooks from livekit-server: verified and typed, forged ones refused."""

import asyncio
from typing import Any

import pytest
from livekit_helpers import joined, room_token

from voice_agent.livekit.errors import WebhookSignatureError
from voice_agent.livekit.server import LocalLiveKitServer
from voice_agent.livekit.webhooks import (
    CONTENT_TYPE,
    ParticipantJoined,
    RoomStarted,
    WebhookVerifier,
)

pytestmark = [pytest.mark.livekit, pytest.mark.slow]

ROOM = "store-SG-01-clerk-tan"


async def wait_for(sink: Any, *markers: bytes) -> Any:
    # LiveKit sends participant_joined once the participant's media connection is up, so
    # the participant stays connected while we wait (in a thread: the sink blocks).
    return await asyncio.to_thread(sink.wait_for, lambda r: all(m in r.body for m in markers))


async def test_participant_joined_arrives_signed_and_becomes_a_typed_event(
    livekit_server: LocalLiveKitServer, webhook_sink: Any
) -> None:
    async with joined(livekit_server, room_token(livekit_server, "tan", room=ROOM)):
        request = await wait_for(webhook_sink, b'"participant_joined"', b'"tan"')
    assert request.content_type == CONTENT_TYPE
    verifier = WebhookVerifier(api_key=livekit_server.api_key, api_secret=livekit_server.api_secret)
    event = verifier.verify(request.body, request.authorization)
    assert isinstance(event, ParticipantJoined)
    assert (event.room, event.identity, event.role, event.store_id) == (
        ROOM,
        "tan",
        "clerk",
        "SG-01",
    )
    assert event.participant_sid.startswith("PA_")

    started = await wait_for(webhook_sink, b'"room_started"', ROOM.encode())
    room_event = verifier.verify(started.body, started.authorization)
    assert isinstance(room_event, RoomStarted) and room_event.room == ROOM


async def test_a_real_webhook_with_a_forged_signature_or_altered_body_is_refused(
    livekit_server: LocalLiveKitServer, webhook_sink: Any
) -> None:
    async with joined(livekit_server, room_token(livekit_server, "tan", room=ROOM)):
        request = await wait_for(webhook_sink, b'"participant_joined"', b'"tan"')
    wrong_secret = WebhookVerifier(api_key=livekit_server.api_key, api_secret="w" * 48)
    with pytest.raises(WebhookSignatureError):
        wrong_secret.verify(request.body, request.authorization)

    verifier = WebhookVerifier(api_key=livekit_server.api_key, api_secret=livekit_server.api_secret)
    with pytest.raises(WebhookSignatureError) as error:
        verifier.verify(request.body.replace(b"clerk", b"hq"), request.authorization)
    assert error.value.code == "webhook_bad_signature"
