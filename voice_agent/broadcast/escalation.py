"""Telling a store manager that a clerk has not acknowledged: the signed webhook.

The POSTed JSON (:func:`escalation_payload`) carries the notice, the clerk, their store,
how often it was played and when; the header ``X-Voice-Agent-Signature`` is
``t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`` (the same scheme as feedback
alerts, :mod:`voice_agent.feedback.webhook`, so one receiver checks both).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime

import httpx
from loguru import logger

from knowledge_base.delivery import Delivery
from voice_agent.feedback.webhook import SIGNATURE_HEADER, WebhookError, sign


@dataclass(frozen=True, slots=True)
class Escalation:
    """One unacknowledged notice, reported to a store's managers."""

    delivery: Delivery
    clerk_name: str
    store_id: str | None
    managers: tuple[str, ...]
    """Identities of the store managers told."""
    text: str
    """What a connected manager hears."""
    at: datetime


def escalation_payload(escalation: Escalation) -> dict[str, object]:
    """The JSON document sent for ``escalation``."""
    delivery = escalation.delivery
    return {
        "event": "notice_not_acknowledged",
        "notice_id": delivery.notice_id,
        "clerk": delivery.clerk,
        "clerk_name": escalation.clerk_name,
        "store_id": escalation.store_id,
        "managers": list(escalation.managers),
        "plays": delivery.plays,
        "played_at": delivery.played_at.isoformat() if delivery.played_at else None,
        "escalated_at": escalation.at.isoformat(),
        "text": escalation.text,
    }


class EscalationWebhook:
    """Posts signed escalations to one URL."""

    def __init__(self, *, url: str, secret: str, timeout_secs: float = 5.0) -> None:
        """Send to ``url``, signing with ``secret`` (never logged)."""
        if not secret:
            raise ValueError("a webhook needs a signing secret")
        self._url = url
        self._secret = secret
        self._timeout = timeout_secs

    async def send(self, escalation: Escalation) -> None:
        """Post it; raises :class:`WebhookError` unless the receiver answers 2xx."""
        body = json.dumps(escalation_payload(escalation), ensure_ascii=False).encode()
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(body, self._secret, int(time.time())),
        }
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                reply = await client.post(self._url, content=body, headers=headers)
        except httpx.HTTPError as e:
            raise WebhookError(f"webhook unreachable: {type(e).__name__}") from e
        if not 200 <= reply.status_code < 300:
            raise WebhookError(f"webhook answered {reply.status_code}", status=reply.status_code)
        logger.info(
            "escalation of {} for {} sent to the webhook",
            escalation.delivery.notice_id,
            escalation.delivery.clerk,
        )
