"""How the floor reports: typed events to the session's sink and to the floor's listener."""

from __future__ import annotations

from loguru import logger

from pipelines.events import (
    EventSink,
    FloorEvent,
    ReplyReceived,
    ReplyTimedOut,
    UtteranceInterrupted,
    UtterancePlayed,
    UtteranceStarted,
    UtteranceWithdrawn,
    emit,
)
from pipelines.floor_models import FloorListener, HeardReply, Utterance


class FloorReporter:
    """Builds the floor's events for one session and delivers them.

    A failing listener is logged and never ends the session.
    """

    def __init__(
        self, *, session_id: str, on_event: EventSink | None, listener: FloorListener | None
    ) -> None:
        self._session_id = session_id
        self._on_event = on_event
        self._listener = listener

    async def started(self, utterance: Utterance, play: int) -> None:
        """It started playing (``play``: 1 the first time)."""
        await self._send(
            UtteranceStarted(
                session_id=self._session_id,
                utterance_id=utterance.id,
                kind=str(utterance.kind),
                play=play,
            )
        )

    async def played(self, utterance: Utterance) -> None:
        """It was played to its end."""
        await self._send(
            UtterancePlayed(
                session_id=self._session_id, utterance_id=utterance.id, kind=str(utterance.kind)
            )
        )

    async def interrupted(self, utterance: Utterance, reason: str) -> None:
        """It was cut off (``barge_in`` or ``no_playback``)."""
        await self._send(
            UtteranceInterrupted(
                session_id=self._session_id,
                utterance_id=utterance.id,
                kind=str(utterance.kind),
                reason=reason,
            )
        )

    async def withdrawn(self, utterance: Utterance, *, was_playing: bool) -> None:
        """It was withdrawn (and stopped, if it was playing)."""
        await self._send(
            UtteranceWithdrawn(
                session_id=self._session_id,
                utterance_id=utterance.id,
                kind=str(utterance.kind),
                was_playing=was_playing,
            )
        )

    async def reply(self, utterance: Utterance, heard: HeardReply, text: str, *, by: str) -> None:
        """The clerk replied (``by``: ``voice`` or ``push_to_talk``)."""
        await self._send(
            ReplyReceived(
                session_id=self._session_id,
                utterance_id=utterance.id,
                kind=str(utterance.kind),
                reply=str(heard),
                text=text,
                by=by,
            )
        )

    async def timed_out(self, utterance: Utterance) -> None:
        """No reply came in time."""
        await self._send(
            ReplyTimedOut(
                session_id=self._session_id, utterance_id=utterance.id, kind=str(utterance.kind)
            )
        )

    async def _send(self, event: FloorEvent) -> None:
        await emit(self._on_event, event)
        if self._listener is None:
            return
        try:
            result = self._listener(event)
            if result is not None:
                await result
        except Exception:  # a listener bug must not end the session
            logger.exception(f"{self._session_id}: floor listener failed on {event.type}")
