"""FastAPI dependencies, as ``Annotated`` aliases the routes declare."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Header, Request

from voice_agent.agent.manager import SessionManager
from voice_agent.livekit.webhooks import WebhookVerifier
from voice_agent.runtime import Runtime
from voice_agent.service.auth import (
    ApiKeyRegistry,
    Principal,
    key_from_headers,
    require_hq,
    require_manager,
)
from voice_agent.service.health import HealthSource
from voice_agent.service_settings import ServiceSettings
from voice_agent.storage.question_log import SqlQuestionLogRepository
from voice_agent.worker.redispatch import Redispatcher


@dataclass(frozen=True, slots=True)
class ServiceContext:
    """What the routes work with; built once by ``create_app``."""

    settings: ServiceSettings
    runtime: Runtime
    manager: SessionManager
    keys: ApiKeyRegistry
    webhook_verifier: WebhookVerifier
    question_log: SqlQuestionLogRepository
    health: HealthSource
    """The chain's checks for ``/healthz``."""
    redispatcher: Redispatcher | None = None
    """Dispatches the assistant again when it leaves a clerk who is still there."""
    clerk_connections: dict[str, str] = field(default_factory=dict)
    """Room -> participant sid of the clerk's latest connection (see the webhook route)."""


def get_context(request: Request) -> ServiceContext:
    """The application's :class:`ServiceContext`."""
    context: ServiceContext = request.app.state.context
    return context


ContextDep = Annotated[ServiceContext, Depends(get_context)]


def get_manager(context: ContextDep) -> SessionManager:
    """The process's session manager."""
    return context.manager


ManagerDep = Annotated[SessionManager, Depends(get_manager)]


def current_principal(
    context: ContextDep,
    authorization: Annotated[str | None, Header()] = None,
    x_api_key: Annotated[str | None, Header()] = None,
) -> Principal:
    """The caller, from ``Authorization: Bearer <key>`` or ``X-API-Key`` (401 otherwise)."""
    return context.keys.authenticate(key_from_headers(authorization, x_api_key))


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def manager_principal(principal: CurrentPrincipal) -> Principal:
    """The caller, if a store manager, regional manager or HQ (403 for clerks)."""
    return require_manager(principal)


ManagerPrincipal = Annotated[Principal, Depends(manager_principal)]


def hq_principal(principal: CurrentPrincipal) -> Principal:
    """The caller, if HQ (403 otherwise)."""
    return require_hq(principal)


HqPrincipal = Annotated[Principal, Depends(hq_principal)]
