"""A cap on request bodies, enforced before anything reads or verifies them.

:class:`BodyLimitMiddleware` answers 413 at once when ``Content-Length`` is over the limit,
and counts the bytes of bodies that arrive without one (chunked) as the application reads
them: past the limit the read fails with :class:`BodyTooLargeError`, so at most one chunk
beyond the limit is ever held in memory.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from voice_agent.service.errors import ServiceError


class BodyTooLargeError(ServiceError):
    """The request body is larger than ``service.max_request_bytes``."""

    code = "body_too_large"
    http_status = 413


def too_large_message(limit: int) -> str:
    """The reason given with every 413."""
    return f"request body too large: at most {limit} bytes are accepted"


class BodyLimitMiddleware:
    """Refuse request bodies over ``max_bytes`` with 413 (see the module docstring)."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self._app = app
        self._max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on with a counting ``receive``, or answer 413."""
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self._max_bytes:
            await _send_413(send, self._max_bytes)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self._max_bytes:
                    raise BodyTooLargeError(too_large_message(self._max_bytes))
            return message

        await self._app(scope, limited_receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _send_413(send: Send, limit: int) -> None:
    body = json.dumps(
        {"error": {"code": BodyTooLargeError.code, "message": too_large_message(limit)}}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
