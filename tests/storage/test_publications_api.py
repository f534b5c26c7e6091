"""``POST /v1/publications`` and ``GET /v1/publications`` over a real runtime (both engines)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from knowledge_base.versions import Publication
from tests.storage.knowledge_helpers import AX200_QUESTION, eventually, weekend_text
from tests.storage.service_client import publishing_runtime, service_client
from voice_agent.runtime import Runtime
from voice_agent.service_settings import ApiKeySettings
from voice_agent.settings import Settings
from voice_agent.storage import Database, SqlPublicationRepository

KEYS = {
    "hq": "hq-publisher-test-key-0001",
    "mei": "manager-mei-test-key-0002",
    "ana": "clerk-ana-test-key-000003",
}
API_KEYS = [
    ApiKeySettings(key=SecretStr(KEYS["hq"]), role="hq", identity="lin-wei-hq"),
    ApiKeySettings(
        key=SecretStr(KEYS["mei"]), role="store_manager", identity="mei", store_id="SH-01"
    ),
    ApiKeySettings(key=SecretStr(KEYS["ana"]), role="clerk", identity="ana", store_id="SH-01"),
]


def _auth(name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {KEYS[name]}"}


@pytest.fixture
def published_runtime(settings: Settings, kb_dir: Path, database: Database) -> Runtime:
    return publishing_runtime(settings, kb_dir, database)


@pytest.fixture
async def client(
    published_runtime: Runtime, database: Database
) -> AsyncIterator[httpx.AsyncClient]:
    async with service_client(published_runtime, database, API_KEYS) as c:
        yield c


async def _answer(runtime: Runtime) -> str:
    return (await runtime.answerer.answer(AX200_QUESTION)).text


async def test_hq_publishes_over_http_and_the_next_answer_reflects_it(
    client: httpx.AsyncClient, published_runtime: Runtime, kb_dir: Path
) -> None:
    assert "20 percent" in await _answer(published_runtime)
    body: dict[str, Any] = {
        "files": {"weekend-running.yaml": weekend_text(kb_dir, percent=25, version=3)},
        "notes": "Weekend offer up to 25 percent",
        "urgent": True,
    }
    response = await client.post("/v1/publications", json=body, headers=_auth("hq"))
    assert response.status_code == 201, response.text
    publication = response.json()["publication"]
    assert publication["published_by"] == "lin-wei-hq"
    assert publication["notes"] == "Weekend offer up to 25 percent"
    assert publication["urgent"] is True
    assert publication["published_at"].endswith(("Z", "+00:00"))
    assert [(v["promotion_id"], v["version"]) for v in publication["versions"]] == [
        ("weekend-running", 3)
    ]

    async def reflected() -> bool:
        return "25 percent" in await _answer(published_runtime)

    await eventually(reflected)
    assert "percent: 20" in (kb_dir / "promotions" / "weekend-running.yaml").read_text()

    listed = await client.get("/v1/publications", headers=_auth("mei"))
    assert listed.status_code == 200
    assert [p["id"] for p in listed.json()["publications"]][-1] == publication["id"]


async def test_an_invalid_publish_is_refused_with_file_line_and_field_and_stores_nothing(
    client: httpx.AsyncClient, published_runtime: Runtime, database: Database, kb_dir: Path
) -> None:
    publications = SqlPublicationRepository(database=database)
    before = publications.latest_id()
    body = {"files": {"weekend-running.yaml": weekend_text(kb_dir, percent=-5, version=3)}}
    response = await client.post("/v1/publications", json=body, headers=_auth("hq"))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_knowledge_base"
    assert {
        "file": "promotions/weekend-running.yaml",
        "line": 15,
        "field": "rules[0].percent",
    }.items() <= error["details"][0].items()
    assert publications.latest_id() == before
    assert "20 percent" in await _answer(published_runtime)

    broken = {"files": {"weekend-running.yaml": "id: [unclosed\n"}}
    response = await client.post("/v1/publications", json=broken, headers=_auth("hq"))
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["line"] is not None

    sneaky = {"files": {"../regions.yaml": "x: 1\n"}}
    response = await client.post("/v1/publications", json=sneaky, headers=_auth("hq"))
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["code"] == "bad_file_name"
    assert publications.latest_id() == before


async def test_only_hq_publishes_and_clerks_cannot_list(
    client: httpx.AsyncClient, kb_dir: Path
) -> None:
    body = {"files": {"weekend-running.yaml": weekend_text(kb_dir, percent=25, version=3)}}
    for name in ("ana", "mei"):
        response = await client.post("/v1/publications", json=body, headers=_auth(name))
        assert response.status_code == 403
    assert (await client.get("/v1/publications", headers=_auth("ana"))).status_code == 403
    assert (await client.post("/v1/publications", json=body)).status_code == 401


async def test_publishing_unchanged_files_records_no_publication(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/v1/publications", json={}, headers=_auth("hq"))
    assert response.status_code == 200
    assert response.json()["publication"] is None
    assert "weekend-running v2" in response.json()["unchanged"]


async def test_runtime_observers_hear_each_new_publication(
    client: httpx.AsyncClient, published_runtime: Runtime, kb_dir: Path
) -> None:
    heard: list[Publication] = []
    unsubscribe = published_runtime.on_publication(heard.append)
    body = {
        "files": {"weekend-running.yaml": weekend_text(kb_dir, percent=25, version=3)},
        "urgent": True,
    }
    response = await client.post("/v1/publications", json=body, headers=_auth("hq"))
    assert response.status_code == 201

    async def heard_it() -> bool:
        return len(heard) == 1

    await eventually(heard_it)
    assert heard[0].id == response.json()["publication"]["id"] and heard[0].urgent
    unsubscribe()
