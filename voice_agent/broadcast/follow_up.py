"""Following each person's deliveries: the notice, its replay or an escalation, when due.

Per person, the pure rules (:func:`knowledge_base.notice_queue.next_step`) say what to do
now: offer the notice (or a replay, once its acknowledgement deadline passed) to their
connected session (a :class:`NoticeChannel`, which speaks it at the next quiet moment),
escalate to the store manager (through the :class:`Escalator`), or wait. The session reports
playback and acknowledgement events back; each is applied with
:func:`knowledge_base.delivery.apply` and stored before anything else happens, so a new
process over the same database resumes every delivery where it was.

Its state beyond the database is only which utterance is offered to which connected session.
The caller (:class:`voice_agent.broadcast.Broadcaster`) serialises every call.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from datetime import timedelta

from loguru import logger

from knowledge_base.delivery import (
    Action,
    Delivery,
    DeliveryPolicy,
    DeliveryState,
    Event,
    PlaybackFinished,
    PlaybackInterrupted,
    Situation,
    apply,
)
from knowledge_base.escalation_reach import acts_for
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.notice_queue import awaiting_acknowledgement, next_step
from knowledge_base.rosters import Roster, StaffMember
from voice_agent.broadcast.announcements import Announcements
from voice_agent.broadcast.channel import NoticeChannel, Utterance, UtteranceKind
from voice_agent.broadcast.cut_off import recover_left_speaking, recover_lost_node
from voice_agent.broadcast.escalator import Escalator
from voice_agent.broadcast.manager_escalations import ManagersHearEscalations
from voice_agent.broadcast.notice_utterances import NoticeUtterances
from voice_agent.storage import SqlNoticeRepository
from voice_agent.storage.broadcast_escalations import SqlPresence
from voice_agent.storage.timestamps import Clock


class FollowUp:
    """The connected sessions and, per person, what is due for them now."""

    def __init__(
        self,
        *,
        notices: SqlNoticeRepository,
        announcements: Announcements,
        knowledge: Callable[[], KnowledgeBase],
        policy: DeliveryPolicy,
        language: str,
        escalator: Escalator,
        managers: ManagersHearEscalations,
        presence: SqlPresence | None,
        presence_fresh: timedelta,
        clock: Clock,
        serial: itertools.count[int],
    ) -> None:
        """Follow the deliveries in ``notices`` (the arguments as the broadcaster's).

        ``presence`` (on a cluster, ``shared``): where this node records its sessions and
        learns whether someone has one on any node (rows renewed within
        ``presence_fresh``).
        """
        self._notices = notices
        self._announcements = announcements
        self._policy = policy
        self._escalator = escalator
        self._managers = managers
        self._presence = presence
        self._presence_fresh = presence_fresh
        self._clock = clock
        self._utterances = NoticeUtterances(
            announcements=announcements,
            knowledge=knowledge,
            policy=policy,
            language=language,
            serial=serial,
        )
        self._channels: dict[str, NoticeChannel] = {}
        self._offered: dict[str, Utterance] = {}
        self._last_offers: dict[tuple[str, str], str] = {}
        """(identity, notice id) -> the utterance last offered for it (played ones included:
        the session may still await its acknowledgement)."""

    # --- sessions -----------------------------------------------------------------------------

    def connected(self) -> list[str]:
        """Identities with a live session."""
        return sorted(self._channels)

    def channel(self, identity: str) -> NoticeChannel | None:
        """The live session of ``identity``, if any."""
        return self._channels.get(identity)

    def language(self, channel: NoticeChannel) -> str:
        """The language to speak to ``channel`` in."""
        return self._utterances.language(channel)

    async def connect(self, channel: NoticeChannel, roster: Roster) -> None:
        """See :meth:`voice_agent.broadcast.Broadcaster.connect`."""
        self._channels[channel.identity] = channel
        self._offered.pop(channel.identity, None)
        if self._presence is not None:
            await asyncio.to_thread(self._presence.connect, channel.identity)
        await self.recover_cut_off(channel.identity)
        await self.evaluate(channel.identity, roster)
        await self._await_acknowledgement(channel, roster)
        # A store manager hears the recent escalations made before they connected.
        await self._managers.offer_due({channel.identity: channel}, roster)

    async def disconnect(self, identity: str, *, channel: NoticeChannel | None = None) -> None:
        """See :meth:`voice_agent.broadcast.Broadcaster.disconnect`."""
        if channel is not None and self._channels.get(identity) is not channel:
            return
        self._channels.pop(identity, None)
        self._offered.pop(identity, None)
        if self._presence is not None:
            await asyncio.to_thread(self._presence.disconnect, identity)
        for key in [key for key in self._last_offers if key[0] == identity]:
            del self._last_offers[key]
        now = self._clock()
        open_ones = await asyncio.to_thread(
            self._notices.deliveries, clerk=identity, open_only=True
        )
        for delivery in open_ones:
            if delivery.state is DeliveryState.SPEAKING:
                await self._store(apply(delivery, PlaybackInterrupted(now)))

    async def report(
        self, identity: str, notice: str, event: Event, roster: Roster
    ) -> Delivery | None:
        """See :meth:`voice_agent.broadcast.Broadcaster.report`."""
        found = await asyncio.to_thread(self._notices.deliveries, notice_id=notice, clerk=identity)
        if not found:
            logger.debug("broadcast: {} reported {} for {}", identity, event, notice)
            return None
        record = found[0]
        updated = apply(record, event)
        if updated != record:
            await self._store(updated)
        offered = self._offered.get(identity)
        if (
            offered is not None
            and offered.notice_id == notice
            and isinstance(event, PlaybackFinished | PlaybackInterrupted)
        ):
            # That utterance is over; anything else (an acknowledgement before a queued
            # replay was spoken) is settled by the decision below, withdrawing it.
            del self._offered[identity]
        await self.evaluate(identity, roster)
        return updated

    # --- what is due --------------------------------------------------------------------------

    async def evaluate_open(self, roster: Roster) -> None:
        """Act for everyone with an open delivery (deadlines passed, shifts started).

        On a cluster that includes people with a session on no node (they left, or their
        node died): a notice their dead node left ``speaking`` is cut off
        (:func:`~knowledge_base.escalation_reach.cut_off_by_a_lost_node`), and whichever
        node looks first escalates them when due. Then the connected store
        managers are offered the escalations they have not heard (another node's too).
        """
        present: set[str] = set()
        if self._presence is not None:
            await asyncio.to_thread(self._presence.renew, self.connected())
        open_ones = await asyncio.to_thread(self._notices.deliveries, open_only=True)
        if self._presence is not None:
            # Read after the deliveries: a session that started speaking one of them had
            # its row written before, so a live node's notice is never taken for orphaned.
            present = await asyncio.to_thread(
                self._presence.present, fresh_within=self._presence_fresh
            )
        for identity in sorted({d.clerk for d in open_ones}):
            # Someone connected elsewhere is skipped without a query; someone connected
            # nowhere is judged on this read (an escalation is claimed conditionally).
            elsewhere = identity not in self._channels
            records = [d for d in open_ones if d.clerk == identity] if elsewhere else None
            if records is not None:
                records = await recover_lost_node(
                    self._notices,
                    records,
                    now=self._clock(),
                    shared=self._presence is not None,
                    connected_here=False,
                    connected_anywhere=identity in present,
                )
                if records is None:
                    continue  # changed by another node meanwhile: looked at next tick
            await self.evaluate(
                identity, roster, connected_anywhere=identity in present, records=records
            )
        await self._managers.offer_due(self._channels, roster)

    async def evaluate(
        self,
        identity: str,
        roster: Roster,
        *,
        connected_anywhere: bool = True,
        records: list[Delivery] | None = None,
    ) -> None:
        """Do what is due for ``identity`` now: offer, replay, escalate, withdraw or wait.

        ``connected_anywhere``: whether ``identity`` has a session on any node (on a
        cluster, a node acts for someone connected elsewhere never; for someone connected
        nowhere it may escalate). ``records``: their open deliveries, read just now
        (default: read them).
        """
        if not acts_for(
            shared=self._presence is not None,
            connected_here=identity in self._channels,
            connected_anywhere=connected_anywhere or identity in self._channels,
        ):
            return  # the node the person is connected to acts for them
        if records is None:
            records = await asyncio.to_thread(
                self._notices.deliveries, clerk=identity, open_only=True
            )
        member = roster.member(identity)
        step = next_step(records, self._situation(member, identity), self._policy)
        offered = self._offered.get(identity)
        if offered is not None:
            still = next((d for d in records if d.notice_id == offered.notice_id), None)
            due = step is not None and step.delivery.notice_id == offered.notice_id
            if still is not None and (still.state is DeliveryState.SPEAKING or due):
                return
            del self._offered[identity]
            channel = self._channels.get(identity)
            if channel is not None:
                await channel.withdraw(offered.id)
        if step is None or member is None:
            return
        action = step.decision.action
        if action in (Action.SPEAK, Action.REPLAY):
            await self._offer(member, step.delivery, action)
        elif action is Action.ESCALATE:
            escalated = await self._escalator.escalate(
                member,
                step.delivery,
                announced=await self._announcements.of(step.delivery.notice_id),
                roster=roster,
            )
            if escalated:  # the managers connected here hear it at once, others at a tick
                await self._managers.offer_due(self._channels, roster)

    async def withdraw_superseded(self, delivery: Delivery) -> None:
        """Stop a session saying (or awaiting "got it" for) a notice a newer one replaced."""
        last = self._last_offers.pop((delivery.clerk, delivery.notice_id), None)
        offered = self._offered.get(delivery.clerk)
        channel = self._channels.get(delivery.clerk)
        if last is None or channel is None or (offered is not None and offered.id == last):
            return  # never offered here, gone, or withdrawn with the current offer
        await channel.withdraw(last)

    async def recover_cut_off(self, identity: str | None = None) -> None:
        """Deliveries left ``speaking`` (of ``identity``, or everyone) were cut off."""
        await recover_left_speaking(self._notices, now=self._clock(), identity=identity)

    async def _store(self, delivery: Delivery) -> None:
        await asyncio.to_thread(self._notices.save, delivery)

    def _situation(self, member: StaffMember | None, identity: str) -> Situation:
        now = self._clock()
        connected = identity in self._channels
        if member is None:
            # Not on the roster (any more): nobody to speak to or escalate about.
            return Situation(now=now, on_shift=False, connected=connected, quiet=True)
        on_shift = member.calendar.on_shift(now)
        return Situation(
            now=now,
            on_shift=on_shift,
            connected=connected,
            # The session speaks an offered notice at its own next quiet moment.
            quiet=True,
            next_shift_start=None if on_shift else member.calendar.next_start(now),
        )

    async def _offer(self, member: StaffMember, delivery: Delivery, action: Action) -> None:
        channel = self._channels.get(member.identity)
        if channel is None:
            return
        kind = UtteranceKind.NOTICE if action is Action.SPEAK else UtteranceKind.REPLAY
        utterance = await self._utterances.utterance(channel, member, delivery, kind)
        self._offered[member.identity] = utterance
        self._last_offers[(member.identity, delivery.notice_id)] = utterance.id
        logger.info("broadcast: offering {} to {} ({})", delivery.notice_id, member.identity, kind)
        await channel.offer(utterance)

    async def _await_acknowledgement(self, channel: NoticeChannel, roster: Roster) -> None:
        """Have a new session await "got it" for a notice played to the person before."""
        member = roster.member(channel.identity)
        if member is None or channel.identity in self._offered:
            return
        records = await asyncio.to_thread(
            self._notices.deliveries, clerk=channel.identity, open_only=True
        )
        found = awaiting_acknowledgement(records, now=self._clock(), policy=self._policy)
        if found is None:
            return
        delivery, left = found
        kind = UtteranceKind.REPLAY if delivery.plays > 1 else UtteranceKind.NOTICE
        utterance = await self._utterances.utterance(channel, member, delivery, kind, within=left)
        self._last_offers[(channel.identity, delivery.notice_id)] = utterance.id
        logger.info(
            "broadcast: {} awaits {}'s acknowledgement", delivery.notice_id, member.identity
        )
        await channel.await_acknowledgement(utterance)
