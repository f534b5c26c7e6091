"""The broadcaster: urgent publications become notices, spoken to each clerk and acknowledged.

For an urgent publication it stores the notice and one delivery per person in scope
(:func:`knowledge_base.notice_scope.recipients` on the stored roster), and supersedes the open
notices of older versions of the promotion, in one transaction, *before* anything is spoken.
Then, per person, the pure rules (:func:`knowledge_base.notice_queue.next_step`) say what to
do now: offer the notice (or a replay) to their connected session (a :class:`NoticeChannel`,
which speaks it at the next quiet moment), escalate to the store manager, or wait. The
session reports playback and acknowledgement events back (:meth:`Broadcaster.report`); each
is applied with :func:`knowledge_base.delivery.apply` and stored before anything else
happens, so a new broadcaster over the same database resumes every delivery where it was.

One broadcaster per process; its state beyond the database is only which utterance is
offered to which connected session.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta

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
    Superseded,
    apply,
    recover,
)
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.notice_queue import (
    awaiting_acknowledgement,
    next_step,
    notice_id,
    parse_notice_id,
)
from knowledge_base.notice_scope import Audience, recipients
from knowledge_base.notice_scope import Publication as Announcement
from knowledge_base.notices import compose_notice
from knowledge_base.rosters import Roster, StaffMember
from knowledge_base.versions import Publication
from voice_agent.broadcast.announcements import announcement
from voice_agent.broadcast.channel import NoticeChannel, Utterance, UtteranceKind
from voice_agent.broadcast.escalator import EscalationSink, Escalator
from voice_agent.storage import (
    Database,
    NoticeRecord,
    SqlNoticeRepository,
    SqlPromotionVersionRepository,
    SqlPublicationRepository,
    SqlRosterRepository,
)

Clock = Callable[[], datetime]


SpeakAhead = Callable[[Sequence[str]], Awaitable[object]]
"""Renders notice texts into the speech cache before they are offered (see ``Broadcaster``)."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Broadcaster:
    """Notices from urgent publications to the people in scope, durably."""

    def __init__(
        self,
        *,
        database: Database,
        knowledge: Callable[[], KnowledgeBase],
        policy: DeliveryPolicy | None = None,
        language: str = "en",
        webhook: EscalationSink | None = None,
        speak_ahead: SpeakAhead | None = None,
        shared: bool = False,
        clock: Clock = _utc_now,
    ) -> None:
        """Work over ``database`` (upgraded).

        Args:
            database: Notices, deliveries, the roster and the published versions.
            knowledge: The served knowledge base (stores, regions, names), asked each time.
            policy: Acknowledgement timing and plays (from ``[broadcast]``).
            language: Notice language when a session does not say.
            webhook: Also told of every escalation (optional).
            speak_ahead: Given the notice texts of a new notice for its connected people
                (one per role, store and language) before any is offered, so their sessions
                find the speech rendered instead of each rendering it at once (optional).
            shared: Other nodes' broadcasters serve their own sessions from the same
                database (a cluster): this one acts only for the people connected to it (a
                delivery left speaking is recovered when its person connects here, not at
                start, and nobody is escalated about by a node they are not connected to).
            clock: The current time (aware).
        """
        self._notices = SqlNoticeRepository(database=database)
        self._versions = SqlPromotionVersionRepository(database=database)
        self._publications = SqlPublicationRepository(database=database)
        self._rosters = SqlRosterRepository(database=database)
        self._knowledge = knowledge
        self._policy = policy or DeliveryPolicy()
        self._language = language
        self._speak_ahead = speak_ahead
        self._shared = shared
        self._clock = clock
        self._lock = asyncio.Lock()
        self._channels: dict[str, NoticeChannel] = {}
        self._offered: dict[str, Utterance] = {}
        self._last_offers: dict[tuple[str, str], str] = {}
        """(identity, notice id) -> the utterance last offered for it (played ones included:
        the session may still await its acknowledgement)."""
        self._announcements: dict[str, Announcement] = {}
        self._roster: Roster | None = None
        self._roster_id: int | None = None
        self._handled_publication = 0
        self._serial = itertools.count(1)
        self._escalator = Escalator(
            notices=self._notices,
            language=language,
            webhook=webhook,
            clock=clock,
            serial=self._serial,
        )
        self._ticker: asyncio.Task[None] | None = None

    # --- lifecycle ----------------------------------------------------------------------------

    async def start(self, *, tick_secs: float | None = None) -> None:
        """Resume: recover cut-off playbacks, read the roster, catch up on publications.

        A delivery left ``speaking`` by a previous process counts as cut off (spoken again
        from the start; when ``shared``, once its person connects here). Urgent publications
        stored after the newest one with a notice are announced now (none before the first
        notice: history is not replayed). With ``tick_secs`` a background task looks at
        due replays, escalations and shift starts.
        """
        async with self._lock:
            if not self._shared:
                await self._recover_cut_off()
            await self._refresh_roster()
            last = await asyncio.to_thread(self._notices.last_publication_id)
            self._handled_publication = last or await asyncio.to_thread(
                self._publications.latest_id
            )
            missed = await asyncio.to_thread(
                self._publications.list, after_id=self._handled_publication
            )
        for publication in missed:
            await self.on_publication(publication)
        if tick_secs is not None:
            self._ticker = asyncio.create_task(self._tick_forever(tick_secs))

    async def stop(self) -> None:
        """Stop the background task and wait for escalations being sent."""
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
            self._ticker = None
        await self.wait_idle()

    async def wait_idle(self) -> None:
        """Wait until every escalation being sent has been sent (or failed)."""
        await self._escalator.wait_idle()

    async def _tick_forever(self, tick_secs: float) -> None:
        while True:
            await asyncio.sleep(tick_secs)
            try:
                await self.tick()
            except Exception:  # noqa: BLE001 - one failed look must not stop the next
                logger.exception("broadcast: looking at due notices failed")

    # --- inputs -------------------------------------------------------------------------------

    async def on_publication(self, publication: Publication) -> None:
        """The runtime's publication observer: announce an urgent publication's versions."""
        async with self._lock:
            self._handled_publication = max(self._handled_publication, publication.id)
            if not publication.urgent:
                return
            await self._refresh_roster()
            for version in publication.versions:
                # Idempotent: a notice stored already (another node, a replayed observer
                # call) is not stored or offered again.
                await self._announce(publication, notice_id(version.promotion_id, version.version))

    async def connect(self, channel: NoticeChannel) -> None:
        """A person's session is live: what is due is offered at once.

        A notice an earlier session of theirs was still speaking (it died with its process,
        or a rejoin replaced it) was cut off: it is offered again from the start. One played
        to them and awaiting its acknowledgement is awaited by this session too, so "got
        it" acknowledges it before its replay is due.
        """
        async with self._lock:
            self._channels[channel.identity] = channel
            self._offered.pop(channel.identity, None)
            await self._recover_cut_off(channel.identity)
            await self._evaluate(channel.identity)
            await self._await_acknowledgement(channel)

    async def disconnect(self, identity: str, *, channel: NoticeChannel | None = None) -> None:
        """A person's session ended: a notice being spoken was cut off.

        With ``channel``, only that session ends (a newer session of the same person, e.g.
        after a rejoin, stays connected).
        """
        async with self._lock:
            if channel is not None and self._channels.get(identity) is not channel:
                return
            self._channels.pop(identity, None)
            self._offered.pop(identity, None)
            for key in [key for key in self._last_offers if key[0] == identity]:
                del self._last_offers[key]
            now = self._clock()
            open_ones = await asyncio.to_thread(
                self._notices.deliveries, clerk=identity, open_only=True
            )
            for delivery in open_ones:
                if delivery.state is DeliveryState.SPEAKING:
                    await self._store(apply(delivery, PlaybackInterrupted(now)))

    async def report(self, identity: str, notice: str, event: Event) -> Delivery | None:
        """Apply an event a session reports about ``notice``; store it; act on what is due.

        Returns:
            The stored record after the event (``None``: no such delivery, e.g. an
            escalation utterance or a notice for someone else).
        """
        async with self._lock:
            found = await asyncio.to_thread(
                self._notices.deliveries, notice_id=notice, clerk=identity
            )
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
            await self._evaluate(identity)
            return updated

    async def tick(self) -> None:
        """Look at every open delivery (deadlines passed, shifts started, a new roster)."""
        async with self._lock:
            await self._refresh_roster()
            open_ones = await asyncio.to_thread(self._notices.deliveries, open_only=True)
            for identity in sorted({d.clerk for d in open_ones}):
                await self._evaluate(identity)

    async def roster_changed(self) -> None:
        """Re-read the stored roster now (after a load in this process)."""
        async with self._lock:
            await self._refresh_roster()

    async def tell(
        self,
        select: Callable[[Roster], Iterable[StaffMember]],
        *,
        key: str,
        text: Callable[[str], str],
    ) -> list[str]:
        """Say ``text(language)`` once to each connected person ``select`` picks from the roster.

        For a message no one acknowledges (a feedback alert to managers): nothing is stored,
        nothing is awaited back, and people not connected now do not hear it. ``key`` names
        what is said in the utterance ids. Returns the identities it was offered to.
        """
        async with self._lock:
            await self._refresh_roster()
            told: list[str] = []
            for member in select(self._roster or Roster(())):
                channel = self._channels.get(member.identity)
                if channel is None or member.identity in told:
                    continue
                language = channel.language or self._language
                utterance = Utterance(
                    id=f"{key}/{member.identity}/alert/{next(self._serial)}",
                    notice_id=key,
                    kind=UtteranceKind.ALERT,
                    text=text(language),
                    language=language,
                )
                logger.info("broadcast: telling {} {}", member.identity, key)
                await channel.offer(utterance)
                told.append(member.identity)
            return told

    # --- reading ------------------------------------------------------------------------------

    def connected(self) -> list[str]:
        """Identities with a live session."""
        return sorted(self._channels)

    # --- the work -----------------------------------------------------------------------------

    async def _refresh_roster(self) -> None:
        current = await asyncio.to_thread(self._rosters.current)
        current_id = current.id if current else None
        if current_id != self._roster_id or self._roster is None:
            self._roster = await asyncio.to_thread(self._rosters.load)
            self._roster_id = current_id

    async def _announcement(self, notice: str) -> Announcement:
        if notice not in self._announcements:
            self._announcements[notice] = await asyncio.to_thread(
                announcement, self._versions, notice
            )
        return self._announcements[notice]

    async def _announce(self, publication: Publication, notice: str) -> None:
        announced = await self._announcement(notice)
        roster = self._roster or Roster(())
        if self._roster is None:
            logger.warning("broadcast: no roster loaded; {} reaches nobody", notice)
        people = recipients(announced, self._knowledge(), roster)
        now = self._clock()
        promotion_id, version = parse_notice_id(notice)
        older = await asyncio.to_thread(self._notices.open_of_promotion, promotion_id)
        superseded = [
            apply(d, Superseded(now)) for d in older if parse_notice_id(d.notice_id)[1] < version
        ]
        record = NoticeRecord(notice, publication.id, promotion_id, version, True, now)
        created = await asyncio.to_thread(
            self._notices.create,
            record,
            [Delivery(notice, person.identity, now) for person in people],
            superseded=superseded,
        )
        if not created:
            # Stored already (by another node): its people connected here are looked at.
            for identity in sorted({p.identity for p in people} & set(self._channels)):
                await self._evaluate(identity)
            return
        logger.info(
            "broadcast: {} for {} people ({} older notice(s) superseded)",
            notice,
            len(people),
            len(superseded),
        )
        for old in superseded:
            await self._withdraw_superseded(old)
        await self._render_ahead(announced, [p for p in people if p.identity in self._channels])
        touched = {person.identity for person in people} | {d.clerk for d in superseded}
        for identity in sorted(touched):
            await self._evaluate(identity)

    async def _render_ahead(self, announced: Announcement, people: list[StaffMember]) -> None:
        if self._speak_ahead is None or not people:
            return
        texts: dict[str, None] = {}
        for member in people:
            channel = self._channels[member.identity]
            notice = compose_notice(
                announced,
                knowledge=self._knowledge(),
                audience=Audience.of(member),
                language=channel.language or self._language,
            )
            texts[notice.text] = None
        try:
            await self._speak_ahead(list(texts))
        except Exception:  # noqa: BLE001 - the sessions render it themselves then
            logger.exception("broadcast: rendering the notice ahead failed")

    async def _withdraw_superseded(self, delivery: Delivery) -> None:
        """Stop a session saying (or awaiting "got it" for) a notice a newer one replaced."""
        last = self._last_offers.pop((delivery.clerk, delivery.notice_id), None)
        offered = self._offered.get(delivery.clerk)
        channel = self._channels.get(delivery.clerk)
        if last is None or channel is None or (offered is not None and offered.id == last):
            return  # never offered here, gone, or withdrawn with the current offer
        await channel.withdraw(last)

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

    async def _evaluate(self, identity: str) -> None:
        if self._shared and identity not in self._channels:
            return  # the node the person is connected to acts for them
        records = await asyncio.to_thread(self._notices.deliveries, clerk=identity, open_only=True)
        member = self._roster.member(identity) if self._roster else None
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
            await self._escalator.escalate(
                member,
                step.delivery,
                announced=await self._announcement(step.delivery.notice_id),
                roster=self._roster,
                channels=self._channels,
            )

    async def _offer(self, member: StaffMember, delivery: Delivery, action: Action) -> None:
        channel = self._channels.get(member.identity)
        if channel is None:
            return
        kind = UtteranceKind.NOTICE if action is Action.SPEAK else UtteranceKind.REPLAY
        utterance = await self._utterance(channel, member, delivery, kind)
        self._offered[member.identity] = utterance
        self._last_offers[(member.identity, delivery.notice_id)] = utterance.id
        logger.info("broadcast: offering {} to {} ({})", delivery.notice_id, member.identity, kind)
        await channel.offer(utterance)

    async def _utterance(
        self,
        channel: NoticeChannel,
        member: StaffMember,
        delivery: Delivery,
        kind: UtteranceKind,
        *,
        within: timedelta | None = None,
    ) -> Utterance:
        language = channel.language or self._language
        notice = compose_notice(
            await self._announcement(delivery.notice_id),
            knowledge=self._knowledge(),
            audience=Audience.of(member),
            language=language,
        )
        return Utterance(
            id=f"{delivery.notice_id}/{member.identity}/{kind.value}/{next(self._serial)}",
            notice_id=delivery.notice_id,
            kind=kind,
            text=notice.text,
            language=language,
            acknowledge_within_secs=(within or self._policy.acknowledge_within).total_seconds(),
        )

    async def _recover_cut_off(self, identity: str | None = None) -> None:
        """Deliveries left ``speaking`` (of ``identity``, or everyone) were cut off."""
        now = self._clock()
        open_ones = await asyncio.to_thread(
            self._notices.deliveries, clerk=identity, open_only=True
        )
        recovered = [recover(d, now) for d in open_ones if d.state is DeliveryState.SPEAKING]
        if recovered:
            await asyncio.to_thread(self._notices.save_all, recovered)
            logger.info("broadcast: {} cut-off notice(s) will be spoken again", len(recovered))

    async def _await_acknowledgement(self, channel: NoticeChannel) -> None:
        """Have a new session await "got it" for a notice played to the person before."""
        member = self._roster.member(channel.identity) if self._roster else None
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
        utterance = await self._utterance(channel, member, delivery, kind, within=left)
        self._last_offers[(channel.identity, delivery.notice_id)] = utterance.id
        logger.info(
            "broadcast: {} awaits {}'s acknowledgement", delivery.notice_id, member.identity
        )
        await channel.await_acknowledgement(utterance)
