"""LiveKit webhooks: verify the signature, then translate to our own typed events.

The server POSTs each event as JSON with an ``Authorization`` header holding a JWT signed
with our API secret; the JWT carries the SHA-256 of the body. :class:`WebhookVerifier`
checks both with ``livekit.api`` (``WebhookReceiver`` + ``TokenVerifier``) and returns one
of the dataclasses below, so the rest of the application never sees protobuf.

Example (any HTTP framework):
    verifier = WebhookVerifier(api_key=key, api_secret=secret)
    event = verifier.verify(await request.body(), request.headers.get("Authorization"))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

from google.protobuf.json_format import ParseError
from livekit import api
from livekit.protocol.models import ParticipantInfo

from voice_agent.livekit.errors import WebhookError, WebhookSignatureError
from voice_agent.livekit.tokens import ROLE_ATTRIBUTE, STORE_ATTRIBUTE

CONTENT_TYPE = "application/webhook+json"
"""What livekit-server sends as ``Content-Type``."""


@dataclass(frozen=True, slots=True)
class RoomStarted:
    """A room was created (first participant joined, or created through the API)."""

    room: str
    room_sid: str
    event_id: str
    at: datetime
    """When the server emitted the event (UTC)."""
    kind: Literal["room_started"] = "room_started"


@dataclass(frozen=True, slots=True)
class RoomFinished:
    """A room closed (empty after its departure timeout, or deleted)."""

    room: str
    room_sid: str
    event_id: str
    at: datetime
    """When the server emitted the event (UTC)."""
    kind: Literal["room_finished"] = "room_finished"


@dataclass(frozen=True, slots=True)
class ParticipantJoined:
    """A participant joined a room."""

    room: str
    room_sid: str
    identity: str
    participant_sid: str
    event_id: str
    at: datetime
    """When the server emitted the event (UTC)."""
    role: str | None = None
    """The ``role`` attribute from the participant's token (see :mod:`.tokens`)."""
    store_id: str | None = None
    """The ``store_id`` attribute from the participant's token."""
    participant_kind: str = "standard"
    """LiveKit's participant kind: ``standard``, ``agent``, ``sip``, ..."""
    attributes: dict[str, str] = field(default_factory=dict)
    kind: Literal["participant_joined"] = "participant_joined"


@dataclass(frozen=True, slots=True)
class ParticipantLeft:
    """A participant left a room, was disconnected, or its connection died."""

    room: str
    room_sid: str
    identity: str
    participant_sid: str
    event_id: str
    at: datetime
    """When the server emitted the event (UTC)."""
    role: str | None = None
    store_id: str | None = None
    participant_kind: str = "standard"
    attributes: dict[str, str] = field(default_factory=dict)
    kind: Literal["participant_left"] = "participant_left"


@dataclass(frozen=True, slots=True)
class OtherWebhookEvent:
    """A verified event we do not translate (``track_published``, ``egress_ended``, ...)."""

    event: str
    """LiveKit's event name."""
    room: str | None
    event_id: str
    at: datetime
    kind: Literal["other"] = "other"


WebhookEvent = RoomStarted | RoomFinished | ParticipantJoined | ParticipantLeft | OtherWebhookEvent


class WebhookVerifier:
    """Verifies LiveKit webhook requests signed with one API key and secret."""

    def __init__(
        self, *, api_key: str, api_secret: str, leeway: timedelta = timedelta(minutes=1)
    ) -> None:
        """Accept webhooks signed by ``api_key``/``api_secret``.

        Args:
            api_key: The key the server signs with (``webhook.api_key`` in its config).
            api_secret: Its secret.
            leeway: Clock skew tolerated on the token's ``exp``/``nbf``.
        """
        self._receiver = api.WebhookReceiver(api.TokenVerifier(api_key, api_secret, leeway=leeway))

    def verify(self, body: bytes | str, authorization: str | None) -> WebhookEvent:
        """Check the signature of one webhook request and translate its event.

        Args:
            body: The raw request body, exactly as received.
            authorization: The ``Authorization`` header (a JWT, optionally ``Bearer``-prefixed).

        Raises:
            WebhookSignatureError: No token, a token not signed by our key, expired, or a
                body that does not match the token's hash.
            WebhookError: A correctly signed body that is not a LiveKit webhook event.
        """
        if not authorization:
            raise WebhookSignatureError("webhook has no Authorization header")
        token = authorization.removeprefix("Bearer ").strip()
        try:
            text = body.decode("utf-8") if isinstance(body, bytes) else body
        except UnicodeDecodeError as e:
            raise WebhookError(f"webhook body is not UTF-8: {e}", code="webhook_malformed") from e
        try:
            event = self._receiver.receive(text, token)
        except ParseError as e:
            raise WebhookError(
                f"webhook body is not a LiveKit event: {e}", code="webhook_malformed"
            ) from e
        except Exception as e:  # jwt errors, "hash mismatch", "sha256 was not found"
            raise WebhookSignatureError(f"webhook signature rejected: {e}") from e
        return translate_event(event)


_PARTICIPANT_EVENTS = ("participant_joined", "participant_left", "participant_connection_aborted")
"""A connection that dies without leaving (a killed process) ends with ``..._aborted``."""


def translate_event(event: api.WebhookEvent) -> WebhookEvent:
    """Our typed event for a (verified) LiveKit protobuf ``WebhookEvent``.

    Raises:
        WebhookError: ``createdAt`` is not a representable time (``webhook_malformed``).
    """
    try:
        at = datetime.fromtimestamp(event.created_at, tz=UTC)
    except (ValueError, OverflowError, OSError) as e:
        raise WebhookError(
            f"webhook createdAt {event.created_at} is not a valid time: {e}",
            code="webhook_malformed",
        ) from e
    room = event.room.name if event.HasField("room") else ""
    room_sid = event.room.sid if event.HasField("room") else ""
    if event.event == "room_started":
        return RoomStarted(room=room, room_sid=room_sid, event_id=event.id, at=at)
    if event.event == "room_finished":
        return RoomFinished(room=room, room_sid=room_sid, event_id=event.id, at=at)
    if event.event in _PARTICIPANT_EVENTS and event.HasField("participant"):
        participant = event.participant
        attributes = dict(participant.attributes)
        cls = ParticipantJoined if event.event == "participant_joined" else ParticipantLeft
        return cls(
            room=room,
            room_sid=room_sid,
            identity=participant.identity,
            participant_sid=participant.sid,
            event_id=event.id,
            at=at,
            role=attributes.get(ROLE_ATTRIBUTE),
            store_id=attributes.get(STORE_ATTRIBUTE),
            participant_kind=ParticipantInfo.Kind.Name(participant.kind).lower(),
            attributes=attributes,
        )
    return OtherWebhookEvent(event=event.event, room=room or None, event_id=event.id, at=at)
