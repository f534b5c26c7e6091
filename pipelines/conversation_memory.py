"""What a clerk's conversation carries from one answered turn to the next.

:class:`ConversationMemory` outlives a pipeline: the session that owns it hands the same
memory to every connection it makes, and stores it after every answered turn, so a session
started again elsewhere (a worker crashed and LiveKit re-dispatched the clerk) picks the
conversation up. What the floor awaits (a notice's acknowledgement) is not kept here: the
broadcaster's delivery records hold it durably.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from knowledge_base.answering import Answer, FollowUpContext, Question

DEFAULT_CONTEXT_SECS = 600.0


@dataclass(slots=True)
class ConversationMemory:
    """One clerk's conversation so far (see the module docstring)."""

    follow_up: FollowUpContext | None = None
    """What the last answered question was about."""
    language: str | None = None
    """Language of the last answered question."""
    turns: int = 0
    """Questions answered in this conversation (across reconnects and re-dispatches)."""
    answered_at: datetime | None = None
    """Wall time (aware) of the last answer."""
    context_secs: float = DEFAULT_CONTEXT_SECS
    """The follow-up context is used for this many seconds after the last answer."""

    def context(self, now: datetime) -> FollowUpContext | None:
        """The follow-up context at ``now`` (aware), or ``None`` once it expired."""
        if self.follow_up is None or self.answered_at is None:
            return None
        if (now - self.answered_at).total_seconds() > self.context_secs:
            return None
        return self.follow_up

    def remember(self, question: Question, answer: Answer, now: datetime) -> None:
        """Count an answered turn at ``now`` (aware) and keep what it was about."""
        self.turns += 1
        self.language = question.language
        self.answered_at = now
        if answer.about is not None:
            self.follow_up = None if answer.about.empty else answer.about

    def snapshot(self) -> ConversationMemory:
        """A copy to store while the conversation goes on."""
        return dataclasses.replace(self)
