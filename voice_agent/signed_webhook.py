"""POST a JSON document to a webhook, signed with HMAC-SHA256.

The header ``X-Voice-Agent-Signature`` holds ``t=<unix seconds>,v1=<hex HMAC-SHA256 of
"<t>.<body>">`` keyed with the shared secret; a receiver recomputes it (see :func:`verify`)
and refuses stale timestamps, so a captured request cannot be replayed later. Feedback alerts
and notice escalations use this one scheme, so one receiver checks both.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping

import httpx

SIGNATURE_HEADER = "X-Voice-Agent-Signature"
DEFAULT_TOLERANCE_SECS = 300


class WebhookError(Exception):
    """The webhook did not accept the document."""

    code = "webhook_failed"

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def sign(body: bytes, secret: str, timestamp: int) -> str:
    """The signature header value for ``body`` sent at ``timestamp`` (unix seconds)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def verify(
    body: bytes, header: str, secret: str, *, now: float | None = None,
    tolerance_secs: int = DEFAULT_TOLERANCE_SECS,
) -> bool:  # fmt: skip
    """True when ``header`` signs ``body`` with ``secret`` and is not older than the tolerance."""
    try:
        parts = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance_secs:
        return False
    expected = sign(body, secret, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, given)


class SignedWebhook:
    """Posts signed JSON documents to one URL."""

    def __init__(
        self, *, url: str, secret: str, client: httpx.AsyncClient | None = None,
        timeout_secs: float = 5.0,
    ) -> None:  # fmt: skip
        """Send to ``url``, signing with ``secret``.

        Args:
            url: The receiver's URL.
            secret: Shared HMAC key (never logged).
            client: An HTTP client to reuse; one is created per request otherwise.
            timeout_secs: Upper bound of one request.

        Raises:
            ValueError: An empty ``secret``.
        """
        if not secret:
            raise ValueError("a webhook needs a signing secret")
        self._url = url
        self._secret = secret
        self._client = client
        self._timeout = timeout_secs

    async def post(self, document: Mapping[str, object]) -> None:
        """Post ``document``; raises :class:`WebhookError` unless the receiver answers 2xx."""
        body = json.dumps(document, ensure_ascii=False).encode()
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(body, self._secret, int(time.time())),
        }
        try:
            if self._client is not None:
                reply = await self._client.post(
                    self._url, content=body, headers=headers, timeout=self._timeout
                )
            else:
                async with httpx.AsyncClient(timeout=self._timeout) as client:
                    reply = await client.post(self._url, content=body, headers=headers)
        except httpx.HTTPError as e:
            raise WebhookError(f"webhook unreachable: {type(e).__name__}") from e
        if not 200 <= reply.status_code < 300:
            raise WebhookError(f"webhook answered {reply.status_code}", status=reply.status_code)
