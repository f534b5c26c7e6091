"""Delivering one notice to one clerk: a pure state machine over timed events.

States: ``pending`` (not yet spoken, or cut off before the end) -> ``speaking`` (playback
started: *delivered*) -> ``played`` (played to the end) -> ``acknowledged``; or
``superseded`` when a newer version of the promotion is published before the clerk
acknowledged this one (nobody is told an outdated rule).

:func:`apply` folds an event (:class:`PlaybackStarted`, :class:`PlaybackFinished`,
:class:`PlaybackInterrupted`, :class:`Acknowledged`, :class:`RepeatRequested`,
:class:`Escalated`, :class:`Superseded`) into the record; events that do not fit the state
(a late "finished" after an acknowledgement) leave it unchanged. :func:`decide` says what to
do *now* given the session's facts (:class:`Situation`): speak, replay, escalate, drop it,
or wait (until a time, or the next event). The adapter persists the record after every
event, so a restart resumes exactly; a record left ``speaking`` by a restart goes through
:func:`recover` (it was cut off, so it is spoken again from the start).

The rules: a clerk off shift is never spoken to nor escalated about (the notice waits for
their next shift start); a notice is spoken only at a quiet moment
(:func:`knowledge_base.quiet_moments.is_quiet`);
unacknowledged ``acknowledge_within`` after it was played, it is replayed once at the next
quiet moment, and unacknowledged ``acknowledge_within`` after that, escalated to the store
manager (also when the clerk, on shift, has disconnected by then).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum


class DeliveryState(StrEnum):
    """Where one notice stands with one clerk."""

    PENDING = "pending"
    SPEAKING = "speaking"
    PLAYED = "played"
    ACKNOWLEDGED = "acknowledged"
    SUPERSEDED = "superseded"


class Action(StrEnum):
    """What :func:`decide` asks the adapter to do."""

    SPEAK = "speak"
    REPLAY = "replay"
    ESCALATE = "escalate"
    DROP_SUPERSEDED = "drop_superseded"
    """Remove it from the clerk's queue (and stop it if it is playing)."""
    WAIT = "wait"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    """Timing rules (from settings)."""

    acknowledge_within: timedelta = timedelta(minutes=2)
    """How long after a complete playing an acknowledgement may take before the next step."""
    replays: int = 1
    """Automatic replays before escalating."""
    max_plays: int = 3
    """Complete plays at most, repeats the clerk asked for included."""


