"""One log line per step of a clerk's turn, so the service's log says what happened.

Read from the sessions' events: a turn for the assistant (and why), a turn that was not (its
words are never logged: it was most likely said to a customer), the answer given, a barge-in,
a stop (a failing stage logs its own error). Per-frame detail stays at DEBUG in the processors.
"""

from __future__ import annotations

from loguru import logger

from pipelines.events import (
    AnswerCompleted,
    BargeIn,
    StopRequested,
    TurnAddressed,
    TurnNotAddressed,
)
from voice_agent.agent.lifecycle import ManagedEvent


def turn_log_line(event: ManagedEvent) -> str | None:
    """The INFO line for ``event`` (``None``: the event is not a step of a turn)."""
    match event:
        case TurnAddressed(by=by):
            return f"a turn for the assistant ({by.replace('_', ' ')})"
        case TurnNotAddressed():
            return "a turn without the wake phrase, outside a follow-up: not for the assistant"
        case AnswerCompleted(question=question, text=text, source=source):
            return f"asked {question!r}, answered ({source}) {text!r}"
        case BargeIn(level_dbfs=level):
            return f"the clerk cut the answer off ({level:.0f} dBFS)"
        case StopRequested():
            return "the clerk asked the assistant to stop"
    return None


def log_turn_event(room: str, event: ManagedEvent) -> None:
    """Log ``event`` at INFO when it is a step of a turn."""
    line = turn_log_line(event)
    if line is not None:
        logger.info("[{}] {}", room, line)
