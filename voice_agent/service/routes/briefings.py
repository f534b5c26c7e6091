"""Voice briefings over HTTP, scoped by the caller's role.

- ``POST /v1/briefings`` ``{"scope": {"stores": [...], "regions": [...], "roles": [...]}}``:
  a store manager (their store), regional manager (their region's stores) or HQ (any)
  opens a briefing; the assistant joins ``briefing-<id>`` and listens to the caller only.
  201 with the briefing and its room (mint tokens for it with ``POST /v1/tokens``). An
  unknown store, region or role: 422 with ``details`` ``[{field, message, code}]``.
- ``GET /v1/briefings``: the briefings of the stores the caller oversees, newest first.
- ``GET /v1/briefings/{id}``: one briefing with attendance, captions and proposed changes.
- ``GET /v1/briefings/{id}/recording``: the manager's audio (``audio/flac``).
- ``POST /v1/briefings/{id}/close``: end it; returns once the recording, attendance,
  summary and proposed changes are stored.
- ``POST /v1/briefing-changes/{id}/approve`` ``{"urgent": bool, "notes": str}`` (HQ):
  publish the change as the promotion's next version (the same path as
  ``POST /v1/publications``); ``.../reject`` (HQ) records the rejection.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Request
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from knowledge_base.answering import Role
from knowledge_base.briefing_scope import BriefingScopeError, may_open, parse_scope, scope_from_dict
from knowledge_base.loader import SAMPLE_DATA_DIR
from voice_agent.agent.manager import SessionManager
from voice_agent.briefing.decisions import ChangeDecisionError, approve_change, reject_change
from voice_agent.briefing.desk import BriefingDesk, BriefingNotOpenError
from voice_agent.briefing.views import briefing_document, briefing_summary, change_document
from voice_agent.runtime import Runtime, knowledge_path
from voice_agent.service.auth import Principal
from voice_agent.service.deps import ContextDep, HqPrincipal, ManagerPrincipal
from voice_agent.service.errors import (
    BadRequestError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ServiceError,
)
from voice_agent.service.routes.publications import serve_now
from voice_agent.service.schemas import ErrorBody, ErrorDetail
from voice_agent.storage.briefing_media import SqlBriefingMediaRepository
from voice_agent.storage.broadcast_briefings import (
    BriefingRecord,
    BriefingStateError,
    SqlBriefingRepository,
)
from voice_agent.storage.engine import Database

router = APIRouter(prefix="/v1", tags=["briefings"])
BriefingId = Annotated[str, PathParam(max_length=40)]


def build(
    runtime: Runtime,
    database: Database,
    manager: SessionManager,
    *,
    shared: bool = False,
    node: str | None = None,
) -> BriefingDesk:
    """The service's briefing desk (its rooms join the session manager's LiveKit server).

    ``shared``: other nodes of a cluster may run briefings over the same database (a
    briefing whose node died is then closed once ``[broadcast] presence_stale_secs`` passed
    without its node renewing it; otherwise at start); ``node``: this node's id.
    """
    return BriefingDesk(
        runtime=runtime,
        database=database,
        endpoint=lambda: manager.endpoint,
        node=node,
        shared=shared,
        stale_after_secs=runtime.settings.broadcast.presence_stale_secs,
    )


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Close briefings whose node died, and at the end the ones still running (stored)."""
    desk: BriefingDesk | None = getattr(app.state, "briefings", None)
    if desk is not None:
        runtime: Runtime = app.state.context.runtime
        await desk.start(tick_secs=runtime.settings.broadcast.tick_secs)
    try:
        yield
    finally:
        if desk is not None:
            await desk.stop()
            await desk.close_all()


class OpenBriefing(BaseModel):
    """Who a briefing is for."""

    model_config = ConfigDict(extra="forbid")

    scope: dict[str, Any] = Field(
        description='{"stores": ["SH-01"], "regions": ["east-china"], "roles": ["clerk"]}'
        " (roles default to clerk and store_manager)."
    )


class Decide(BaseModel):
    """An approval's options."""

    model_config = ConfigDict(extra="forbid")

    urgent: bool = Field(default=False, description="Publish as urgent: clerks are told now.")
    notes: str = Field(default="", max_length=10_000, description="Change notes.")


def _database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def _desk(request: Request) -> BriefingDesk:
    desk: BriefingDesk | None = getattr(request.app.state, "briefings", None)
    if desk is None:
        raise ServiceError("briefings are not served here", code="briefings_unavailable")
    return desk


def _overseen(principal: Principal) -> frozenset[str]:
    if principal.role is Role.REGIONAL_MANAGER:
        return principal.region_store_ids
    return frozenset({principal.store_id} if principal.store_id else ())


def _sees(principal: Principal, record: BriefingRecord) -> bool:
    if principal.role is Role.HQ or record.opened_by == principal.identity:
        return True
    return bool(_overseen(principal) & set(scope_from_dict(record.scope).store_ids))


async def _visible(request: Request, principal: Principal, briefing_id: str) -> BriefingRecord:
    repository = SqlBriefingRepository(database=_database(request))
    record = await asyncio.to_thread(repository.get, briefing_id)
    if record is None or not _sees(principal, record):
        raise NotFoundError(f"no briefing {briefing_id!r}", code="unknown_briefing")
    return record


