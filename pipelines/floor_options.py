"""How a voice loop's floor is set up: its pause and who hears from it."""

from __future__ import annotations

from dataclasses import dataclass

from knowledge_base.quiet_moments import DEFAULT_PAUSE_SECONDS
from pipelines.conversation_state import ConversationState
from pipelines.events import EventSink
from pipelines.floor_models import FloorListener, ReplyCallback
from pipelines.floor_processor import FloorProcessor


@dataclass(frozen=True, slots=True)
class FloorOptions:
    """The floor of one session (the default: present, idle, nobody listening).

    Attributes:
        pause_secs: A notice waits this long after the last turn. ``None``: the larger of
            :data:`~knowledge_base.quiet_moments.DEFAULT_PAUSE_SECONDS` and the follow-up
            window, so a notice never lands inside a conversation's follow-up.
        listener: Receives the floor's events (the broadcaster).
        on_quiz_answer: Receives quiz answers (the quiz adapter scores them).
        on_free_text: Receives free-text replies (the feedback capture's corrections).
    """

    pause_secs: float | None = None
    listener: FloorListener | None = None
    on_quiz_answer: ReplyCallback | None = None
    on_free_text: ReplyCallback | None = None

    def build(
        self, *, state: ConversationState, follow_up_secs: float, on_event: EventSink | None
    ) -> FloorProcessor:
        """The session's :class:`FloorProcessor`."""
        pause = self.pause_secs
        if pause is None:
            pause = max(DEFAULT_PAUSE_SECONDS, follow_up_secs)
        return FloorProcessor(
            state=state,
            pause_secs=pause,
            listener=self.listener,
            on_quiz_answer=self.on_quiz_answer,
            on_free_text=self.on_free_text,
            on_event=on_event,
        )
