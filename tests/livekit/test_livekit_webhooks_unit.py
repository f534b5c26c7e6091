"""Webhook verification without a server: signatures made the way livekit-server makes them."""

import base64
import hashlib
import json

import pytest
from livekit import api

from voice_agent.livekit.errors import WebhookError, WebhookSignatureError
from voice_agent.livekit.webhooks import (
    OtherWebhookEvent,
    ParticipantJoined,
    ParticipantLeft,
    RoomFinished,
    WebhookVerifier,
)

KEY, SECRET = "hook-key", "h" * 40


def sign(body: bytes, *, key: str = KEY, secret: str = SECRET) -> str:
    digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
    return api.AccessToken(key, secret).with_sha256(digest).to_jwt()


def joined_body() -> bytes:
    return json.dumps(
        {
            "event": "participant_joined",
            "id": "EV_1",
            "createdAt": "1795878000",
            "room": {"name": "store-SH-01-clerk-ana", "sid": "RM_1"},
            "participant": {
                "identity": "ana",
                "sid": "PA_1",
                "kind": "STANDARD",
                "attributes": {"role": "clerk", "store_id": "SH-01"},
            },
        }
    ).encode()


def verifier() -> WebhookVerifier:
    return WebhookVerifier(api_key=KEY, api_secret=SECRET)


def test_a_correctly_signed_participant_joined_becomes_a_typed_event() -> None:
    body = joined_body()
    event = verifier().verify(body, sign(body))
    assert isinstance(event, ParticipantJoined)
    assert (event.room, event.identity, event.role, event.store_id) == (
        "store-SH-01-clerk-ana",
        "ana",
        "clerk",
        "SH-01",
    )
    assert event.participant_kind == "standard" and event.event_id == "EV_1"
    assert event.at.year == 2026


def test_bearer_prefix_is_accepted() -> None:
    body = joined_body()
    assert isinstance(verifier().verify(body, "Bearer " + sign(body)), ParticipantJoined)


def test_a_tampered_body_is_refused() -> None:
    body = joined_body()
    header = sign(body)
    with pytest.raises(WebhookSignatureError) as error:
        verifier().verify(body.replace(b"ana", b"eve"), header)
    assert error.value.code == "webhook_bad_signature"


def test_a_token_signed_with_another_secret_is_refused() -> None:
    body = joined_body()
    with pytest.raises(WebhookSignatureError):
        verifier().verify(body, sign(body, secret="x" * 40))


def test_a_missing_authorization_header_is_refused() -> None:
    with pytest.raises(WebhookSignatureError):
        verifier().verify(joined_body(), None)


def test_a_signed_body_that_is_not_an_event_is_a_malformed_webhook() -> None:
    body = b'{"event": 42, "room": "not an object"}'
    with pytest.raises(WebhookError) as error:
        verifier().verify(body, sign(body))
    assert error.value.code == "webhook_malformed"
    assert not isinstance(error.value, WebhookSignatureError)


def test_room_finished_and_untranslated_events() -> None:
    finished = b'{"event": "room_finished", "id": "EV_2", "room": {"name": "r", "sid": "RM_2"}}'
    assert isinstance(verifier().verify(finished, sign(finished)), RoomFinished)
    track = b'{"event": "track_published", "id": "EV_3", "room": {"name": "r"}}'
    other = verifier().verify(track, sign(track))
    assert isinstance(other, OtherWebhookEvent) and other.event == "track_published"


def test_a_connection_that_died_counts_as_the_participant_leaving() -> None:
    body = joined_body().replace(b"participant_joined", b"participant_connection_aborted")
    event = verifier().verify(body, sign(body))
    assert isinstance(event, ParticipantLeft) and event.identity == "ana"


def test_a_created_at_no_calendar_can_hold_is_a_malformed_webhook() -> None:
    body = joined_body().replace(b'"1795878000"', b'"99999999999999999"')
    with pytest.raises(WebhookError) as error:
        verifier().verify(body, sign(body))
    assert error.value.code == "webhook_malformed" and "createdAt" in error.value.message
