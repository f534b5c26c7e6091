"""The service app over a real runtime that publishes from a copy of the knowledge base.

Shared by the API tests of publications and of the broadcaster: the app runs its lifespan
(the broadcaster, the feedback desk) and is called in-process through httpx.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from voice_agent.agent.manager import SessionManager
from voice_agent.agent.session import LiveKitEndpoint
from voice_agent.livekit.webhooks import WebhookVerifier
from voice_agent.runtime import Runtime, build_runtime
from voice_agent.service.app import create_app
from voice_agent.service_settings import ApiKeySettings, ServiceSettings
from voice_agent.settings import Settings
from voice_agent.storage import Database

UNREACHABLE_LIVEKIT = LiveKitEndpoint(url="ws://127.0.0.1:9", api_key="k", api_secret="s" * 32)
"""No session is started by these tests; the manager only needs an endpoint."""


def publishing_runtime(settings: Settings, kb_dir: Path, database: Database) -> Runtime:
    """The real runtime reading the knowledge base in ``kb_dir``, polled every 50 ms."""
    configured = settings.model_copy(
        update={
            "knowledge_base": settings.knowledge_base.model_copy(
                update={"path": str(kb_dir), "poll_interval_secs": 0.05}
            )
        }
    )
    return build_runtime(configured, database=database)


@asynccontextmanager
async def service_client(
    runtime: Runtime, database: Database, api_keys: Sequence[ApiKeySettings]
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the service app (capacity 1, ``api_keys``) with the runtime's poller on."""
    manager = SessionManager(
        runtime=runtime,
        endpoint=UNREACHABLE_LIVEKIT,
        capacity=1,
        loop_config=runtime.loop_config,
    )
    app = create_app(
        settings=ServiceSettings(capacity=1, api_keys=list(api_keys)),
        runtime=runtime,
        manager=manager,
        database=database,
        webhook_verifier=WebhookVerifier(
            api_key=UNREACHABLE_LIVEKIT.api_key, api_secret=UNREACHABLE_LIVEKIT.api_secret
        ),
    )
    await runtime.knowledge_holder.start()
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://service.test") as c:
                yield c
    finally:
        await runtime.knowledge_holder.stop()