@dataclass(frozen=True, slots=True)
class Delivery:
    """The record of one notice for one clerk (what the adapter stores)."""

    notice_id: str
    """``<promotion id>@<version>``."""
    clerk: str
    """The clerk's identity."""
    created_at: datetime
    state: DeliveryState = DeliveryState.PENDING
    delivered_at: datetime | None = None
    """When speaking first started."""
    played_at: datetime | None = None
    """When it was first played to the end."""
    last_played_at: datetime | None = None
    """When it was last played to the end (the acknowledgement clock starts here)."""
    acknowledged_at: datetime | None = None
    escalated_at: datetime | None = None
    superseded_at: datetime | None = None
    plays: int = 0
    """Complete plays."""
    interruptions: int = 0
    repeat_requested: bool = False

    def to_dict(self) -> dict[str, object]:
        """Plain values for JSON and storage (times as ISO 8601)."""
        return {
            key: value.isoformat() if isinstance(value, datetime) else value
            for key, value in ((name, getattr(self, name)) for name in self.__dataclass_fields__)
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Delivery:
        """The record from :meth:`to_dict`'s values (times as ISO 8601 text)."""
        values = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        for name in _TIMES:
            if isinstance(values.get(name), str):
                values[name] = datetime.fromisoformat(str(values[name]))
        values["state"] = DeliveryState(str(values.get("state", DeliveryState.PENDING)))
        return cls(**values)  # type: ignore[arg-type]


_TIMES = (
    "created_at",
    "delivered_at",
    "played_at",
    "last_played_at",
    "acknowledged_at",
    "escalated_at",
    "superseded_at",
)


@dataclass(frozen=True, slots=True)
class PlaybackStarted:
    """Speaking the notice started."""

    at: datetime


@dataclass(frozen=True, slots=True)
class PlaybackFinished:
    """The notice was played to its end."""

    at: datetime


@dataclass(frozen=True, slots=True)
class PlaybackInterrupted:
    """The notice was cut off (the clerk spoke, the connection dropped, a restart)."""

    at: datetime


@dataclass(frozen=True, slots=True)
class Acknowledged:
    """The clerk said "got it" (or pressed acknowledge)."""

    at: datetime


@dataclass(frozen=True, slots=True)
class RepeatRequested:
    """The clerk asked to hear it again ("say that again", "没听清")."""

    at: datetime


@dataclass(frozen=True, slots=True)
class Escalated:
    """The store manager was told."""

    at: datetime


@dataclass(frozen=True, slots=True)
class Superseded:
    """A newer version of the same promotion was published."""

    at: datetime


Event = (
    PlaybackStarted
    | PlaybackFinished
    | PlaybackInterrupted
    | Acknowledged
    | RepeatRequested
    | Escalated
    | Superseded
)
_OPEN = (DeliveryState.PENDING, DeliveryState.SPEAKING, DeliveryState.PLAYED)


def apply(delivery: Delivery, event: Event) -> Delivery:
    """The record after ``event`` (unchanged when the event does not fit its state)."""
    state = delivery.state
    if isinstance(event, PlaybackStarted) and state in (
        DeliveryState.PENDING,
        DeliveryState.PLAYED,
    ):
        return replace(
            delivery,
            state=DeliveryState.SPEAKING,
            delivered_at=delivery.delivered_at or event.at,
            repeat_requested=False,
        )
    if isinstance(event, PlaybackFinished) and state is DeliveryState.SPEAKING:
        return replace(
            delivery,
            state=DeliveryState.PLAYED,
            played_at=delivery.played_at or event.at,
            last_played_at=event.at,
            plays=delivery.plays + 1,
        )
    if isinstance(event, PlaybackInterrupted) and state is DeliveryState.SPEAKING:
        # Never heard to the end: back to pending; a cut-off replay is retried as a replay.
        back = DeliveryState.PLAYED if delivery.plays else DeliveryState.PENDING
        return replace(delivery, state=back, interruptions=delivery.interruptions + 1)
    if isinstance(event, Acknowledged) and (
        state in (DeliveryState.SPEAKING, DeliveryState.PLAYED)
        # "Got it" said over the notice cuts it off (interrupted, back to pending) and is
        # then heard as the acknowledgement: it still counts; played_at stays unset.
        or (state is DeliveryState.PENDING and delivery.delivered_at is not None)
    ):
        return replace(delivery, state=DeliveryState.ACKNOWLEDGED, acknowledged_at=event.at)
    if isinstance(event, RepeatRequested) and state is DeliveryState.PLAYED:
        return replace(delivery, repeat_requested=True)
    if isinstance(event, Escalated) and state is DeliveryState.PLAYED:
        return replace(delivery, escalated_at=delivery.escalated_at or event.at)
    if isinstance(event, Superseded) and state in _OPEN:
        return replace(delivery, state=DeliveryState.SUPERSEDED, superseded_at=event.at)
    return delivery


def recover(delivery: Delivery, at: datetime) -> Delivery:
    """After a restart: a notice left ``speaking`` was cut off, so it counts as interrupted."""
    return apply(delivery, PlaybackInterrupted(at))


@dataclass(frozen=True, slots=True)
class Situation:
    """The facts about the clerk at the moment of deciding."""

    now: datetime
    on_shift: bool
    connected: bool
    quiet: bool
    """A quiet moment in the clerk's session (:func:`knowledge_base.quiet_moments.is_quiet`)."""
    next_shift_start: datetime | None = None
    """When off shift: when the next shift starts (``None``: none planned)."""


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do now, and why."""

    action: Action
    reason: str
    until: datetime | None = None
    """For ``wait``: decide again at this time (``None``: at the next event)."""

    def to_dict(self) -> dict[str, object]:
        """Plain values for JSON."""
        until = self.until.isoformat() if self.until else None
        return {"action": self.action.value, "reason": self.reason, "until": until}


def decide(delivery: Delivery, situation: Situation, policy: DeliveryPolicy) -> Decision:
    """What to do about ``delivery`` now (pure: the adapter acts and reports events)."""
    state = delivery.state
    if state is DeliveryState.SUPERSEDED:
        return Decision(Action.DROP_SUPERSEDED, "a newer version replaced it")
    if state is DeliveryState.ACKNOWLEDGED:
        return Decision(Action.DONE, "acknowledged")
    if not situation.on_shift:
        return Decision(Action.WAIT, "off shift", situation.next_shift_start)
    if state is DeliveryState.SPEAKING:
        return Decision(Action.WAIT, "speaking")
    if state is DeliveryState.PENDING:
        return _speak_when_possible(situation, Action.SPEAK)
    if delivery.escalated_at is not None:
        return Decision(Action.WAIT, "escalated; waiting for the acknowledgement")
    if delivery.repeat_requested and delivery.plays < policy.max_plays:
        return _speak_when_possible(situation, Action.REPLAY)
    assert delivery.last_played_at is not None
    deadline = delivery.last_played_at + policy.acknowledge_within
    if situation.now < deadline:
        return Decision(Action.WAIT, "waiting for the acknowledgement", deadline)
    if delivery.plays <= policy.replays and delivery.plays < policy.max_plays:
        if situation.connected:
            return _speak_when_possible(situation, Action.REPLAY)
        return Decision(Action.ESCALATE, "not acknowledged, and the clerk is not connected")
    return Decision(Action.ESCALATE, f"not acknowledged after {delivery.plays} plays")


def _speak_when_possible(situation: Situation, action: Action) -> Decision:
    if not situation.connected:
        return Decision(Action.WAIT, "not connected")
    if not situation.quiet:
        return Decision(Action.WAIT, "waiting for a pause")
    return Decision(action, "a quiet moment")
