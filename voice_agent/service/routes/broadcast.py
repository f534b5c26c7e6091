"""Rosters, notices and compliance over HTTP (issue 7), scoped by the caller's role.

- ``PUT /v1/roster``: HQ replaces the whole roster; a store manager replaces the people of
  their own store (everyone else's entries are kept). Invalid content: 422 with every
  problem as ``{"file", "line", "field", "message", "code"}``; nothing is stored.
- ``GET /v1/roster``: the people (and shifts) the caller oversees.
- ``GET /v1/notices``: notices and each person's delivery state, scoped the same way.
- ``GET /v1/compliance/{promotion}?version=N``: who heard, acknowledged and passed, per store,
  and time to compliance (store manager: their store; regional manager: their region; HQ:
  everything; clerks: 403).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, FastAPI, Path, Query, Request
from fastapi.responses import JSONResponse
from loguru import logger

from knowledge_base.answering import Role
from knowledge_base.compliance import scoped
from knowledge_base.roster_files import parse_roster
from knowledge_base.rosters import Roster, RosterError, StaffMember
from voice_agent.broadcast.broadcaster import Broadcaster
from voice_agent.broadcast.compliance import UnknownVersionError, compliance_report
from voice_agent.broadcast.wiring import running
from voice_agent.runtime import Runtime
from voice_agent.service.auth import Principal
from voice_agent.service.deps import ContextDep, ManagerPrincipal
from voice_agent.service.errors import NotFoundError, PermissionDeniedError
from voice_agent.service.routes.broadcast_schemas import (
    DeliveryPublic,
    MemberPublic,
    NoticeList,
    NoticePublic,
    RosterPublic,
    RosterUpload,
)
from voice_agent.service.schemas import ErrorBody, ErrorDetail
from voice_agent.storage import Database, SqlNoticeRepository, SqlRosterRepository

router = APIRouter(prefix="/v1", tags=["broadcast"])


# --- wiring -----------------------------------------------------------------------------------


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Run the application's broadcaster and quizmaster (if any) while the service runs."""
    broadcaster: Broadcaster | None = getattr(app.state, "broadcaster", None)
    if broadcaster is None:
        yield
        return
    runtime: Runtime = app.state.context.runtime
    async with running(
        broadcaster,
        subscribe=runtime.on_publication,
        tick_secs=runtime.settings.broadcast.tick_secs,
        quizmaster=getattr(app.state, "quizmaster", None),
    ):
        yield


def _database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


# --- roster -----------------------------------------------------------------------------------


def _sees(principal: Principal, member: StaffMember) -> bool:
    if principal.role is Role.HQ:
        return True
    if principal.role is Role.REGIONAL_MANAGER:
        return member.region_id == principal.region
    return member.store_id is not None and principal.can_manage_store(member.store_id)


def _invalid(error: RosterError) -> JSONResponse:
    details: list[dict[str, object]] = [
        {
            "file": issue.file,
            "line": issue.line,
            "field": issue.field,
            "message": issue.message,
            "code": issue.code,
        }
        for issue in error.issues
    ]
    summary = "; ".join(str(issue) for issue in error.issues[:5])
    body = ErrorBody(
        error=ErrorDetail(code=error.code, message=f"roster not stored: {summary}", details=details)
    )
    return JSONResponse(body.model_dump(mode="json", exclude_none=True), status_code=422)


