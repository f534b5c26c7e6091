"""What the broadcaster (and the quizmaster) need from a person's live session: say, unsay.

A clerk's (or manager's) LiveKit session implements :class:`NoticeChannel`; its pipeline
decides the moment (the next quiet moment in the clerk's own speech, never over a customer
conversation) and reports what happened back to
:meth:`voice_agent.broadcast.Broadcaster.report` as :mod:`knowledge_base.delivery` events
(``PlaybackStarted``, ``PlaybackFinished``, ``PlaybackInterrupted``, ``Acknowledged``,
``RepeatRequested``) with the utterance's ``notice_id``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from pipelines.floor_models import Utterance as FloorUtterance


class UtteranceKind(StrEnum):
    """Why something is to be said."""

    NOTICE = "notice"
    """An urgent notice, the first time."""
    REPLAY = "replay"
    """The same notice again (not acknowledged in time, or the clerk asked)."""
    ESCALATION = "escalation"
    """To a store manager: a clerk has not acknowledged (no acknowledgement is asked)."""
    ALERT = "alert"
    """To a manager: a feedback alert (no acknowledgement is asked, nothing is stored)."""


@dataclass(frozen=True, slots=True)
class Utterance:
    """Something the broadcaster asks a session to say at its next quiet moment."""

    id: str
    """Unique per offer: ``<notice id>/<identity>/<kind>/<n>``."""
    notice_id: str
    kind: UtteranceKind
    text: str
    language: str
    acknowledge_within_secs: float = 120.0
    """How long after it is played "got it" is awaited (the ``[broadcast]`` policy: the
    replay or the escalation comes then); meanwhile a bare "got it" is the acknowledgement,
    not the clerk's "stop, thanks"."""

    @property
    def wants_acknowledgement(self) -> bool:
        """Notices and replays ask for "got it"; escalations and alerts do not."""
        return self.kind in (UtteranceKind.NOTICE, UtteranceKind.REPLAY)


class NoticeChannel(Protocol):
    """A connected person's session, as the broadcaster sees it."""

    @property
    def identity(self) -> str:
        """The participant's identity (as on the roster)."""
        ...

    @property
    def language(self) -> str | None:
        """The language the person speaks with the assistant (``None``: the default)."""
        ...

    async def offer(self, utterance: Utterance) -> None:
        """Say ``utterance`` at the next quiet moment (return at once; report events later)."""
        ...

    async def withdraw(self, utterance_id: str) -> None:
        """Do not say it; stop it if it is being said (unknown ids are ignored)."""
        ...

    async def await_acknowledgement(self, utterance: Utterance) -> None:
        """Take "got it" as its acknowledgement for ``acknowledge_within_secs``, unsaid.

        It was played to the person by an earlier session (before a rejoin or a restart);
        its replay, if due, is offered later as usual.
        """
        ...


class QuizChannel(Protocol):
    """A connected clerk's session, as the quizmaster sees it (floor utterances as they are)."""

    @property
    def identity(self) -> str:
        """The participant's identity (as on the roster)."""
        ...

    @property
    def language(self) -> str | None:
        """The language the clerk speaks with the assistant (``None``: the default)."""
        ...

    async def offer_quiz(self, utterance: FloorUtterance) -> None:
        """Say it at the fitting moment (a question waits for a quiet one)."""
        ...

    async def withdraw_quiz(self, utterance_id: str) -> None:
        """Do not say it (any more); stop awaiting its answer."""
        ...
