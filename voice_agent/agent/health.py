"""A health check's verdict, shared by the service's ``GET /healthz`` and a worker's health."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One link of the chain."""

    ok: bool
    detail: str
