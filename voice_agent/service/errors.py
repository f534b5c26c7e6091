"""Errors of the service layer, each with a machine-readable ``code`` and an HTTP status.

The agent side's errors (capacity, shutting down, no such session) are
:mod:`voice_agent.agent.errors`; both derive from
:class:`~voice_agent.answered_error.AnsweredError`, which the API answers the same way.
"""

from __future__ import annotations

from voice_agent.answered_error import AnsweredError


class ServiceError(AnsweredError):
    """Base error of the store service (API keys, requests, starting the service)."""

    code = "service_error"


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
