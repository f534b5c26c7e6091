"""A clerk's live voice session as a :class:`~voice_agent.broadcast.channel.NoticeChannel`.

:class:`SessionChannel` turns the broadcaster's utterances into floor utterances
(:class:`pipelines.floor_models.Utterance`) offered to the session's
:class:`~pipelines.floor_processor.FloorProcessor`, and the floor's events back into
:mod:`knowledge_base.delivery` events given to :meth:`Broadcaster.report`:

| floor event | delivery event |
|---|---|
| ``utterance_started`` | ``PlaybackStarted`` |
| ``utterance_played`` | ``PlaybackFinished`` |
| ``utterance_interrupted`` | ``PlaybackInterrupted`` |
| ``reply_received`` ``acknowledged`` | ``Acknowledged`` |
| ``reply_received`` ``repeat`` | ``RepeatRequested`` |

Every offer of one notice (first time, replay, offered again after a cut) goes to the floor
under one id, the notice id, so the floor holds at most one of them: an offer replaces the
queued one, and a cut-off notice the floor resumes by itself is the same utterance the
broadcaster offers again. Escalations (to a store manager) and feedback alerts (to a manager)
keep their own id and report nothing: they are no delivery of the manager's.

The listener awaits :meth:`Broadcaster.report`, which stores the event before it returns,
so the floor goes on only once the delivery is committed.

With a :class:`~voice_agent.broadcast.quizmaster.Quizmaster`, the channel is also the
clerk's quiz channel: once an acknowledgement is stored the quizmaster starts the quiz; quiz
questions and feedback are offered through :meth:`SessionChannel.offer_quiz`, the floor's
events about them go to the quizmaster, and so do the answers (:meth:`on_quiz_answer`).

:class:`SessionNotices` is what a :class:`~voice_agent.agent.connection.RoomConnection`
is given: it makes the channel and connects it to the broadcaster while the clerk is in the
room.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from loguru import logger

from knowledge_base.delivery import (
    Acknowledged,
    DeliveryState,
    Event,
    PlaybackFinished,
    PlaybackInterrupted,
    PlaybackStarted,
    RepeatRequested,
)
from pipelines.events import (
    FloorEvent,
    ReplyReceived,
    UtteranceInterrupted,
    UtterancePlayed,
    UtteranceStarted,
)
from pipelines.floor_models import ExpectedReply, HeardReply
from pipelines.floor_models import Utterance as FloorUtterance
from pipelines.floor_models import UtteranceKind as FloorKind
from pipelines.floor_processor import FloorProcessor
from voice_agent.broadcast.broadcaster import Broadcaster
from voice_agent.broadcast.channel import Utterance, UtteranceKind
from voice_agent.broadcast.floor_text import floor_sentences
from voice_agent.storage.timestamps import Clock, utc_now

if TYPE_CHECKING:
    from voice_agent.broadcast.quizmaster import Quizmaster

_FLOOR_KINDS = {
    UtteranceKind.NOTICE: FloorKind.NOTICE,
    UtteranceKind.REPLAY: FloorKind.REPLAY,
    UtteranceKind.ESCALATION: FloorKind.ESCALATION,
    UtteranceKind.ALERT: FloorKind.ALERT,
}
_NOTICE_PRIORITY = 10
"""Notices go before quiz questions and other offers waiting for the same quiet moment."""


def floor_utterance(utterance: Utterance) -> FloorUtterance:
    """The floor utterance for a broadcast one (see the module docstring for its id)."""
    acknowledge = utterance.wants_acknowledgement
    return FloorUtterance(
        id=utterance.notice_id if acknowledge else utterance.id,
        kind=_FLOOR_KINDS[utterance.kind],
        sentences=floor_sentences(utterance.text, quick_start=True),
        expects=ExpectedReply.ACKNOWLEDGEMENT if acknowledge else ExpectedReply.NONE,
        priority=_NOTICE_PRIORITY,
        reply_within_secs=utterance.acknowledge_within_secs,
    )


def delivery_event(event: FloorEvent, at: datetime) -> Event | None:
    """The delivery event a floor event stands for (``None``: nothing to record)."""
    if isinstance(event, UtteranceStarted):
        return PlaybackStarted(at)
    if isinstance(event, UtterancePlayed):
        return PlaybackFinished(at)
    if isinstance(event, UtteranceInterrupted):
        return PlaybackInterrupted(at)
    if isinstance(event, ReplyReceived):
        if event.reply == HeardReply.ACKNOWLEDGED:
            return Acknowledged(at)
        if event.reply == HeardReply.REPEAT:
            return RepeatRequested(at)
    return None


class SessionChannel:
    """One person's voice session, as the broadcaster's :class:`NoticeChannel`.

    Args:
        identity: The participant (as on the roster).
        language: The language the person speaks with the assistant.
        broadcaster: Receives the delivery events.
        quizmaster: Quizzes the clerk once they acknowledged (``None``: no quizzes).
        clock: Wall time (aware) stamped on the events.
    """

    def __init__(
        self,
        *,
        identity: str,
        language: str | None,
        broadcaster: Broadcaster,
        quizmaster: Quizmaster | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self._identity = identity
        self._language = language
        self._broadcaster = broadcaster
        self._quizmaster = quizmaster
        self._clock = clock
        self._quiz_ids: set[str] = set()
        """Floor ids of the quiz utterances offered through this session."""
        self._floor: FloorProcessor | None = None
        self._current: dict[str, str] = {}
        """Notice id -> id of the broadcast utterance last offered for it."""
        self._repeating: set[str] = set()
        """Notices whose repeat the floor queued by itself (the clerk asked for it)."""

    @property
    def identity(self) -> str:
        """The participant's identity."""
        return self._identity

    @property
    def language(self) -> str | None:
        """The session's language (``None``: the broadcaster's default)."""
        return self._language

    @property
    def quizzes(self) -> bool:
        """Whether the clerk is quizzed through this channel (a quizmaster is attached)."""
        return self._quizmaster is not None

    def attach(self, floor: FloorProcessor) -> None:
        """Speak through ``floor`` (the session's voice loop was built)."""
        self._floor = floor

    async def offer(self, utterance: Utterance) -> None:
        """Offer it to the floor (said at the session's next quiet moment)."""
        floor = self._require_floor()
        spoken = floor_utterance(utterance)
        if utterance.wants_acknowledgement:
            self._current[utterance.notice_id] = utterance.id
            if utterance.kind is UtteranceKind.REPLAY and utterance.notice_id in self._repeating:
                # The clerk asked to hear it again: the floor has queued that repeat already.
                self._repeating.discard(utterance.notice_id)
                return
        await floor.offer(spoken)

    async def await_acknowledgement(self, utterance: Utterance) -> None:
        """The floor awaits "got it" for it without saying it (played by an earlier session)."""
        floor = self._require_floor()
        self._current[utterance.notice_id] = utterance.id
        await floor.await_reply(floor_utterance(utterance))

    async def withdraw(self, utterance_id: str) -> None:
        """Withdraw it from the floor (an older offer of a notice offered since is ignored)."""
        floor = self._require_floor()
        notice = next((n for n, u in self._current.items() if u == utterance_id), None)
        if notice is not None:
            del self._current[notice]
            self._repeating.discard(notice)
            await floor.withdraw(notice)
        else:
            await floor.withdraw(utterance_id)  # an escalation (unknown ids are ignored)

    async def offer_quiz(self, utterance: FloorUtterance) -> None:
        """Offer a quiz question or feedback to the floor (the quizmaster's channel)."""
        self._quiz_ids.add(utterance.id)
        await self._require_floor().offer(utterance)

    async def withdraw_quiz(self, utterance_id: str) -> None:
        """Withdraw a quiz utterance from the floor."""
        self._quiz_ids.discard(utterance_id)
        await self._require_floor().withdraw(utterance_id)

    async def on_quiz_answer(self, utterance: FloorUtterance, text: str) -> None:
        """The floor's ``on_quiz_answer``: the quizmaster scores and stores it."""
        if self._quizmaster is not None:
            await self._quizmaster.answer(self._identity, utterance.id, text)

    async def on_floor_event(self, event: FloorEvent) -> None:
        """The floor's listener: record what happened to a notice, durably, then go on."""
        notice = event.utterance_id
        if notice in self._quiz_ids:
            if self._quizmaster is not None:
                await self._quizmaster.floor_event(self._identity, event)
            return
        if notice not in self._current:
            return  # an escalation, a feedback confirmation
        happened = delivery_event(event, self._clock())
        if happened is None:
            return
        if isinstance(happened, RepeatRequested):
            self._repeating.add(notice)
        elif isinstance(happened, PlaybackStarted):
            self._repeating.discard(notice)
        try:
            stored = await self._broadcaster.report(self._identity, notice, happened)
        except Exception:  # noqa: BLE001 - a storage failure must not end the clerk's session
            logger.exception("broadcast: could not record {} for {}", event.type, self._identity)
            return
        acknowledged = stored is not None and stored.state is DeliveryState.ACKNOWLEDGED
        if isinstance(happened, Acknowledged) and acknowledged and self._quizmaster is not None:
            try:
                await self._quizmaster.acknowledged(self._identity, notice)
            except Exception:  # noqa: BLE001 - the quiz starts at the next connect instead
                logger.exception("quiz: could not start {}'s quiz on {}", self._identity, notice)

    def _require_floor(self) -> FloorProcessor:
        if self._floor is None:
            raise RuntimeError(f"the session of {self._identity} has no floor yet")
        return self._floor


