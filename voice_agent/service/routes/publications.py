"""``POST /v1/publications`` (HQ) and ``GET /v1/publications`` (managers and HQ).

Publishing over HTTP takes the same path as ``voice-agent kb publish``
(:class:`~voice_agent.storage.publisher.Publisher`): the uploaded promotion files are laid
over the service's knowledge-base directory (which is not changed), validated with it, and
what changed is stored as one publication. Invalid content is refused with 422 and every
problem as ``{"file", "line", "field", "message"}``; nothing is stored. The service picks a
stored publication up at once on this node and within ``knowledge_base.poll_interval_secs``
on every other node sharing the database.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from loguru import logger
from pydantic import BaseModel, ConfigDict, Field

from knowledge_base.loader import SAMPLE_DATA_DIR
from knowledge_base.versions import Publication
from voice_agent.knowledge_reload import PublishedKnowledgeHolder
from voice_agent.runtime import knowledge_path
from voice_agent.service.deps import ContextDep, HqPrincipal, ManagerPrincipal
from voice_agent.service.schemas import ErrorBody, ErrorDetail
from voice_agent.storage.engine import Database
from voice_agent.storage.publications import SqlPublicationRepository
from voice_agent.storage.publisher import MAX_UPLOAD_FILES, Publisher

router = APIRouter(prefix="/v1/publications", tags=["publications"])


class PublishRequest(BaseModel):
    """A publish: promotion files to put in place (optional), change notes, urgency."""

    model_config = ConfigDict(extra="forbid")

    files: dict[str, str] = Field(
        default_factory=dict,
        max_length=MAX_UPLOAD_FILES,
        description=(
            'Promotion files by name, e.g. {"weekend-running.yaml": "id: weekend-running\\n..."};'
            " a changed promotion's version must be its stored latest + 1. Empty: publish the"
            " service's knowledge-base directory as it is."
        ),
    )
    notes: str = Field(default="", max_length=10_000, description="Change notes.")
    urgent: bool = Field(default=False, description="Announce the change to clerks now.")


class PublishedVersion(BaseModel):
    """One promotion version a publication stored."""

    promotion_id: str
    version: int
    content_hash: str


class PublicationPublic(BaseModel):
    """A publication: who, when, notes, urgency and the versions it stored."""

    id: int
    published_at: datetime
    published_by: str
    notes: str
    urgent: bool
    versions: list[PublishedVersion]

    @classmethod
    def of(cls, publication: Publication) -> PublicationPublic:
        """The public form of a stored publication."""
        return cls(
            id=publication.id,
            published_at=publication.published_at,
            published_by=publication.published_by,
            notes=publication.notes,
            urgent=publication.urgent,
            versions=[
                PublishedVersion(
                    promotion_id=v.promotion_id, version=v.version, content_hash=v.content_hash
                )
                for v in publication.versions
            ],
        )


class PublishResult(BaseModel):
    """What a publish stored (``publication`` is null when nothing changed)."""

    publication: PublicationPublic | None
    unchanged: list[str]
    """Promotions whose content did not change (``weekend-running v2``)."""


class PublicationList(BaseModel):
    """Publications, oldest first."""

    publications: list[PublicationPublic]


def _database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


@router.post(
    "",
    status_code=201,
    responses={200: {"model": PublishResult, "description": "Nothing changed; nothing stored."}},
)
async def publish(
    principal: HqPrincipal, context: ContextDep, request: Request, body: PublishRequest
) -> JSONResponse:
    """Publish the knowledge base with the given promotion files (HQ only)."""
    settings = context.runtime.settings
    root = knowledge_path(settings) or SAMPLE_DATA_DIR
    publisher = Publisher(database=_database(request))
    outcome = await asyncio.to_thread(
        publisher.publish_files,
        root,
        body.files,
        published_by=principal.identity,
        notes=body.notes,
        urgent=body.urgent,
    )
    if not outcome.ok or outcome.plan is None:
        errors = outcome.errors
        details: list[dict[str, object]] = [
            {
                "file": issue.file,
                "line": issue.line,
                "field": issue.field,
                "message": issue.message,
                "code": issue.code,
            }
            for issue in errors
        ]
        message = "; ".join(str(issue) for issue in errors[:5])
        # Another publish stored the same version first: retrying may succeed.
        conflict = any(issue.code == "version_conflict" for issue in errors)
        body_out = ErrorBody(
            error=ErrorDetail(
                code="version_conflict" if conflict else "invalid_knowledge_base",
                message=f"nothing was published: {message}",
                details=details,
            )
        )
        return JSONResponse(
            body_out.model_dump(mode="json", exclude_none=True),
            status_code=409 if conflict else 422,
        )
    publication = outcome.publication
    if publication is not None:
        logger.info(
            "publication {} by {} ({} version(s), urgent={})",
            publication.id,
            principal.identity,
            len(publication.versions),
            publication.urgent,
        )
        await serve_now(context.runtime.knowledge_holder)
    result = PublishResult(
        publication=PublicationPublic.of(publication) if publication else None,
        unchanged=[f"{v.promotion_id} v{v.version}" for v in outcome.plan.unchanged],
    )
    return JSONResponse(
        result.model_dump(mode="json"), status_code=201 if publication is not None else 200
    )


async def serve_now(holder: object) -> None:
    """Serve the new publication on this node without waiting for the next poll.

    Returns once it is served; observers (an urgent publication's notices and their
    render, quizzes) are told in the background. The publication is stored already: a node
    that dies before storing its notices announces, when it starts again, what was
    published after the last publication with a notice.
    """
    if not isinstance(holder, PublishedKnowledgeHolder):
        return
    try:
        await holder.refresh(tell_in_background=True)
    except Exception:  # noqa: BLE001 - stored already; the next poll picks it up
        logger.exception("could not serve the new publication at once; the next poll will")


@router.get("")
async def list_publications(
    _principal: ManagerPrincipal,
    request: Request,
    after_id: Annotated[
        int, Query(ge=0, description="Only publications with a larger id (for paging).")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=500, description="At most this many.")] = 100,
) -> PublicationList:
    """Publications, oldest first (managers and HQ)."""
    repository = SqlPublicationRepository(database=_database(request))
    found = await asyncio.to_thread(repository.list, after_id=after_id, limit=limit)
    return PublicationList(publications=[PublicationPublic.of(p) for p in found])
