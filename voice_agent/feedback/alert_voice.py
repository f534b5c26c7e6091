"""New feedback alerts spoken to the managers they concern, through their live sessions.

A stored alert (:mod:`voice_agent.feedback.alerting`) is said once, at the next quiet
moment, to every connected store manager of a store it involves and every connected
regional manager of a region it involves (``Roster.managers_of`` on the stored roster). It
goes through the broadcaster's session channels (:meth:`Broadcaster.tell`), the same way an
unacknowledged notice is escalated to a store manager; a manager who is not connected then
does not hear it later (the alert stays listed and pushed to the webhook).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from knowledge_base.feedback.anomalies import Alert, spoken_alert
from knowledge_base.rosters import Roster, StaffMember


class AlertSpeaker(Protocol):
    """Says a new alert to the people it concerns."""

    async def speak(self, alert: Alert) -> list[str]:
        """Offer it to their sessions; return the identities it was offered to."""
        ...


class Teller(Protocol):
    """What :class:`~voice_agent.broadcast.Broadcaster` offers for this (``tell``)."""

    async def tell(
        self,
        select: Callable[[Roster], Iterable[StaffMember]],
        *,
        key: str,
        text: Callable[[str], str],
    ) -> list[str]:
        """Say ``text(language)`` once to each connected person ``select`` picks."""
        ...


class ManagersHearAlerts:
    """Speaks alerts to connected store and regional managers through ``broadcaster``."""

    def __init__(self, broadcaster: Teller) -> None:
        """Speak through the sessions connected to ``broadcaster``."""
        self._broadcaster = broadcaster

    async def speak(self, alert: Alert) -> list[str]:
        """Offer ``alert`` to the managers of its stores and regions who are connected."""

        def managers(roster: Roster) -> list[StaffMember]:
            return roster.managers_of(stores=alert.stores, regions=alert.regions)

        return await self._broadcaster.tell(
            managers,
            key=f"feedback-alert:{alert.dedupe_key}",
            text=lambda language: spoken_alert(alert, language),
        )
