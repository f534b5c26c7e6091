"""Whether a clerk's new session may take a slot: the capacity, shutting down, refusals.

:class:`SessionAdmission` decides for :class:`~voice_agent.agent.manager.SessionManager`,
under its lock: a room's live session is kept, a stopping one is waited for, and past
capacity a new session is refused with
:class:`~voice_agent.agent.errors.CapacityReachedError` (recorded in the history and
delivered as a :class:`~voice_agent.agent.lifecycle.SessionRefused` event).
"""

from __future__ import annotations

from loguru import logger

from voice_agent.agent.errors import CapacityReachedError, ShuttingDownError
from voice_agent.agent.history import SessionEntry, SessionHistory
from voice_agent.agent.lifecycle import SessionRefused
from voice_agent.agent.session_events import SessionEvents
from voice_agent.agent.slots import SessionSlots


class SessionAdmission:
    """Admits new sessions into ``slots`` up to ``capacity``, until closed.

    Args:
        capacity: Sessions that may run at once.
        slots: The live sessions by room.
        history: Where a refusal is recorded.
        events: Where a refusal is delivered.
    """

    def __init__(
        self,
        *,
        capacity: int,
        slots: SessionSlots,
        history: SessionHistory,
        events: SessionEvents,
    ) -> None:
        self.capacity = capacity
        self._slots = slots
        self._history = history
        self._events = events
        self._closed = False

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called: no new session is admitted."""
        return self._closed

    def close(self) -> None:
        """Admit no new session from now on."""
        self._closed = True

    async def admit(self, room: str, clerk_identity: str) -> SessionEntry | None:
        """The live session of ``room`` when it is not stopping; else ``None`` once a slot is free.

        A stopping session of ``room`` is waited for; past capacity, every stopping session is
        (a clerk who just left still holds a slot while their session winds down).

        Raises:
            CapacityReachedError: ``capacity`` sessions already run.
            ShuttingDownError: :meth:`close` was called.
        """
        if self._closed:
            raise ShuttingDownError(f"the service is shutting down; not starting {room}")
        existing = self._slots.live(room)
        if existing is not None and not existing.stopping:
            return existing
        if existing is not None:
            await self._slots.free(existing)
        if len(self._slots) >= self.capacity:
            await self._slots.free_stopping()
        if len(self._slots) >= self.capacity:
            await self._refuse(room, clerk_identity)
        return None

    async def _refuse(self, room: str, clerk_identity: str) -> None:
        error = CapacityReachedError(
            f"capacity reached: {len(self._slots)} of {self.capacity} sessions are running, "
            f"so the assistant did not join {room} for {clerk_identity}; stop a session or "
            "raise service.capacity"
        )
        self._history.refused(room, clerk_identity, code=error.code, message=error.message)
        logger.warning("[{}] session refused: {}", room, error.message)
        event = SessionRefused(
            session_id=room, clerk_identity=clerk_identity, code=error.code, message=error.message
        )
        await self._events.deliver(event)
        raise error
