"""Feedback from the shop floor over HTTP, role-scoped on every endpoint.

``GET /v1/feedback`` (filters, paging), ``GET /v1/feedback/{id}``, ``GET
/v1/feedback/{id}/audio`` (``audio/flac``), ``GET /v1/feedback/stats``, ``GET
/v1/feedback/alerts``, ``GET /v1/feedback/export.csv`` and ``POST /v1/feedback`` (a text
from the earpiece app: classified, committed, then confirmed). A clerk sees what they said,
a store manager their store, a regional manager their region, HQ everything; a record out
of scope answers 404, like one that does not exist.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from knowledge_base.feedback.export import csv_text
from knowledge_base.feedback.models import MAX_TEXT_CHARS
from knowledge_base.feedback.queries import MAX_PAGE, FeedbackFilter, Viewer
from knowledge_base.feedback.taxonomy import FeedbackCategory, Sentiment, Urgency
from voice_agent.feedback.desk import FeedbackDesk
from voice_agent.service.auth import Principal
from voice_agent.service.deps import ContextDep, CurrentPrincipal
from voice_agent.service.errors import BadRequestError, NotFoundError, PermissionDeniedError

router = APIRouter(prefix="/v1/feedback", tags=["feedback"])
_NO_RECORD = "feedback_not_found"
"""The 404's code: no record with that id that the caller may see."""


def get_desk(request: Request) -> FeedbackDesk:
    """The application's :class:`FeedbackDesk`."""
    desk: FeedbackDesk = request.app.state.feedback
    return desk


DeskDep = Annotated[FeedbackDesk, Depends(get_desk)]


def viewer_of(principal: Principal) -> Viewer:
    """The domain's viewer for an API key holder."""
    return Viewer(
        role=principal.role,
        identity=principal.identity,
        store_id=principal.store_id,
        region_id=principal.region,
    )


def feedback_filter(
    store: Annotated[str | None, Query(description="Store id, e.g. SH-01.")] = None,
    region: Annotated[str | None, Query(description="Region id, e.g. east-china.")] = None,
    category: Annotated[FeedbackCategory | None, Query()] = None,
    urgency: Annotated[Urgency | None, Query()] = None,
    sentiment: Annotated[Sentiment | None, Query()] = None,
    product: Annotated[str | None, Query(description="A SKU mentioned.")] = None,
    promotion: Annotated[str | None, Query(description="Named or in force.")] = None,
    since: Annotated[datetime | None, Query(description="Said at or after (ISO, aware).")] = None,
    until: Annotated[datetime | None, Query(description="Said before (ISO, aware).")] = None,
) -> FeedbackFilter:
    """The filters of the query string (each narrows the caller's scope, never widens it)."""
    for name, moment in (("since", since), ("until", until)):
        if moment is not None and moment.tzinfo is None:
            raise BadRequestError(
                f"{name} needs a time zone, e.g. 2026-11-28T00:00:00+08:00", code="naive_time"
            )
    return FeedbackFilter(
        category=category, urgency=urgency, sentiment=sentiment, store_id=store,
        region_id=region, product=product, promotion=promotion, since=since, until=until,
    )  # fmt: skip


FilterDep = Annotated[FeedbackFilter, Depends(feedback_filter)]


@router.get("")
async def list_feedback(
    principal: CurrentPrincipal,
    desk: DeskDep,
    where: FilterDep,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
) -> dict[str, Any]:
    """Records the caller may see, newest first, one page (corrected ones left out)."""
    page = await asyncio.to_thread(
        desk.records.page, viewer=viewer_of(principal), where=where, offset=offset, limit=limit
    )
    return {
        "total": page.total,
        "offset": page.offset,
        "limit": page.limit,
        "records": [r.model_dump(mode="json") for r in page.records],
    }


@router.get("/stats")
async def feedback_stats(
    principal: CurrentPrincipal, desk: DeskDep, where: FilterDep
) -> dict[str, Any]:
    """Total and counts by category, urgency, sentiment, store, region, product, promotion, day."""
    return await asyncio.to_thread(desk.records.stats, viewer=viewer_of(principal), where=where)


