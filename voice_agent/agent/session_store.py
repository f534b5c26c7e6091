"""Where a session keeps its clerk's conversation, so a session started again picks it up.

A worker that dies takes its sessions' memory with it; LiveKit re-dispatches the clerk to
another worker, whose new :class:`~voice_agent.agent.session.AgentSession` loads the
conversation stored after the last answered turn (any worker sharing the database).
:class:`~voice_agent.storage.sessions.SqlSessionStore` implements :class:`SessionStore`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from pipelines.conversation_memory import ConversationMemory


class SessionStore(Protocol):
    """Clerks' conversations, per room and clerk identity (blocking: call off the loop)."""

    def save(self, room: str, clerk_identity: str, memory: ConversationMemory) -> None:
        """Store ``memory`` (with its ``answered_at`` set) as the latest conversation."""
        ...

    def load(
        self, room: str, clerk_identity: str, *, answered_since: datetime
    ) -> ConversationMemory | None:
        """The stored conversation if it was last answered at or after ``answered_since``."""
        ...
