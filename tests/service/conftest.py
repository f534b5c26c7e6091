"""Fixtures for the service tests: a real store service (livekit-server + uvicorn), real models.

One :class:`StoreService` per module runs the local livekit-server with webhooks pointed at
its own uvicorn server on a free loopback port, with capacity 1 and test API keys. The API
tests call a second app over the same session manager through httpx's ASGI transport.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from service_helpers import API_KEYS, LIVEKIT_KEY, LIVEKIT_SECRET, pinned_clock

from voice_agent.livekit.webhooks import WebhookVerifier
from voice_agent.service.app import create_app
from voice_agent.service.livekit_setup import LocalLiveKit
from voice_agent.service.runner import StoreService
from voice_agent.service_settings import ServiceSettings
from voice_agent.settings import LiveKitSettings
from voice_agent.storage import Database, open_database


@pytest.fixture(scope="module")
def service_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    database = open_database(f"sqlite:///{tmp_path_factory.mktemp('service') / 'db.sqlite3'}")
    yield database
    database.close()


@pytest.fixture(scope="module")
async def store_service(
    runtime: Any,
    livekit_binary: Path,
    service_database: Database,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[StoreService]:
    """The real service: livekit-server -> webhooks -> uvicorn on a free port, capacity 1."""
    service = StoreService(
        runtime=runtime,
        database=service_database,
        service=ServiceSettings(port=0, capacity=1, api_keys=API_KEYS),
        livekit=LiveKitSettings(
            url="ws://127.0.0.1:7880",  # only the host is used; the port is picked free
            api_key=LIVEKIT_KEY,
            api_secret=SecretStr(LIVEKIT_SECRET),
        ),
        local_livekit=LocalLiveKit(
            binary=livekit_binary,
            work_dir=tmp_path_factory.mktemp("livekit-service"),
            departure_timeout_secs=1,
        ),
        clock=pinned_clock(runtime),
    )
    async with service:
        yield service


@pytest.fixture(scope="module")
def api_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A database of its own for the API tests (the gaps they plant stay theirs)."""
    database = open_database(f"sqlite:///{tmp_path_factory.mktemp('api') / 'db.sqlite3'}")
    yield database
    database.close()


@pytest.fixture(scope="module")
async def api_client(
    runtime: Any, store_service: StoreService, api_database: Database
) -> AsyncIterator[httpx.AsyncClient]:
    """The API over the real session manager, called in-process (no socket)."""
    endpoint = store_service.endpoint
    app = create_app(
        settings=ServiceSettings(capacity=1, api_keys=API_KEYS),
        runtime=runtime,
        manager=store_service.manager,
        database=api_database,
        webhook_verifier=WebhookVerifier(api_key=endpoint.api_key, api_secret=endpoint.api_secret),
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://service.test") as client:
        yield client


@pytest.fixture
async def http_client(store_service: StoreService) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the real uvicorn server."""
    async with httpx.AsyncClient(base_url=store_service.api_url, timeout=10.0) as client:
        yield client