@router.get("/alerts")
async def feedback_alerts(
    principal: CurrentPrincipal,
    desk: DeskDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    """The newest alerts the caller may see, with their delivery state."""
    found = await asyncio.to_thread(desk.alerts.list, viewer=viewer_of(principal), limit=limit)
    return {"alerts": [a.public() for a in found]}


@router.get("/export.csv", response_class=Response)
async def export_feedback(principal: CurrentPrincipal, desk: DeskDep, where: FilterDep) -> Response:
    """The caller's records as CSV, oldest first (cells safe to open in a spreadsheet)."""
    records = await asyncio.to_thread(
        desk.records.matching, viewer=viewer_of(principal), where=where
    )
    return Response(
        csv_text(records),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="feedback.csv"'},
    )


@router.get("/{record_id}")
async def get_feedback(
    record_id: str, principal: CurrentPrincipal, desk: DeskDep
) -> dict[str, Any]:
    """One record, with where to fetch its audio (``audio`` is ``null`` when none was kept)."""
    viewer = viewer_of(principal)
    found = await asyncio.to_thread(desk.records.get, record_id, viewer=viewer)
    if found is None:
        raise NotFoundError(f"no feedback record {record_id!r} in your scope", code=_NO_RECORD)
    audio = await asyncio.to_thread(desk.records.audio, record_id, viewer=viewer)
    return {
        "record": found.model_dump(mode="json"),
        "audio": None
        if audio is None
        else {
            "format": audio.format,
            "sample_rate": audio.sample_rate,
            "duration_secs": audio.duration_secs,
            "url": f"/v1/feedback/{record_id}/audio",
        },
    }


@router.get("/{record_id}/audio", response_class=Response)
async def get_feedback_audio(
    record_id: str, principal: CurrentPrincipal, desk: DeskDep
) -> Response:
    """The compressed audio of the record's capture (``audio/flac``)."""
    audio = await asyncio.to_thread(desk.records.audio, record_id, viewer=viewer_of(principal))
    if audio is None:
        raise NotFoundError(
            f"no audio for feedback record {record_id!r} in your scope", code=_NO_RECORD
        )
    return Response(audio.data, media_type=f"audio/{audio.format}")


class FeedbackText(BaseModel):
    """Feedback typed or dictated in the earpiece app."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=4 * MAX_TEXT_CHARS, description="What the clerk reports.")
    store_id: str | None = Field(
        default=None, description="Where it was said; default: the key's store."
    )
    language: str | None = Field(default=None, pattern=r"^(en|zh-CN)$")
    supersedes: str | None = Field(default=None, description="Id of a record this corrects.")


@router.post("", status_code=201)
async def post_feedback(
    body: FeedbackText, principal: CurrentPrincipal, desk: DeskDep, context: ContextDep
) -> Any:
    """Classify and commit the caller's feedback, then return the confirmation.

    Clerks and store managers record for their own store; regional managers and HQ name a
    store they oversee. 201 with the records once committed; 422 ``feedback_empty``; 503
    with the spoken apology when storage is down (nothing is saved).
    """
    store_id = body.store_id or principal.store_id
    if store_id is None:
        raise BadRequestError("store_id is required for this key", code="store_required")
    if store_id != principal.store_id and not principal.can_manage_store(store_id):
        raise PermissionDeniedError(f"{principal.describe()} may not record for {store_id}")
    knowledge = context.runtime.knowledge
    if store_id not in knowledge.stores:
        raise BadRequestError(f"unknown store {store_id!r}", code="unknown_store")
    if body.supersedes is not None:
        corrected = await asyncio.to_thread(
            desk.records.get, body.supersedes, viewer=viewer_of(principal)
        )
        if corrected is None:
            raise NotFoundError(
                f"no feedback record {body.supersedes!r} in your scope", code=_NO_RECORD
            )
    recorder = await asyncio.to_thread(desk.recorder, knowledge)
    outcome = await recorder.record(
        body.text, clerk_id=principal.identity, store_id=store_id, role=principal.role,
        language=body.language, supersedes=body.supersedes,
    )  # fmt: skip
    if outcome.error_code == "feedback_empty":
        raise BadRequestError("the feedback text is empty", code="feedback_empty")
    if not outcome.saved:
        return JSONResponse(
            {"error": {"code": outcome.error_code or "not_saved", "message": outcome.spoken}},
            status_code=503,
        )
    return {
        "saved": True,
        "confirmation": outcome.spoken,
        "records": [r.model_dump(mode="json") for r in outcome.records],
    }
