"""Real webhooks from livekit-server: verified and typed, forged ones refused."""

from typing import Any

import pytest
from livekit import rtc

from voice_agent.livekit.errors import WebhookSignatureError
from voice_agent.livekit.server import LocalLiveKitServer
from voice_agent.livekit.tokens import mint_token
from voice_agent.livekit.webhooks import (
    CONTENT_TYPE,
    ParticipantJoined,
    RoomStarted,
    WebhookVerifier,
)

pytestmark = [pytest.mark.livekit, pytest.mark.slow]

ROOM = "store-SG-01-clerk-tan"


async def join_tan(server: LocalLiveKitServer) -> None:
    token = mint_token(
        api_key=server.api_key,
        api_secret=server.api_secret,
        identity="tan",
        role="clerk",
        room=ROOM,
        store_id="SG-01",
    )
    room = rtc.Room()
    await room.connect(server.url, token)
    await room.disconnect()


async def test_participant_joined_arrives_signed_and_becomes_a_typed_event(
    livekit_server: LocalLiveKitServer, webhook_sink: Any
) -> None:
    await join_tan(livekit_server)
    request = webhook_sink.wait_for(
        lambda r: b'"participant_joined"' in r.body and b'"tan"' in r.body
    )
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

    started = webhook_sink.wait_for(
        lambda r: b'"room_started"' in r.body and ROOM.encode() in r.body
    )
    room_event = verifier.verify(started.body, started.authorization)
    assert isinstance(room_event, RoomStarted) and room_event.room == ROOM


async def test_a_real_webhook_with_a_forged_signature_or_altered_body_is_refused(
    livekit_server: LocalLiveKitServer, webhook_sink: Any
) -> None:
    await join_tan(livekit_server)
    request = webhook_sink.wait_for(lambda r: b'"participant_joined"' in r.body)
    wrong_secret = WebhookVerifier(api_key=livekit_server.api_key, api_secret="w" * 48)
    with pytest.raises(WebhookSignatureError):
        wrong_secret.verify(request.body, request.authorization)

    verifier = WebhookVerifier(api_key=livekit_server.api_key, api_secret=livekit_server.api_secret)
    with pytest.raises(WebhookSignatureError) as error:
        verifier.verify(request.body.replace(b"clerk", b"hq"), request.authorization)
    assert error.value.code == "webhook_bad_signature"
