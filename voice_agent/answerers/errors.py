"""Errors of the answerers, each with a machine-readable ``code`` and a ``retryable`` flag.

Vendor errors (``openai``) are translated where they are caught, with ``raise ... from e``,
so callers never depend on the client library's exception types.
"""

from __future__ import annotations

import openai


class AnswererError(Exception):
    """Base error of the answerers."""

    code = "answerer_error"
    retryable = False

    def __init__(self, message: str, *, retryable: bool | None = None) -> None:
        super().__init__(message)
        self.message = message
        if retryable is not None:
            self.retryable = retryable


class AnswererConfigError(AnswererError):
    """The answerer settings cannot work (for example no API key for a remote endpoint)."""

    code = "answerer_config_invalid"


class LLMUnavailableError(AnswererError):
    """The LLM endpoint could not be reached (connection refused, DNS, TLS)."""

    code = "llm_unavailable"
    retryable = True


class LLMTimeoutError(AnswererError):
    """The LLM endpoint did not answer in time."""

    code = "llm_timeout"
    retryable = True


class LLMRateLimitedError(AnswererError):
    """The LLM endpoint refused the request for now (HTTP 429)."""

    code = "llm_rate_limited"
    retryable = True


class LLMAuthError(AnswererError):
    """The API key was refused (HTTP 401/403)."""

    code = "llm_auth_failed"


class LLMRequestError(AnswererError):
    """The endpoint rejected the request (bad model name, unsupported parameter; HTTP 4xx)."""

    code = "llm_bad_request"


class LLMServerError(AnswererError):
    """The endpoint failed (HTTP 5xx)."""

    code = "llm_server_error"
    retryable = True


class LLMProtocolError(AnswererError):
    """The endpoint's reply could not be read (broken stream, unexpected payload)."""

    code = "llm_protocol_error"
    retryable = True


def translate_openai_error(error: openai.OpenAIError) -> AnswererError:
    """The :class:`AnswererError` that stands for an ``openai`` client error."""
    if isinstance(error, openai.APITimeoutError):  # subclass of APIConnectionError
        return LLMTimeoutError(f"LLM request timed out: {error}")
    if isinstance(error, openai.APIConnectionError):
        return LLMUnavailableError(f"LLM endpoint unreachable: {error}")
    if isinstance(error, openai.RateLimitError):
        return LLMRateLimitedError(f"LLM rate limited: {error}")
    if isinstance(error, openai.AuthenticationError | openai.PermissionDeniedError):
        return LLMAuthError(f"LLM refused the API key: {error}")
    if isinstance(error, openai.InternalServerError):
        return LLMServerError(f"LLM endpoint failed: {error}")
    if isinstance(error, openai.APIStatusError):
        if error.status_code >= 500:
            return LLMServerError(f"LLM endpoint failed: {error}")
        return LLMRequestError(f"LLM rejected the request: {error}")
    return LLMProtocolError(f"LLM reply could not be read: {error}")
