"""When the quizmaster looks at a clerk again: a retry due, a question left unanswered, a shift.

Kept in memory only: after a restart every connected clerk is looked at when they connect.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime


class QuizWakeups:
    """Per clerk, the earliest moment to look again, and questions not to ask before a time."""

    def __init__(self) -> None:
        self._wake: dict[str, datetime] = {}
        """Identity -> when to look again (a retry due, an unanswered question, a shift)."""
        self._not_before: dict[tuple[str, str], datetime] = {}
        """(identity, question id) -> an unanswered question is not asked again before."""

    def wake_at(self, identity: str, moment: datetime) -> None:
        """Look at ``identity`` again at ``moment`` (or earlier, if already due earlier)."""
        known = self._wake.get(identity)
        self._wake[identity] = moment if known is None else min(known, moment)

    def ask_later(self, identity: str, question_id: str, moment: datetime) -> None:
        """An unanswered question: not asked again before ``moment``, looked at then."""
        self._not_before[(identity, question_id)] = moment
        self.wake_at(identity, moment)

    def not_before(self, identity: str, question_id: str, now: datetime) -> datetime:
        """The earliest the question may be asked again (``now`` when it may be asked now)."""
        return self._not_before.get((identity, question_id), now)

    def take_due(self, identities: Iterable[str], now: datetime) -> list[str]:
        """Those of ``identities`` due by ``now``, in order; their wake-up is used up."""
        due: list[str] = []
        for identity in sorted(identities):
            wake = self._wake.get(identity)
            if wake is not None and wake <= now:
                del self._wake[identity]
                due.append(identity)
        return due
