"""Constants and helpers of the service tests (keys, signed webhooks, polling)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import secrets
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from google.protobuf.json_format import MessageToJson
from livekit import api
from pydantic import SecretStr

from tests.conftest import reference_time
from voice_agent.service_settings import ApiKeySettings

LIVEKIT_KEY = "service-tests"
LIVEKIT_SECRET = secrets.token_hex(24)

KEYS = {
    "ana": "clerk-ana-test-key-0001",
    "ben": "clerk-ben-test-key-0002",
    "mei": "manager-mei-sh01-key-0003",
    "tan": "manager-tan-sg01-key-0004",
    "lin": "regional-lin-east-key-0005",
    "hq": "hq-admin-test-key-000006",
}
API_KEYS = [
    ApiKeySettings(key=SecretStr(KEYS["ana"]), role="clerk", identity="ana", store_id="SH-01"),
    ApiKeySettings(key=SecretStr(KEYS["ben"]), role="clerk", identity="ben", store_id="SH-01"),
    ApiKeySettings(
        key=SecretStr(KEYS["mei"]), role="store_manager", identity="mei", store_id="SH-01"
    ),
    ApiKeySettings(
        key=SecretStr(KEYS["tan"]), role="store_manager", identity="tan", store_id="SG-01"
    ),
    ApiKeySettings(
        key=SecretStr(KEYS["lin"]), role="regional_manager", identity="lin", region="east-china"
    ),
    ApiKeySettings(key=SecretStr(KEYS["hq"]), role="hq", identity="hq-admin"),
]


def auth(name: str) -> dict[str, str]:
    """The Authorization header of a test key."""
    return {"Authorization": f"Bearer {KEYS[name]}"}


def signed_webhook(
    event: str,
    *,
    room: str,
    identity: str,
    attributes: dict[str, str] | None = None,
    kind: int = 0,
    secret: str = LIVEKIT_SECRET,
    created_at: int | None = None,
    participant_sid: str | None = None,
) -> tuple[bytes, dict[str, str]]:
    """A LiveKit webhook body and its headers, signed like livekit-server signs them."""
    message = api.WebhookEvent(
        event=event,
        id=f"EV_{secrets.token_hex(6)}",
        created_at=int(time.time()) if created_at is None else created_at,
        room=api.Room(name=room, sid=f"RM_{secrets.token_hex(6)}"),
        participant=api.ParticipantInfo(
            identity=identity,
            sid=participant_sid or f"PA_{secrets.token_hex(6)}",
            attributes=attributes or {},
            kind=kind,  # type: ignore[arg-type]
        ),
    )
    body = MessageToJson(message).encode()
    digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
    token = api.AccessToken(LIVEKIT_KEY, secret).with_sha256(digest).to_jwt()
    return body, {"Authorization": token, "Content-Type": "application/webhook+json"}


async def eventually(check: Callable[[], Any], *, within: float = 10.0, what: str = "") -> Any:
    """Poll ``check()`` until it returns something truthy; fail after ``within`` seconds."""
    deadline = time.monotonic() + within
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within} s: {what or check}")
        await asyncio.sleep(0.05)


def pinned_clock(runtime: Any, store_id: str = "SH-01") -> Callable[[], datetime]:
    """Saturday 2026-11-28 15:00 in the store's zone (the weekend offer runs)."""
    moment = reference_time().replace(tzinfo=runtime.knowledge.zone(store_id))
    return lambda: moment
