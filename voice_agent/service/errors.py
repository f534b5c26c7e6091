"""Errors of the service layer, each with a machine-readable ``code`` and an HTTP status."""

from __future__ import annotations


class ServiceError(Exception):
    """Base error of the store service (sessions, API keys, requests)."""

    code = "service_error"
    http_status = 500

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class CapacityReachedError(ServiceError):
    """Every session slot is taken; the new session was not started."""

    code = "capacity_reached"
    http_status = 503


class ShuttingDownError(ServiceError):
    """The service is stopping; no new session starts."""

    code = "shutting_down"
    http_status = 503


class SessionNotFoundError(ServiceError):
    """No session runs (or recently ran) in that room."""

    code = "session_not_found"
    http_status = 404


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