@router.post("/briefings", status_code=201, responses={422: {"model": ErrorBody}})
async def open_briefing(
    principal: ManagerPrincipal, context: ContextDep, request: Request, body: OpenBriefing
) -> JSONResponse:
    """Open a briefing; the assistant joins its room and listens to the caller."""
    try:
        scope = parse_scope(body.scope, knowledge=context.runtime.knowledge)
    except BriefingScopeError as e:
        details: list[dict[str, object]] = [
            {"field": e.field, "message": e.message, "code": e.code}
        ]
        error = ErrorDetail(code=e.code, message=f"{e.field}: {e.message}", details=details)
        return JSONResponse(
            ErrorBody(error=error).model_dump(mode="json", exclude_none=True), status_code=422
        )
    if not may_open(scope, role=principal.role, overseen_store_ids=_overseen(principal)):
        raise PermissionDeniedError(
            f"{principal.describe()} may open briefings only for the stores they oversee,"
            f" not {', '.join(scope.store_ids)}"
        )
    record = await _desk(request).open(scope, opened_by=principal.identity)
    document = {**briefing_summary(record), "url": context.manager.endpoint.url}
    return JSONResponse(document, status_code=201)


@router.get("/briefings")
async def list_briefings(principal: ManagerPrincipal, request: Request) -> dict[str, object]:
    """The briefings of the stores the caller oversees, newest first."""
    repository = SqlBriefingRepository(database=_database(request))
    records = await asyncio.to_thread(repository.all)
    visible = [briefing_summary(r) for r in reversed(records) if _sees(principal, r)]
    return {"briefings": visible}


@router.get("/briefings/{briefing_id}")
async def show_briefing(
    principal: ManagerPrincipal, request: Request, briefing_id: BriefingId
) -> dict[str, object]:
    """One briefing with attendance, captions and the changes proposed from it."""
    record = await _visible(request, principal, briefing_id)
    return await asyncio.to_thread(
        briefing_document, _database(request), record, now=datetime.now(UTC)
    )


@router.get("/briefings/{briefing_id}/recording", response_class=Response)
async def briefing_recording(
    principal: ManagerPrincipal, request: Request, briefing_id: BriefingId
) -> Response:
    """The manager's recorded audio (FLAC); 404 until the briefing is closed."""
    await _visible(request, principal, briefing_id)
    media = SqlBriefingMediaRepository(database=_database(request))
    audio = await asyncio.to_thread(media.recording, briefing_id)
    if audio is None:
        raise NotFoundError(f"briefing {briefing_id!r} has no recording", code="no_recording")
    return Response(audio.data, media_type=f"audio/{audio.format}")


@router.post("/briefings/{briefing_id}/close")
async def close_briefing(
    principal: ManagerPrincipal, request: Request, briefing_id: BriefingId
) -> dict[str, object]:
    """End the briefing; returns once everything it captured is stored."""
    record = await _visible(request, principal, briefing_id)
    if record.ended_at is not None:
        raise ConflictError(f"briefing {briefing_id!r} is closed already", code="briefing_closed")
    try:
        closed = await _desk(request).close(briefing_id)
    except BriefingNotOpenError as e:
        raise ConflictError(str(e), code=e.code) from e
    return await asyncio.to_thread(
        briefing_document, _database(request), closed, now=datetime.now(UTC)
    )


@router.post("/briefing-changes/{change_id}/approve")
async def approve(
    principal: HqPrincipal, context: ContextDep, request: Request, change_id: int, body: Decide
) -> dict[str, object]:
    """Publish the change as its promotion's next version (HQ)."""
    settings = context.runtime.settings
    try:
        decision = await asyncio.to_thread(
            approve_change,
            _database(request),
            change_id,
            knowledge=context.runtime.knowledge,
            root=knowledge_path(settings) or Path(SAMPLE_DATA_DIR),
            decided_by=principal.identity,
            urgent=body.urgent,
            notes=body.notes,
        )
    except (ChangeDecisionError, BriefingStateError) as e:
        raise _decision_error(e) from e
    await serve_now(context.runtime.knowledge_holder)
    return {
        "change": change_document(decision.change),
        "publication_id": decision.publication.id if decision.publication else None,
        "urgent": body.urgent,
    }


@router.post("/briefing-changes/{change_id}/reject")
async def reject(principal: HqPrincipal, request: Request, change_id: int) -> dict[str, object]:
    """Record that the change was rejected (HQ); nothing is published."""
    try:
        decision = await asyncio.to_thread(
            reject_change, _database(request), change_id, decided_by=principal.identity
        )
    except (ChangeDecisionError, BriefingStateError) as e:
        raise _decision_error(e) from e
    return {"change": change_document(decision.change)}


def _decision_error(error: ChangeDecisionError | BriefingStateError) -> ServiceError:
    if isinstance(error, BriefingStateError):
        return ConflictError(str(error), code=error.code)
    if error.code == "unknown_change":
        return NotFoundError(error.message, code=error.code)
    return BadRequestError(error.message, code=error.code)
