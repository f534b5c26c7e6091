"""Escalating an unacknowledged notice: the record (once, of all nodes) and the webhook.

The broadcaster decides *when* (:func:`knowledge_base.notice_queue.next_step` says
``escalate``); :class:`Escalator` does it: it stores ``escalated_at`` on the delivery first,
by a conditional update that only one node of a cluster wins (the others do nothing), and
posts the signed webhook in the background (a failed POST is logged; the record stands).
The store managers hear it through
:class:`~voice_agent.broadcast.manager_escalations.ManagersHearEscalations`, on whichever
node runs their session (only clerks are escalated to a manager).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from loguru import logger

from knowledge_base.answering import Role
from knowledge_base.delivery import Delivery, Escalated, apply
from knowledge_base.notice_scope import Publication as Announcement
from knowledge_base.notices import escalation_notice
from knowledge_base.rosters import Roster, StaffMember
from voice_agent.broadcast.escalation import Escalation
from voice_agent.storage.broadcast_escalations import SqlEscalations


class EscalationSink(Protocol):
    """Where escalations go besides the record and the managers' sessions (the webhook)."""

    async def send(self, escalation: Escalation) -> None:
        """Deliver it (raise on failure; the broadcaster logs and carries on)."""
        ...


class Escalator:
    """Carries out escalations for one broadcaster.

    Args:
        escalations: Where the escalation is claimed and recorded (once, of all nodes).
        language: Language of the webhook's text.
        webhook: Also told of every escalation (optional).
        clock: The current time (aware).
    """

    def __init__(
        self,
        *,
        escalations: SqlEscalations,
        language: str,
        webhook: EscalationSink | None,
        clock: Callable[[], datetime],
    ) -> None:
        self._escalations = escalations
        self._language = language
        self._webhook = webhook
        self._clock = clock
        self._tasks: set[asyncio.Task[None]] = set()

    async def escalate(
        self,
        member: StaffMember,
        delivery: Delivery,
        *,
        announced: Announcement,
        roster: Roster | None,
    ) -> bool:
        """``member`` has not acknowledged ``delivery``: record it, post the webhook.

        Returns:
            True when this node escalated it; False when another node did first (or the
            clerk acknowledged meanwhile): nothing is sent then.
        """
        now = self._clock()
        escalated = apply(delivery, Escalated(now))
        if not await asyncio.to_thread(self._escalations.claim, delivery, now):
            logger.debug(
                "broadcast: {} for {} escalated elsewhere or settled",
                delivery.notice_id,
                member.identity,
            )
            return False
        managers = (
            [m for m in (roster or Roster(())).store_managers(member.store_id)]
            if member.role is Role.CLERK and member.store_id
            else []
        )
        text = escalation_notice(
            announced, clerk_name=member.name, plays=delivery.plays, language=self._language
        )
        escalation = Escalation(
            delivery=escalated,
            clerk_name=member.name,
            store_id=member.store_id,
            managers=tuple(m.identity for m in managers),
            text=text,
            at=now,
        )
        logger.info(
            "broadcast: {} not acknowledged by {}; escalated to {}",
            delivery.notice_id,
            member.identity,
            ", ".join(escalation.managers) or "nobody on the roster",
        )
        if self._webhook is not None:
            task = asyncio.create_task(self._send(escalation))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return True

    async def wait_idle(self) -> None:
        """Wait until every escalation being sent has been sent (or failed)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _send(self, escalation: Escalation) -> None:
        assert self._webhook is not None
        try:
            await self._webhook.send(escalation)
        except Exception as e:  # noqa: BLE001 - the record and the spoken notice stand
            logger.warning(
                "broadcast: escalation webhook failed for {} ({}): {}",
                escalation.delivery.notice_id,
                escalation.delivery.clerk,
                e,
            )