@router.put("/roster", response_model=RosterPublic, responses={422: {"model": ErrorBody}})
async def put_roster(
    principal: ManagerPrincipal, context: ContextDep, request: Request, body: RosterUpload
) -> RosterPublic | JSONResponse:
    """Replace the roster (HQ) or the people of the caller's store (store managers)."""
    if principal.role not in (Role.HQ, Role.STORE_MANAGER):
        raise PermissionDeniedError("only headquarters and store managers may load a roster")
    name = f"upload.{body.format}"
    try:
        uploaded = parse_roster(
            body.content, file=name, knowledge=context.runtime.knowledge, format=body.format
        )
    except RosterError as e:
        return _invalid(e)
    repository = SqlRosterRepository(database=_database(request))
    if principal.role is Role.STORE_MANAGER:
        outside = [
            m.identity
            for m in uploaded.members
            if m.store_id != principal.store_id or m.role not in (Role.CLERK, Role.STORE_MANAGER)
        ]
        if outside:
            raise PermissionDeniedError(
                f"a store manager loads only the clerks and store managers of"
                f" {principal.store_id}; not: {', '.join(outside[:10])}"
            )
        stored = await asyncio.to_thread(repository.load) or Roster(())
        kept = [m for m in stored.members if m.store_id != principal.store_id]
        moved = {m.identity for m in kept} & {m.identity for m in uploaded.members}
        if moved:
            raise PermissionDeniedError(
                f"listed at another store already: {', '.join(sorted(moved))}; ask headquarters"
            )
        uploaded = Roster((*kept, *uploaded.members))
    load = await asyncio.to_thread(
        repository.replace,
        uploaded,
        source=f"upload ({principal.describe()})",
        loaded_by=principal.identity,
        loaded_at=datetime.now(UTC),
    )
    logger.info("roster loaded by {}: {} people", principal.describe(), len(uploaded.members))
    broadcaster: Broadcaster | None = getattr(request.app.state, "broadcaster", None)
    if broadcaster is not None:
        await broadcaster.roster_changed()
    return RosterPublic(
        source=load.source,
        loaded_by=load.loaded_by,
        loaded_at=load.loaded_at,
        members=[MemberPublic.of(m) for m in uploaded.members if _sees(principal, m)],
    )


@router.get("/roster")
async def get_roster(principal: ManagerPrincipal, request: Request) -> RosterPublic:
    """The people (and their shifts) the caller oversees."""
    repository = SqlRosterRepository(database=_database(request))
    roster = await asyncio.to_thread(repository.load) or Roster(())
    load = await asyncio.to_thread(repository.current)
    return RosterPublic(
        source=load.source if load else None,
        loaded_by=load.loaded_by if load else None,
        loaded_at=load.loaded_at if load else None,
        members=[MemberPublic.of(m) for m in roster.members if _sees(principal, m)],
    )


# --- notices ----------------------------------------------------------------------------------


@router.get("/notices")
async def list_notices(
    principal: ManagerPrincipal,
    request: Request,
    promotion_id: Annotated[str | None, Query(description="Only this promotion.")] = None,
    limit: Annotated[int, Query(ge=1, le=200, description="The newest this many.")] = 50,
) -> NoticeList:
    """Urgent notices with each person's state (delivered, played, acknowledged, escalated)."""
    database = _database(request)
    notices = SqlNoticeRepository(database=database)
    roster = await asyncio.to_thread(SqlRosterRepository(database=database).load) or Roster(())
    found = await asyncio.to_thread(notices.notices, promotion_id=promotion_id, limit=limit)
    out = []
    for notice in found:
        records = await asyncio.to_thread(notices.deliveries, notice_id=notice.id)
        visible = []
        for record in records:
            member = roster.member(record.clerk)
            if principal.role is not Role.HQ and (member is None or not _sees(principal, member)):
                continue
            visible.append(
                DeliveryPublic(
                    identity=record.clerk,
                    name=member.name if member else None,
                    store_id=member.store_id if member else None,
                    state=record.state.value,
                    delivered_at=record.delivered_at,
                    played_at=record.played_at,
                    acknowledged_at=record.acknowledged_at,
                    escalated_at=record.escalated_at,
                    superseded_at=record.superseded_at,
                    plays=record.plays,
                )
            )
        out.append(
            NoticePublic(
                id=notice.id,
                publication_id=notice.publication_id,
                promotion_id=notice.promotion_id,
                version=notice.version,
                created_at=notice.created_at,
                deliveries=visible,
            )
        )
    return NoticeList(notices=out)


# --- compliance -------------------------------------------------------------------------------


@router.get("/compliance/{promotion_id}")
async def get_compliance(
    principal: ManagerPrincipal,
    context: ContextDep,
    request: Request,
    promotion_id: Annotated[str, Path(max_length=200)],
    version: Annotated[
        int | None, Query(ge=1, description="The version (default: the newest published).")
    ] = None,
) -> dict[str, object]:
    """Who heard, acknowledged and passed the version, per store, and time to compliance."""
    try:
        report = await asyncio.to_thread(
            compliance_report,
            _database(request),
            context.runtime.knowledge,
            promotion_id=promotion_id,
            version=version,
            as_of=datetime.now(UTC),
        )
    except UnknownVersionError as e:
        raise NotFoundError(str(e), code=e.code) from e
    view = scoped(
        report, role=principal.role, store_id=principal.store_id, region_id=principal.region
    )
    return view.to_dict()
