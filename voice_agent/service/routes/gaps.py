"""``GET /v1/gaps``: what the knowledge base could not answer, grouped (HQ only)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from knowledge_base.gaps import group_gaps, top_gaps
from voice_agent.service.deps import ContextDep, HqPrincipal
from voice_agent.service.errors import BadRequestError
from voice_agent.service.schemas import GapGroupPublic, GapReport

router = APIRouter(prefix="/v1/gaps", tags=["gaps"])


@router.get("")
async def list_gaps(
    _principal: HqPrincipal,
    context: ContextDep,
    since: Annotated[
        datetime | None, Query(description="Only questions asked at or after (ISO 8601, aware).")
    ] = None,
    until: Annotated[
        datetime | None, Query(description="Only questions asked before (ISO 8601, aware).")
    ] = None,
    threshold: Annotated[
        float, Query(gt=0, le=1, description="Word overlap that joins a group.")
    ] = 0.5,
    per_promotion: Annotated[int, Query(ge=1, le=100, description="Groups per promotion.")] = 5,
    max_examples: Annotated[int, Query(ge=1, le=20, description="Examples per group.")] = 3,
) -> GapReport:
    """Top confusions per promotion from the question log."""
    for name, moment in (("since", since), ("until", until)):
        if moment is not None and moment.tzinfo is None:
            raise BadRequestError(
                f"{name} needs a time zone, e.g. 2026-11-28T00:00:00+08:00", code="naive_time"
            )
    records = await asyncio.to_thread(context.question_log.find, since=since, until=until)
    groups = group_gaps(records, threshold=threshold, max_examples=max_examples)
    return GapReport(
        questions=len(records),
        groups=[GapGroupPublic.of(g) for g in top_gaps(groups, per_promotion=per_promotion)],
    )
