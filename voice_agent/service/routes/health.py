"""``GET /healthz``: does the whole chain work? No authentication."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from voice_agent.service.deps import ContextDep
from voice_agent.service.schemas import CheckPublic, Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, responses={503: {"model": Health}})
async def healthz(context: ContextDep) -> JSONResponse:
    """200 when LiveKit answers, sessions can start and the models are loaded; else 503."""
    checks = context.health()
    ok = all(check.ok for check in checks.values())
    manager = context.manager
    body = Health(
        status="ok" if ok else "failing",
        sessions=manager.active,
        capacity=manager.capacity,
        checks={name: CheckPublic(ok=c.ok, detail=c.detail) for name, c in checks.items()},
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=200 if ok else 503)
