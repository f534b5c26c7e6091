"""Typed answerer events: guard violations, fallbacks and tool calls, for logs and counters."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, get_args

AnswererEventKind = Literal[
    "fact_guard_violation", "fallback_timeout", "fallback_error", "tool_call"
]


@dataclass(frozen=True, slots=True)
class AnswererEvent:
    """Something noteworthy the answerer did while answering one question."""

    kind: AnswererEventKind
    detail: dict[str, object]
    """Kind-specific facts: the violating claims, the error code, the tool and its arguments."""
    question: str = ""
    """The question being answered."""
    at: float = field(default_factory=time.monotonic)
    """Monotonic seconds when the event happened."""


EventListener = Callable[[AnswererEvent], None]


class AnswererCounters:
    """How many events of each kind an answerer has reported since it was built."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter({kind: 0 for kind in get_args(AnswererEventKind)})

    def record(self, event: AnswererEvent) -> None:
        """Count ``event``."""
        self._counts[event.kind] += 1

    def __getitem__(self, kind: AnswererEventKind) -> int:
        return self._counts[kind]

    def as_dict(self) -> dict[str, int]:
        """Counts by kind (every kind present, zero included)."""
        return dict(self._counts)
