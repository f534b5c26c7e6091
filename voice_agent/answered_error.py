"""The base of the errors the HTTP API answers with a status of their own."""

from __future__ import annotations


class AnsweredError(Exception):
    """An error with a machine-readable ``code`` and the HTTP status the API answers it with.

    The agent side's errors (:mod:`voice_agent.agent.errors`) and the store service's
    (:mod:`voice_agent.service.errors`) both derive from it: the API answers them the same
    way, the worker and the CLI report their ``code``.
    """

    code = "error"
    http_status = 500
    """The status the HTTP API answers this error with."""

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
