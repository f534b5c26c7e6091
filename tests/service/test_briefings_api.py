"""The briefing endpoints' rules: who may open, see, join and decide; bad input is a 4xx.

The application runs in-process over a real SQLite database with the sample chain
published; no briefing room is opened here (tests/livekit/test_briefing_livekit.py runs
the whole briefing over a real LiveKit server), so briefings are stored directly.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from fastapi import FastAPI
from service_helpers import API_KEYS, auth

from knowledge_base.briefing import Caption, propose_changes
from knowledge_base.loader import SAMPLE_DATA_DIR
from voice_agent.agent.manager import SessionManager
from voice_agent.agent.transport import LiveKitEndpoint
from voice_agent.livekit.webhooks import WebhookVerifier
from voice_agent.service.app import create_app
from voice_agent.service_settings import ServiceSettings
from voice_agent.storage import Database, SqlPublicationRepository, open_database
from voice_agent.storage.broadcast_briefings import BriefingRecord, SqlBriefingRepository
from voice_agent.storage.publisher import Publisher

ENDPOINT = LiveKitEndpoint(url="ws://127.0.0.1:9", api_key="briefing-api", api_secret="s" * 40)
"""Tokens are minted for it; nothing connects to it in these tests."""
OPEN = "20261201-0a0b0c0d"
CLOSED = "20261130-0e0f0a0b"


@pytest.fixture
def database(tmp_path: Path) -> Any:
    db = open_database(f"sqlite:///{tmp_path / 'briefings.sqlite3'}")
    outcome = Publisher(database=db).publish_directory(SAMPLE_DATA_DIR, published_by="test")
    assert outcome.publication is not None
    briefings = SqlBriefingRepository(database=db)
    now = datetime.now(UTC)
    scope = {"stores": ["SH-01"], "regions": [], "roles": ["clerk", "store_manager"]}
    briefings.open(BriefingRecord(OPEN, scope, "mei", now))
    briefings.open(BriefingRecord(CLOSED, scope, "mei", now - timedelta(days=1)))
    heard = [Caption(0, 3, "From Saturday the AX-200 is out of the weekend offer.", "mei")]
    for change in propose_changes(heard, knowledge=_runtime_knowledge(), speaker="mei"):
        briefings.propose(CLOSED, change)
    briefings.close(CLOSED, ended_at=now - timedelta(hours=23), recording=None, summary="")
    yield db
    db.close()


def _runtime_knowledge() -> Any:
    from knowledge_base.loader import load_knowledge_base

    return load_knowledge_base(SAMPLE_DATA_DIR)


def _app(runtime: Any, database: Database) -> FastAPI:
    manager = SessionManager(
        runtime=runtime, endpoint=ENDPOINT, capacity=1, loop_config=runtime.loop_config
    )
    return create_app(
        settings=ServiceSettings(capacity=1, api_keys=API_KEYS),
        runtime=runtime,
        manager=manager,
        database=database,
        webhook_verifier=WebhookVerifier(api_key=ENDPOINT.api_key, api_secret=ENDPOINT.api_secret),
    )


@pytest.fixture
async def client(runtime: Any, database: Database) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=_app(runtime, database))
    async with httpx.AsyncClient(transport=transport, base_url="http://service.test") as http:
        yield http


@pytest.mark.parametrize(
    ("who", "scope", "status", "code"),
    [
        ("ana", {"stores": ["SH-01"]}, 403, "forbidden"),  # clerks open no briefing
        ("mei", {"stores": ["SG-01"]}, 403, "forbidden"),  # not her store
        ("lin", {"regions": ["singapore"]}, 403, "forbidden"),  # not his region
        ("mei", {"stores": ["SH-01", "XX-99"]}, 422, "briefing_unknown_store"),
        ("hq", {"regions": ["atlantis"]}, 422, "briefing_unknown_region"),
        ("hq", {"stores": ["SH-01"], "roles": ["janitor"]}, 422, "briefing_bad_role"),
        ("hq", {}, 422, "briefing_empty_scope"),
    ],
)
async def test_opening_a_briefing_outside_ones_stores_or_with_a_bad_scope_is_refused(
    client: httpx.AsyncClient, who: str, scope: dict[str, Any], status: int, code: str
) -> None:
    response = await client.post("/v1/briefings", json={"scope": scope}, headers=auth(who))
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    listed = await client.get("/v1/briefings", headers=auth("hq"))
    assert {b["id"] for b in listed.json()["briefings"]} == {OPEN, CLOSED}  # nothing opened


async def test_an_unknown_store_names_its_field(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/briefings", json={"scope": {"stores": ["SH-01", "XX-99"]}}, headers=auth("mei")
    )
    (detail,) = response.json()["error"]["details"]
    assert detail["field"] == "scope.stores[1]" and "XX-99" in detail["message"]


async def test_managers_see_the_briefings_of_their_stores_only(client: httpx.AsyncClient) -> None:
    seen = {}
    for who in ("mei", "tan", "lin", "hq"):
        response = await client.get("/v1/briefings", headers=auth(who))
        seen[who] = [b["id"] for b in response.json()["briefings"]]
    assert seen == {"mei": [OPEN, CLOSED], "tan": [], "lin": [OPEN, CLOSED], "hq": [OPEN, CLOSED]}
    hidden = await client.get(f"/v1/briefings/{OPEN}", headers=auth("tan"))
    assert hidden.status_code == 404
    clerk = await client.get("/v1/briefings", headers=auth("ana"))
    assert clerk.status_code == 403


async def test_clerks_in_scope_get_listen_only_tokens_for_the_briefing_room(
    client: httpx.AsyncClient,
) -> None:
    room = f"briefing-{OPEN}"
    response = await client.post("/v1/tokens", json={"room": room}, headers=auth("ana"))
    assert response.status_code == 201, response.text
    claims = jwt.decode(response.json()["token"], options={"verify_signature": False})
    assert claims["video"]["room"] == room
    assert claims["video"].get("canPublish") is False
    assert "roomConfig" not in claims  # the clerk's assistant is not dispatched here
    for_ben = await client.post(
        "/v1/tokens", json={"room": room, "role": "clerk", "identity": "ben"}, headers=auth("mei")
    )
    assert for_ben.status_code == 201  # a store manager mints her clerks' tokens
    manager = await client.post("/v1/tokens", json={"room": room}, headers=auth("mei"))
    manager_claims = jwt.decode(manager.json()["token"], options={"verify_signature": False})
    assert manager_claims["video"]["canPublish"] is True  # she speaks


async def test_a_regional_manager_s_briefing_token_names_their_region(
    client: httpx.AsyncClient, database: Database
) -> None:
    regional = "20261201-0c0d0e0f"
    scope = {"stores": ["HZ-01"], "regions": [], "roles": ["regional_manager"]}
    SqlBriefingRepository(database=database).open(
        BriefingRecord(regional, scope, "hq", datetime.now(UTC))
    )
    response = await client.post(
        "/v1/tokens", json={"room": f"briefing-{regional}"}, headers=auth("lin")
    )
    assert response.status_code == 201, response.text
    claims = jwt.decode(response.json()["token"], options={"verify_signature": False})
    assert claims["attributes"] == {"role": "regional_manager", "region_id": "east-china"}
    assert "roomConfig" not in claims  # no assistant session in a briefing room


@pytest.mark.parametrize(
    ("who", "body", "status", "code"),
    [
        ("tan", {}, 403, "not_in_briefing_scope"),  # a store manager of SG-01
        ("ana", {"identity": "ben", "role": "clerk"}, 403, "forbidden"),  # someone else's
        ("lin", {"identity": "ana", "role": "clerk"}, 403, "forbidden"),
    ],
)
async def test_tokens_outside_the_briefings_scope_are_refused(
    client: httpx.AsyncClient, who: str, body: dict[str, str], status: int, code: str
) -> None:
    response = await client.post(
        "/v1/tokens", json={"room": f"briefing-{OPEN}", **body}, headers=auth(who)
    )
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code


async def test_unknown_and_closed_briefing_rooms_get_no_tokens(client: httpx.AsyncClient) -> None:
    unknown = await client.post(
        "/v1/tokens", json={"room": "briefing-20261201-ffffffff"}, headers=auth("ana")
    )
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown_briefing"
    closed = await client.post(
        "/v1/tokens", json={"room": f"briefing-{CLOSED}"}, headers=auth("ana")
    )
    assert closed.status_code == 409 and closed.json()["error"]["code"] == "briefing_closed"


async def test_only_headquarters_decides_and_a_change_is_decided_once(
    client: httpx.AsyncClient, database: Database
) -> None:
    shown = await client.get(f"/v1/briefings/{CLOSED}", headers=auth("mei"))
    (change,) = shown.json()["changes"]
    assert change["description"] == "exclude AX-200 from weekend-running"
    approve = f"/v1/briefing-changes/{change['id']}/approve"
    assert (await client.post(approve, json={}, headers=auth("mei"))).status_code == 403
    published_before = SqlPublicationRepository(database=database).latest_id()
    rejected = await client.post(f"/v1/briefing-changes/{change['id']}/reject", headers=auth("hq"))
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["change"]["status"] == "rejected"
    again = await client.post(approve, json={}, headers=auth("hq"))
    assert again.status_code == 409 and again.json()["error"]["code"] == "change_already_decided"
    assert SqlPublicationRepository(database=database).latest_id() == published_before
    missing = await client.post("/v1/briefing-changes/999/approve", json={}, headers=auth("hq"))
    assert missing.status_code == 404


async def test_approving_publishes_the_next_version(
    client: httpx.AsyncClient, database: Database
) -> None:
    shown = await client.get(f"/v1/briefings/{CLOSED}", headers=auth("hq"))
    (change,) = shown.json()["changes"]
    response = await client.post(
        f"/v1/briefing-changes/{change['id']}/approve",
        json={"notes": "Heard in the Monday briefing."},
        headers=auth("hq"),
    )
    assert response.status_code == 200, response.text
    publication = SqlPublicationRepository(database=database).get(response.json()["publication_id"])
    assert publication is not None and not publication.urgent
    assert publication.notes == "Heard in the Monday briefing."
    assert publication.published_by == "hq-admin"
    ((promotion_id, version),) = [(v.promotion_id, v.version) for v in publication.versions]
    assert promotion_id == "weekend-running" and version == 3


async def test_a_briefing_left_open_by_the_previous_process_is_closed_when_the_service_starts(
    runtime: Any, database: Database
) -> None:
    # OPEN's node (the previous serve of this single-node service) died: nothing runs it.
    app = _app(runtime, database)
    async with app.router.lifespan_context(app):
        record = SqlBriefingRepository(database=database).get(OPEN)
        assert record is not None and record.ended_because == "node_failed"
        assert record.ended_at == record.started_at  # its node was never seen after opening
        closed = SqlBriefingRepository(database=database).get(CLOSED)
        assert closed is not None and closed.ended_because == "closed"  # left alone