class SessionNotices:
    """Connects live sessions to the broadcaster (given to each room connection).

    Args:
        broadcaster: The process's broadcaster; ``None`` until it is known (sessions that
            start before it connect nothing).
        quizmaster: The process's quizmaster (``None``: sessions are quizzed on nothing).
        clock: Wall time (aware) stamped on delivery events.
    """

    def __init__(
        self,
        *,
        broadcaster: Broadcaster | None = None,
        quizmaster: Quizmaster | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.broadcaster = broadcaster
        self.quizmaster = quizmaster
        self._clock = clock

    def channel(self, *, identity: str, language: str | None) -> SessionChannel | None:
        """A channel for a new session (``None`` without a broadcaster)."""
        if self.broadcaster is None:
            return None
        return SessionChannel(
            identity=identity,
            language=language,
            broadcaster=self.broadcaster,
            quizmaster=self.quizmaster,
            clock=self._clock,
        )

    async def connect(self, channel: SessionChannel) -> None:
        """The person is in the room with the assistant: what is due is offered now."""
        if self.broadcaster is not None:
            logger.info("broadcast: {} connected", channel.identity)
            await self.broadcaster.connect(channel)
            if self.quizmaster is not None:
                await self.quizmaster.connect(channel)

    async def disconnect(self, channel: SessionChannel) -> None:
        """The person left (or the session ended): nothing more is offered through it."""
        if self.broadcaster is not None:
            logger.info("broadcast: {} disconnected", channel.identity)
            await self.broadcaster.disconnect(channel.identity, channel=channel)
            if self.quizmaster is not None:
                await self.quizmaster.disconnect(channel.identity, channel=channel)
