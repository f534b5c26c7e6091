"""Errors of the service layer, each with a machine-readable ``code`` and an HTTP status.

The agent side's errors (capacity, shutting down, no such session) are
:mod:`voice_agent.agent.errors`; the API answers both families the same way.
"""

from __future__ import annotations


class ServiceError(Exception):
    """Base error of the store service (API keys, requests, starting the service)."""

    code = "service_error"
    http_status = 500

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class AuthenticationError(ServiceError):
    """No API key, or one that is not configured."""

    code = "unauthorized"
    http_status = 401


class PermissionDeniedError(ServiceError):
    """The API key's role or scope does not allow this request."""

    code = "forbidden"
    http_status = 403


class BadRequestError(ServiceError):
    """The request is well-formed JSON but asks for something impossible."""

    code = "bad_request"
    http_status = 422


class NotFoundError(ServiceError):
    """The thing asked about does not exist."""

    code = "not_found"
    http_status = 404


class ConflictError(ServiceError):
    """The request conflicts with the state of what it is about (a closed briefing)."""

    code = "conflict"
    http_status = 409
