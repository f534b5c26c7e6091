"""Telling a store manager that a clerk has not acknowledged: the signed webhook.

The POSTed JSON (:func:`escalation_payload`) carries the notice, the clerk, their store,
how often it was played and when; the header ``X-Voice-Agent-Signature`` is
``t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`` (:mod:`voice_agent.signed_webhook`,
the same scheme as feedback alerts, so one receiver checks both).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from loguru import logger

from knowledge_base.delivery import Delivery
from voice_agent.signed_webhook import SignedWebhook


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
        self._webhook = SignedWebhook(url=url, secret=secret, timeout_secs=timeout_secs)

    async def send(self, escalation: Escalation) -> None:
        """Post it; raises :class:`~voice_agent.signed_webhook.WebhookError` unless 2xx."""
        await self._webhook.post(escalation_payload(escalation))
        logger.info(
            "escalation of {} for {} sent to the webhook",
            escalation.delivery.notice_id,
            escalation.delivery.clerk,
        )
