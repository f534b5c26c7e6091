"""The HTTP API of the store service: ``create_app(...)`` assembles it from its parts.

Routes (see each router): ``GET /healthz``, ``POST /v1/tokens``, ``GET /v1/sessions``,
``DELETE /v1/sessions/{room}``, ``GET /v1/sessions/{room}/events``, ``GET /v1/gaps``,
``POST|GET /v1/publications``, ``/v1/feedback`` (see :mod:`.routes.feedback`),
``/v1/briefings`` (see :mod:`.routes.briefings`) and ``POST /livekit/webhook``. Every error is
``{"error": {"code": ..., "message": ...}}``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Protocol

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from loguru import logger
from starlette.exceptions import HTTPException as StarletteHTTPException

from voice_agent.agent.health import CheckResult
from voice_agent.agent.manager import SessionManager
from voice_agent.answered_error import AnsweredError
from voice_agent.broadcast.wiring import runtime_broadcaster, runtime_quizmaster
from voice_agent.feedback.alert_voice import ManagersHearAlerts
from voice_agent.feedback.desk import FeedbackDesk
from voice_agent.livekit.webhooks import WebhookVerifier
from voice_agent.runtime import Runtime
from voice_agent.service.auth import ApiKeyRegistry
from voice_agent.service.body_limit import BodyLimitMiddleware
from voice_agent.service.deps import ServiceContext
from voice_agent.service.errors import AuthenticationError
from voice_agent.service.health import HealthSource, LiveKitMonitor, models_check
from voice_agent.service.routes import (
    briefings,
    broadcast,
    feedback,
    gaps,
    health,
    publications,
    sessions,
    tokens,
    webhooks,
)
from voice_agent.service.schemas import ErrorBody, ErrorDetail
from voice_agent.service_settings import ServiceSettings
from voice_agent.storage.engine import Database
from voice_agent.storage.errors import StorageError
from voice_agent.storage.question_log import SqlQuestionLogRepository
from voice_agent.worker.redispatch import Redispatcher

_ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    status: {"model": ErrorBody} for status in (401, 403, 404, 413, 422, 503)
}


def create_app(
    *,
    settings: ServiceSettings,
    runtime: Runtime,
    manager: SessionManager,
    database: Database,
    webhook_verifier: WebhookVerifier,
    livekit_monitor: LiveKitMonitor | None = None,
    agent_worker: AgentWorkerHealth | None = None,
    redispatcher: Redispatcher | None = None,
    feedback_desk: FeedbackDesk | None = None,
) -> FastAPI:
    """The FastAPI application over these collaborators (nothing is built here but routes).

    Args:
        settings: The ``[service]`` settings (API keys, token lifetime).
        runtime: The process's runtime (its knowledge base scopes API keys).
        manager: Runs the agent sessions; stopped with the application.
        database: The migrated database (question log for ``/v1/gaps``).
        webhook_verifier: Checks LiveKit's webhook signatures.
        livekit_monitor: Watches the LiveKit server for ``/healthz``; ``None`` leaves
            LiveKit out of the health checks (an app mounted next to a running service).
        agent_worker: The agent worker LiveKit dispatches clerks to, when this process runs
            one, or the watch over the cluster's workers on a front node; its verdict is
            the ``agent`` health check.
        redispatcher: Dispatches the assistant again when it leaves a clerk who stays
            (agent dispatch only).
        feedback_desk: The process's feedback desk, shared with the sessions that capture spoken
            feedback (``None``: one is built from the runtime's settings).

    Raises:
        ValueError: An API key names an unknown store or region, or
            ``feedback.webhook_url`` is set without ``feedback.webhook_secret``.
    """

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async with broadcast.lifespan(_app), briefings.lifespan(_app):
            yield
        await manager.close()
        await app.state.feedback.sink.drain()

    app = FastAPI(
        title="Stride promo assistant",
        summary="Agent sessions in clerks' LiveKit rooms, tokens and question mining.",
        lifespan=lifespan,
        responses=_ERROR_RESPONSES,
    )
    app.state.context = ServiceContext(
        settings=settings,
        runtime=runtime,
        manager=manager,
        keys=ApiKeyRegistry(keys=settings.api_keys, knowledge=runtime.knowledge),
        webhook_verifier=webhook_verifier,
        question_log=SqlQuestionLogRepository(database=database),
        health=_health_source(settings, runtime, manager, livekit_monitor, agent_worker),
        redispatcher=redispatcher,
    )
    app.state.database = database
    front_only = settings.agent_dispatch and not settings.run_worker
    # shared: on a cluster's front node the workers run the sessions, each broadcaster
    # acts for its own.
    app.state.broadcaster = runtime_broadcaster(runtime, database, shared=front_only)
    node = app.state.broadcaster.node if app.state.broadcaster is not None else None
    app.state.briefings = briefings.build(runtime, database, manager, shared=front_only, node=node)
    app.state.quizmaster = runtime_quizmaster(runtime, database)
    app.state.feedback = feedback_desk or FeedbackDesk.build(
        settings=runtime.settings, database=database
    )
    if app.state.broadcaster is not None:
        # New feedback alerts are spoken to managers through the broadcaster's sessions.
        app.state.feedback.alerter.speaker = ManagersHearAlerts(app.state.broadcaster)
    for router in (health.router, tokens.router, sessions.router, gaps.router, webhooks.router):
        app.include_router(router)
    for router in (publications.router, broadcast.router, feedback.router, briefings.router):
        app.include_router(router)
    _add_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_request_bytes)
    return app


class AgentWorkerHealth(Protocol):
    """Anything that can say whether LiveKit can dispatch clerks to it."""

    def health(self) -> CheckResult:
        """The ``agent`` check."""
        ...


def _health_source(
    settings: ServiceSettings,
    runtime: Runtime,
    manager: SessionManager,
    monitor: LiveKitMonitor | None,
    worker: AgentWorkerHealth | None,
) -> HealthSource:
    def checks() -> dict[str, CheckResult]:
        found: dict[str, CheckResult] = {}
        if monitor is not None:
            found["livekit"] = monitor.status
        found["agent"] = _agent_check(settings, manager, worker)
        found["models"] = models_check(runtime.models)
        return found

    return checks


def _agent_check(
    settings: ServiceSettings, manager: SessionManager, worker: AgentWorkerHealth | None
) -> CheckResult:
    if manager.closed:
        return CheckResult(ok=False, detail="shutting down: no new sessions start")
    if worker is not None:
        return worker.health()
    if settings.agent_dispatch:
        return CheckResult(
            ok=True,
            detail="no agent worker in this process: LiveKit dispatches clerks to "
            "voice-agent worker nodes",
        )
    return CheckResult(
        ok=True,
        detail=f"sessions start when clerks join ({manager.active} of {manager.capacity} "
        "slots taken)",
    )


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    details: list[dict[str, object]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """``{"error": {"code": ..., "message": ...}}`` with ``status``."""
    body = ErrorBody(error=ErrorDetail(code=code, message=message, details=details))
    return JSONResponse(
        body.model_dump(mode="json", exclude_none=True), status_code=status, headers=headers
    )


def _add_error_handlers(app: FastAPI) -> None:
    async def service_error(request: Request, error: AnsweredError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(error, AuthenticationError) else None
        if error.http_status >= 500:
            logger.warning("{} {}: {}", request.method, request.url.path, error.message)
        return error_response(error.http_status, error.code, error.message, headers=headers)

    app.add_exception_handler(AnsweredError, service_error)  # type: ignore[arg-type]

    @app.exception_handler(StorageError)
    async def storage_error(request: Request, error: StorageError) -> JSONResponse:
        logger.error("{} {}: storage failed: {}", request.method, request.url.path, error)
        return error_response(503, error.code, f"storage unavailable: {error}")

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, error: RequestValidationError) -> JSONResponse:
        details = [
            {"field": ".".join(str(part) for part in e.get("loc", ())), "problem": e.get("msg")}
            for e in error.errors()
        ]
        summary = "; ".join(f"{d['field']}: {d['problem']}" for d in details)
        return error_response(
            422, "invalid_request", f"invalid request: {summary}", details=details
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
        return error_response(error.status_code, code, str(error.detail))
