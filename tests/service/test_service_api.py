"""The HTTP API: API keys, who may mint which LiveKit token, manager scopes, webhooks, gaps."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import httpx
import pytest
from livekit import api
from service_helpers import KEYS, LIVEKIT_KEY, LIVEKIT_SECRET, auth, signed_webhook

from tests.storage.question_helpers import unanswered
from voice_agent.livekit.dispatch import dispatched_role
from voice_agent.service.runner import StoreService
from voice_agent.service_settings import (
    DEVELOPMENT_API_KEYS,
    ServiceSettings,
    check_production_secrets,
)
from voice_agent.storage import Database, SqlQuestionLogRepository

pytestmark = [pytest.mark.livekit, pytest.mark.slow]


def claims(token: str) -> api.Claims:
    return api.TokenVerifier(LIVEKIT_KEY, LIVEKIT_SECRET).verify(token)


async def mint(client: httpx.AsyncClient, key: str, **body: object) -> httpx.Response:
    return await client.post("/v1/tokens", headers=auth(key), json=body)


# --- authentication -----------------------------------------------------------------------


async def test_healthz_needs_no_key(api_client: httpx.AsyncClient) -> None:
    response = await api_client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["sessions"], body["capacity"]) == ("ok", 0, 1)
    assert body["checks"]["models"]["ok"] and body["checks"]["agent"]["ok"]


async def test_a_request_without_a_key_is_refused_with_a_json_error(
    api_client: httpx.AsyncClient,
) -> None:
    response = await api_client.post("/v1/tokens", json={})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"]["code"] == "unauthorized"
    assert "Bearer" in response.json()["error"]["message"]


async def test_an_unknown_key_is_refused(api_client: httpx.AsyncClient) -> None:
    response = await api_client.get(
        "/v1/sessions", headers={"Authorization": "Bearer not-a-configured-key-at-all"}
    )
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "unauthorized", "message": "unknown API key"}}


async def test_the_key_may_come_in_an_x_api_key_header(api_client: httpx.AsyncClient) -> None:
    response = await api_client.get("/v1/sessions", headers={"X-API-Key": KEYS["mei"]})
    assert response.status_code == 200


# --- tokens -------------------------------------------------------------------------------


async def test_a_clerk_key_mints_a_clerk_token_for_its_own_room(
    api_client: httpx.AsyncClient, store_service: StoreService
) -> None:
    response = await mint(api_client, "ana")
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["room"], body["identity"], body["role"]) == (
        "store-SH-01-clerk-ana",
        "ana",
        "clerk",
    )
    assert body["url"] == store_service.endpoint.url
    assert datetime.fromisoformat(body["expires_at"]) > datetime.now(UTC)
    granted = claims(body["token"])
    assert granted.identity == "ana"
    assert granted.video is not None and granted.video.room == "store-SH-01-clerk-ana"
    assert granted.attributes == {"role": "clerk", "store_id": "SH-01"}


@pytest.mark.parametrize(
    "body",
    [
        {"identity": "ben"},
        {"room": "store-SH-01-clerk-ben"},
        {"identity": "ben", "room": "store-SH-01-clerk-ben"},
        {"role": "store_manager", "room": "store-SH-01-clerk-ana"},
        {"role": "hq"},
    ],
)
async def test_a_clerk_key_cannot_mint_for_anyone_or_anything_else(
    api_client: httpx.AsyncClient, body: dict[str, str]
) -> None:
    response = await mint(api_client, "ana", **body)
    assert response.status_code == 403, response.text
    assert response.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/sessions"),
        ("DELETE", "/v1/sessions/store-SH-01-clerk-ana"),
        ("GET", "/v1/sessions/store-SH-01-clerk-ana/events"),
        ("GET", "/v1/gaps"),
    ],
)
async def test_a_clerk_key_cannot_call_manager_endpoints(
    api_client: httpx.AsyncClient, method: str, path: str
) -> None:
    response = await api_client.request(method, path, headers=auth("ana"))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


async def test_a_store_manager_mints_a_clerk_token_and_their_own_for_rooms_of_their_store(
    api_client: httpx.AsyncClient,
) -> None:
    clerk = await mint(
        api_client, "mei", role="clerk", identity="ben", room="store-SH-01-clerk-ben"
    )
    assert clerk.status_code == 201, clerk.text
    assert claims(clerk.json()["token"]).attributes == {"role": "clerk", "store_id": "SH-01"}

    own = await mint(api_client, "mei", room="store-SH-01-clerk-ben")
    assert own.status_code == 201, own.text
    assert (own.json()["identity"], own.json()["role"]) == ("mei", "store_manager")


@pytest.mark.parametrize(
    ("key", "body", "code"),
    [
        ("mei", {"room": "store-SG-01-clerk-tan"}, "forbidden"),  # another store
        ("mei", {"role": "clerk", "identity": "ana", "room": "store-SH-01-clerk-ben"}, None),
        ("mei", {"identity": "someone-else", "room": "store-SH-01-clerk-ben"}, "forbidden"),
        ("mei", {"role": "hq", "room": "store-SH-01-clerk-ben"}, "forbidden"),
        ("lin", {"room": "store-SG-01-clerk-tan"}, "forbidden"),  # outside east-china
    ],
)
async def test_managers_cannot_mint_outside_their_scope(
    api_client: httpx.AsyncClient, key: str, body: dict[str, str], code: str | None
) -> None:
    response = await mint(api_client, key, **body)
    assert response.status_code == 403, response.text
    # A clerk token for a room that is not that clerk's: the LiveKit token policy refuses it.
    assert response.json()["error"]["code"] == (code or "room_not_allowed")


async def test_a_regional_manager_mints_for_any_store_of_their_region(
    api_client: httpx.AsyncClient,
) -> None:
    response = await mint(api_client, "lin", room="store-HZ-01-clerk-cai")
    assert response.status_code == 201, response.text
    assert response.json()["role"] == "regional_manager"
    granted = claims(response.json()["token"])
    assert granted.attributes == {"role": "regional_manager", "region_id": "east-china"}
    assert granted.room_config is None  # cai's room: cai's join dispatches the assistant


async def test_a_regional_manager_s_own_room_in_their_region_dispatches_them_the_assistant(
    api_client: httpx.AsyncClient,
) -> None:
    response = await mint(api_client, "lin", room="store-HZ-01-clerk-lin")
    assert response.status_code == 201, response.text
    config = claims(response.json()["token"]).room_config
    assert config is not None
    (dispatch,) = config.agents
    assert dispatched_role(dispatch.metadata) == "regional_manager"


async def test_hq_mints_anything_including_a_room_list_token(
    api_client: httpx.AsyncClient,
) -> None:
    listing = await mint(api_client, "hq")
    assert listing.status_code == 201, listing.text
    assert listing.json()["room"] is None
    granted = claims(listing.json()["token"])
    assert granted.video is not None and granted.video.room_list and not granted.video.room_join

    berlin = await mint(api_client, "hq", role="clerk", identity="jo", room="store-BER-01-clerk-jo")
    assert berlin.status_code == 201, berlin.text
    assert claims(berlin.json()["token"]).attributes["store_id"] == "BER-01"


async def test_a_malformed_token_request_names_the_field(api_client: httpx.AsyncClient) -> None:
    response = await mint(api_client, "hq", role="agent", ttl_minutes=10_000)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert {d["field"] for d in error["details"]} == {"body.role", "body.ttl_minutes"}

    bad_room = await mint(api_client, "mei", room="lobby")
    assert bad_room.status_code == 422
    assert bad_room.json()["error"]["code"] == "bad_room_name"


# --- sessions -----------------------------------------------------------------------------


async def test_a_manager_cannot_touch_rooms_of_another_store(
    api_client: httpx.AsyncClient,
) -> None:
    response = await api_client.delete("/v1/sessions/store-SH-01-clerk-ana", headers=auth("tan"))
    assert response.status_code == 403
    assert "store SH-01" in response.json()["error"]["message"]


async def test_stopping_a_room_without_a_session_is_404(api_client: httpx.AsyncClient) -> None:
    response = await api_client.delete("/v1/sessions/store-SH-01-clerk-nobody", headers=auth("mei"))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "session_not_found"


# --- webhooks -----------------------------------------------------------------------------


async def test_a_webhook_with_a_bad_signature_is_refused_and_starts_nothing(
    api_client: httpx.AsyncClient, store_service: StoreService
) -> None:
    clerk = {"role": "clerk", "store_id": "SH-01"}
    forged, headers = signed_webhook(
        "participant_joined",
        room="store-SH-01-clerk-ana",
        identity="ana",
        attributes=clerk,
        secret="f" * 48,
    )
    response = await api_client.post("/livekit/webhook", content=forged, headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "webhook_bad_signature"

    unsigned = await api_client.post(
        "/livekit/webhook", content=forged, headers={"Content-Type": "application/webhook+json"}
    )
    assert unsigned.status_code == 401

    genuine, headers = signed_webhook(
        "participant_joined", room="store-SH-01-clerk-ana", identity="ana", attributes=clerk
    )
    altered = genuine.replace(b"SH-01", b"SH-02")
    tampered = await api_client.post("/livekit/webhook", content=altered, headers=headers)
    assert tampered.status_code == 401

    await asyncio.sleep(0.2)
    assert store_service.manager.list() == []


@pytest.mark.parametrize(
    ("room", "identity", "attributes", "kind"),
    [
        ("store-SH-01-clerk-ana", "promo-assistant", {"role": "agent"}, 4),  # the agent itself
        ("store-SH-01-clerk-ana", "mei", {"role": "store_manager", "store_id": "SH-01"}, 0),
        ("store-SH-01-clerk-ana", "ben", {"role": "clerk", "store_id": "SH-01"}, 0),
        ("lobby", "ana", {"role": "clerk", "store_id": "SH-01"}, 0),
    ],
)
async def test_only_the_rooms_own_clerk_joining_starts_a_session(
    api_client: httpx.AsyncClient,
    store_service: StoreService,
    room: str,
    identity: str,
    attributes: dict[str, str],
    kind: int,
) -> None:
    body, headers = signed_webhook(
        "participant_joined", room=room, identity=identity, attributes=attributes, kind=kind
    )
    response = await api_client.post("/livekit/webhook", content=body, headers=headers)
    assert response.status_code == 200
    assert response.json()["action"] == "ignored"
    assert store_service.manager.list() == []


LIN_OF_EAST_CHINA = {"role": "regional_manager", "region_id": "east-china"}


@pytest.mark.parametrize(
    ("room", "attributes", "detail"),
    [
        ("store-HZ-01-clerk-lin", LIN_OF_EAST_CHINA, "LiveKit dispatches the assistant"),
        (
            "store-BER-01-clerk-lin",
            LIN_OF_EAST_CHINA,
            "regional manager lin manages east-china; store BER-01 is in germany",
        ),
        ("store-HZ-01-clerk-lin", {"role": "regional_manager"}, "token names no region"),
        ("store-HZ-01-clerk-cai", LIN_OF_EAST_CHINA, "lin is not the clerk of this room"),
    ],
)
async def test_a_regional_manager_is_the_person_of_their_own_room_in_their_region_only(
    api_client: httpx.AsyncClient,
    store_service: StoreService,
    room: str,
    attributes: dict[str, str],
    detail: str,
) -> None:
    body, headers = signed_webhook(
        "participant_joined", room=room, identity="lin", attributes=attributes
    )
    response = await api_client.post("/livekit/webhook", content=body, headers=headers)
    assert response.status_code == 200
    assert response.json()["action"] == "ignored"  # agent dispatch: LiveKit starts it
    assert detail in response.json()["detail"]
    assert store_service.manager.list() == []


# --- gaps ---------------------------------------------------------------------------------


async def test_gaps_are_grouped_for_hq_only(
    api_client: httpx.AsyncClient, api_database: Database
) -> None:
    repository = SqlQuestionLogRepository(database=api_database)
    asked = datetime(2026, 11, 28, 7, 0, tzinfo=UTC)
    for text in (
        "Can the weekend offer be combined with a coupon?",
        "Can I combine the weekend offer with coupons?",
        "Where is the staff toilet?",
    ):
        promotion = "weekend-running" if "weekend" in text else None
        repository.add(unanswered(text, asked_at=asked, promotion_id=promotion))
    refused = await api_client.get("/v1/gaps", headers=auth("mei"))
    assert refused.status_code == 403

    response = await api_client.get("/v1/gaps", headers=auth("hq"))
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["questions"] == 3
    weekend, toilet = report["groups"]
    assert (weekend["promotion_id"], weekend["count"]) == ("weekend-running", 2)
    assert weekend["reasons"] == {"unknown": 2} and weekend["stores"] == ["SH-01"]
    assert (toilet["promotion_id"], toilet["examples"]) == (None, ["Where is the staff toilet?"])

    naive = await api_client.get("/v1/gaps?since=2026-11-28T00:00", headers=auth("hq"))
    assert naive.status_code == 422 and naive.json()["error"]["code"] == "naive_time"


# --- settings -----------------------------------------------------------------------------


def test_the_development_keys_are_refused_outside_development() -> None:
    defaults = ServiceSettings()
    assert {k.key.get_secret_value() for k in defaults.api_keys} == {
        k["key"] for k in DEVELOPMENT_API_KEYS
    }
    check_production_secrets(
        environment="development", service=defaults, livekit_api_secret="x" * 40
    )
    with pytest.raises(ValueError, match="published development keys"):
        check_production_secrets(
            environment="production", service=defaults, livekit_api_secret="x" * 40
        )


def test_an_api_key_must_name_the_scope_of_its_role() -> None:
    with pytest.raises(ValueError, match="needs store_id"):
        ServiceSettings(api_keys=[{"key": "k" * 20, "role": "store_manager", "identity": "mei"}])
    with pytest.raises(ValueError, match="needs region"):
        ServiceSettings(api_keys=[{"key": "k" * 20, "role": "regional_manager", "identity": "lin"}])
    with pytest.raises(ValueError, match="at least 16"):
        ServiceSettings(api_keys=[{"key": "short", "role": "hq", "identity": "hq"}])
