"""Bad input as a careless or hostile caller sends it: a 4xx with a reason, never a 500."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import psutil
import pytest
from service_helpers import auth, signed_webhook

from voice_agent.service.runner import StoreService

pytestmark = [pytest.mark.livekit, pytest.mark.slow]

CLERK = {"role": "clerk", "store_id": "SH-01"}


async def test_a_signed_webhook_with_an_impossible_created_at_is_a_422(
    api_client: httpx.AsyncClient,
) -> None:
    body, headers = signed_webhook(
        "participant_joined",
        room="store-SH-01-clerk-ana",
        identity="ana",
        attributes=CLERK,
        created_at=10**15,
    )
    response = await api_client.post("/livekit/webhook", content=body, headers=headers)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "webhook_malformed" and "createdAt" in error["message"]


@pytest.mark.parametrize("room", ["", "store-SH-01-clerk-ana\n", "lobby\x00", "two words"])
async def test_a_token_for_a_malformed_room_is_a_422_naming_the_room(
    api_client: httpx.AsyncClient, room: str
) -> None:
    response = await api_client.post("/v1/tokens", headers=auth("hq"), json={"room": room})
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "bad_room_name" and repr(room) in error["message"]


async def test_a_trailing_newline_does_not_make_a_clerk_room(
    api_client: httpx.AsyncClient, store_service: StoreService
) -> None:
    body, headers = signed_webhook(
        "participant_joined", room="store-SH-01-clerk-ana\n", identity="ana", attributes=CLERK
    )
    response = await api_client.post("/livekit/webhook", content=body, headers=headers)
    assert response.status_code == 200
    assert response.json()["action"] == "ignored"
    assert store_service.manager.list() == []


async def test_control_characters_from_a_request_never_reach_the_log_raw(
    api_client: httpx.AsyncClient, log_lines: list[str]
) -> None:
    body, headers = signed_webhook(
        "participant_joined", room="lobby\x00\nFAKE LOG LINE", identity="ana", attributes=CLERK
    )
    response = await api_client.post("/livekit/webhook", content=body, headers=headers)
    assert response.status_code == 200
    await api_client.post("/v1/tokens", headers=auth("hq"), json={"room": "a\x00b"})
    logged = "".join(log_lines)
    assert "lobby\\x00\\nFAKE LOG LINE" in logged
    assert "\x00" not in logged and "\nFAKE" not in logged


async def test_a_webhook_for_a_store_outside_the_knowledge_base_starts_no_session(
    api_client: httpx.AsyncClient, store_service: StoreService
) -> None:
    body, headers = signed_webhook(
        "participant_joined",
        room="store-XX-99-clerk-zed",
        identity="zed",
        attributes={"role": "clerk", "store_id": "XX-99"},
    )
    response = await api_client.post("/livekit/webhook", content=body, headers=headers)
    assert response.status_code == 200
    assert (response.json()["action"], response.json()["code"]) == ("refused", "unknown_store")
    assert store_service.manager.list() == []


async def test_a_body_over_the_limit_is_refused_by_its_content_length(
    http_client: httpx.AsyncClient,
) -> None:
    response = await http_client.post(
        "/livekit/webhook",
        content=b"x" * (2 * 1024 * 1024),
        headers={"Content-Type": "application/webhook+json"},
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"


async def test_a_streamed_body_over_the_limit_is_refused_while_it_arrives(
    http_client: httpx.AsyncClient,
) -> None:
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(200):  # would be 200 MB
            sent += 1
            yield b"x" * (1024 * 1024)

    process = psutil.Process()
    rss_before = process.memory_info().rss
    response = await http_client.post(
        "/livekit/webhook",
        content=chunks(),
        headers={"Content-Type": "application/webhook+json", "Authorization": "x"},
    )
    assert response.status_code == 413, (sent, response.text)
    assert response.json()["error"]["code"] == "body_too_large"
    grown_mb = (process.memory_info().rss - rss_before) / 2**20
    assert grown_mb < 50, f"the service grew by {grown_mb:.0f} MB for a refused body"
