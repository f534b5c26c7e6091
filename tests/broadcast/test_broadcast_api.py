"""``/v1/roster``, ``/v1/notices`` and ``/v1/compliance`` over a real published runtime."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from tests.broadcast.helpers import ROSTERS
from tests.storage.knowledge_helpers import eventually, weekend_text
from tests.storage.service_client import publishing_runtime, service_client
from voice_agent.runtime import Runtime
from voice_agent.service_settings import ApiKeySettings
from voice_agent.settings import Settings
from voice_agent.storage import Database, SqlNoticeRepository

KEYS = {
    "hq": "hq-broadcast-test-key-0001",
    "mei": "manager-mei-test-key-00002",
    "lin": "regional-lin-test-key-0003",
    "ana": "clerk-ana-test-key-0000004",
}
API_KEYS = [
    ApiKeySettings(key=SecretStr(KEYS["hq"]), role="hq", identity="hq-lin-wei"),
    ApiKeySettings(
        key=SecretStr(KEYS["mei"]), role="store_manager", identity="mei", store_id="SH-01"
    ),
    ApiKeySettings(
        key=SecretStr(KEYS["lin"]), role="regional_manager", identity="lin", region="germany"
    ),
    ApiKeySettings(key=SecretStr(KEYS["ana"]), role="clerk", identity="ana", store_id="SH-01"),
]
ROSTER_CSV = (ROSTERS / "broadcast.csv").read_text(encoding="utf-8")


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


async def _load(client: httpx.AsyncClient) -> None:
    response = await client.put(
        "/v1/roster", json={"format": "csv", "content": ROSTER_CSV}, headers=_auth("hq")
    )
    assert response.status_code == 200, response.text


async def test_hq_loads_the_roster_and_each_manager_sees_their_part(
    client: httpx.AsyncClient,
) -> None:
    await _load(client)
    mine = (await client.get("/v1/roster", headers=_auth("mei"))).json()
    assert {m["identity"] for m in mine["members"]} == {"ana", "ben", "chen", "dan", "mei"}
    region = (await client.get("/v1/roster", headers=_auth("lin"))).json()
    assert [m["identity"] for m in region["members"]] == ["jonas"]
    assert region["members"][0]["shifts"] == [{"day": "mon", "start": "09:00", "end": "17:00"}]
    assert (await client.get("/v1/roster", headers=_auth("ana"))).status_code == 403


async def test_a_roster_with_an_unknown_store_or_a_bad_time_is_refused_and_nothing_changes(
    client: httpx.AsyncClient,
) -> None:
    await _load(client)
    bad = (
        "identity,name,role,store,region,day,start,end\n"
        "eve,Eve Ho,clerk,XX-99,,mon,09:00,17:00\n"
        "fay,Fay Li,clerk,SH-01,,tue,9am,17:00\n"
    )
    response = await client.put(
        "/v1/roster", json={"format": "csv", "content": bad}, headers=_auth("hq")
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "roster_invalid"
    found = {(d["line"], d["field"], d["code"]) for d in error["details"]}
    assert (2, "store", "roster_unknown_store") in found
    assert (3, "start", "roster_bad_time") in found
    mine = (await client.get("/v1/roster", headers=_auth("hq"))).json()
    assert len(mine["members"]) == 6


async def test_a_store_manager_replaces_only_their_own_store(client: httpx.AsyncClient) -> None:
    await _load(client)
    own = "identity,name,role,store,region,day,start,end\nana,Ana Li,clerk,SH-01,,fri,10:00,18:00\n"
    response = await client.put(
        "/v1/roster", json={"format": "csv", "content": own}, headers=_auth("mei")
    )
    assert response.status_code == 200, response.text
    everyone = (await client.get("/v1/roster", headers=_auth("hq"))).json()["members"]
    assert sorted(m["identity"] for m in everyone) == ["ana", "jonas"]
    header = "identity,name,role,store,region,day,start,end\n"
    for row in ("x,X Y,clerk,SH-02,,fri,10:00,18:00", "y,Y Z,hq,SH-01,,,,"):
        response = await client.put(
            "/v1/roster",
            json={"format": "csv", "content": header + row + "\n"},
            headers=_auth("mei"),
        )
        assert response.status_code == 403, row


async def test_an_urgent_publish_over_http_becomes_notices_and_compliance_scoped_by_role(
    client: httpx.AsyncClient, kb_dir: Path, database: Database
) -> None:
    await _load(client)
    body = {
        "files": {"weekend-running.yaml": weekend_text(kb_dir, percent=25, version=3)},
        "notes": "Weekend offer up to 25 percent",
        "urgent": True,
    }
    response = await client.post("/v1/publications", json=body, headers=_auth("hq"))
    assert response.status_code == 201, response.text
    notices = SqlNoticeRepository(database=database)

    async def announced() -> bool:
        return bool(notices.deliveries(notice_id="weekend-running@3"))

    await eventually(announced)
    listed = (await client.get("/v1/notices", headers=_auth("mei"))).json()["notices"]
    assert [n["id"] for n in listed] == ["weekend-running@3"]
    assert {d["identity"]: d["state"] for d in listed[0]["deliveries"]} == {
        name: "pending" for name in ("ana", "ben", "chen", "dan", "mei")
    }
    report = (await client.get("/v1/compliance/weekend-running", headers=_auth("mei"))).json()
    assert report["version"] == 3
    assert [s["store_id"] for s in report["stores"]] == ["SH-01"]
    assert report["stores"][0]["acknowledged"] == 0
    assert report["stores"][0]["time_to_acknowledged"]["compliant"] is False
    everything = (
        await client.get("/v1/compliance/weekend-running?version=3", headers=_auth("hq"))
    ).json()
    assert "SH-01" in {s["store_id"] for s in everything["stores"]}
    elsewhere = (await client.get("/v1/compliance/weekend-running", headers=_auth("lin"))).json()
    assert elsewhere["stores"] == []
    refused = await client.get("/v1/compliance/weekend-running", headers=_auth("ana"))
    assert refused.status_code == 403
    missing = await client.get("/v1/compliance/no-such-offer", headers=_auth("hq"))
    assert (missing.status_code, missing.json()["error"]["code"]) == (
        404,
        "unknown_promotion_version",
    )


async def test_an_invalid_urgent_publish_is_refused_and_announces_nothing(
    client: httpx.AsyncClient, kb_dir: Path, database: Database
) -> None:
    await _load(client)
    broken = weekend_text(kb_dir, percent=25, version=3).replace("percent: 25", "percent: many")
    body = {"files": {"weekend-running.yaml": broken}, "urgent": True}
    response = await client.post("/v1/publications", json=body, headers=_auth("hq"))
    assert response.status_code == 422
    assert any(d["line"] for d in response.json()["error"]["details"])
    assert SqlNoticeRepository(database=database).notices() == []
    assert (await client.get("/v1/notices", headers=_auth("hq"))).json() == {"notices": []}
