"""Errors of the agent side (sessions, capacity, the agent worker), each with a ``code``.

They sit below both front doors: the store service answers them over HTTP with their
``http_status``, the worker and the CLI report their ``code``.
"""

from __future__ import annotations

from voice_agent.answered_error import AnsweredError


class AgentError(AnsweredError):
    """Base error of the agent side: starting, finding and stopping sessions."""

    code = "agent_error"


class CapacityReachedError(AgentError):
    """Every session slot is taken; the new session was not started."""

    code = "capacity_reached"
    http_status = 503


class ShuttingDownError(AgentError):
    """The process is stopping; no new session starts."""

    code = "shutting_down"
    http_status = 503


class SessionNotFoundError(AgentError):
    """No session runs (or recently ran) in that room."""

    code = "session_not_found"
    http_status = 404
