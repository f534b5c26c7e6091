"""``GET /healthz``: liveness, no authentication."""

from __future__ import annotations

from fastapi import APIRouter

from voice_agent.service.deps import ManagerDep
from voice_agent.service.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz(manager: ManagerDep) -> Health:
    """The service answers; how many sessions run and may run."""
    return Health(sessions=manager.active, capacity=manager.capacity)
