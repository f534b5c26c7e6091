"""Push feedback alerts to a configured webhook, signed (:mod:`voice_agent.signed_webhook`).

The request body is the alert as JSON (:func:`alert_payload`).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import httpx
from loguru import logger

from knowledge_base.feedback.anomalies import Alert
from voice_agent.signed_webhook import SignedWebhook


def alert_payload(alert: Alert) -> dict[str, Any]:
    """The JSON document sent for ``alert``."""
    document = asdict(alert)
    document["rule"] = alert.rule.value
    document["first_at"] = alert.first_at.isoformat()
    document["last_at"] = alert.last_at.isoformat()
    document["dedupe_key"] = alert.dedupe_key
    return document


class AlertWebhook:
    """Posts signed alerts to one URL."""

    def __init__(
        self, *, url: str, secret: str, client: httpx.AsyncClient | None = None,
        timeout_secs: float = 5.0,
    ) -> None:  # fmt: skip
        """Send to ``url``, signing with ``secret`` (the arguments of :class:`SignedWebhook`)."""
        self._webhook = SignedWebhook(
            url=url, secret=secret, client=client, timeout_secs=timeout_secs
        )

    async def send(self, alert: Alert) -> None:
        """Post ``alert``; raises :class:`~voice_agent.signed_webhook.WebhookError` unless 2xx."""
        await self._webhook.post(alert_payload(alert))
        logger.info("alert {} sent to the webhook", alert.dedupe_key)
