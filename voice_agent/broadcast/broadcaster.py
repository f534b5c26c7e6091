"""The broadcaster: urgent publications become notices, spoken to each clerk and acknowledged.

One broadcaster per process, over the database; every input is handled one at a time (one
lock). It puts together the fan-out (:class:`~voice_agent.broadcast.fan_out.FanOut`: an
urgent publication's notice and its deliveries are stored before anything is spoken) and
the follow-up (:class:`~voice_agent.broadcast.follow_up.FollowUp`: per person, the notice,
its replay or an escalation when due, from the events their session reports). This module
holds the lifecycle: resuming after a restart, and the background tick that finds replays
and escalations come due.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import uuid
from collections.abc import Callable, Iterable
from datetime import timedelta

from knowledge_base.delivery import Delivery, DeliveryPolicy, Event
from knowledge_base.escalation_reach import SPOKEN_WITHIN
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.notice_queue import notice_id
from knowledge_base.rosters import Roster, StaffMember
from knowledge_base.versions import Publication
from voice_agent.broadcast.announcements import Announcements
from voice_agent.broadcast.channel import NoticeChannel
from voice_agent.broadcast.escalator import EscalationSink, Escalator
from voice_agent.broadcast.fan_out import FanOut, SpeakAhead
from voice_agent.broadcast.follow_up import FollowUp
from voice_agent.broadcast.manager_escalations import ManagersHearEscalations
from voice_agent.broadcast.roster_cache import StoredRoster
from voice_agent.periodic import run_every
from voice_agent.storage import (
    Database,
    SqlNoticeRepository,
    SqlPromotionVersionRepository,
    SqlPublicationRepository,
)
from voice_agent.storage.broadcast_escalations import SqlEscalations, SqlPresence
from voice_agent.storage.timestamps import Clock, utc_now

PRESENCE_FRESH = timedelta(seconds=10)
"""On a cluster, a node's sessions count as gone this long after its last tick (it died)."""


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
        node: str | None = None,
        presence_fresh: timedelta = PRESENCE_FRESH,
        escalation_spoken_within: timedelta = SPOKEN_WITHIN,
        clock: Clock = utc_now,
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
                database (a cluster): this one acts for the people connected to it, and
                escalates people connected to no node (a delivery left speaking is
                recovered when its person connects here, or at a tick once they have a
                session on no node, its node having died; never at start; nobody
                connected to another node is acted for here). Its sessions are recorded in
                ``notice_presence`` so the other nodes can tell.
            node: This node's id in the shared records (default: a new random one).
            presence_fresh: When ``shared``, a node's session rows not renewed for this
                long (it died) count as gone; several times the tick.
            escalation_spoken_within: How long after an escalation a store manager who
                connects (on any node) still hears it.
            clock: The current time (aware).
        """
        notices = SqlNoticeRepository(database=database)
        announcements = Announcements(SqlPromotionVersionRepository(database=database))
        serial = itertools.count(1)
        self.node = node or uuid.uuid4().hex[:12]
        self._presence = SqlPresence(database=database, node=self.node) if shared else None
        self._notices = notices
        self._publications = SqlPublicationRepository(database=database)
        self._stored_roster = StoredRoster(database=database)
        self._roster = Roster(())
        self._shared = shared
        self._lock = asyncio.Lock()
        self._handled_publication = 0
        self._escalator = Escalator(
            escalations=SqlEscalations(database=database),
            language=language,
            webhook=webhook,
            clock=clock,
        )
        managers = ManagersHearEscalations(
            escalations=SqlEscalations(database=database),
            announcements=announcements,
            node=self.node,
            language=language,
            within=escalation_spoken_within,
            clock=clock,
            serial=serial,
        )
        self._follow_up = FollowUp(
            notices=notices,
            announcements=announcements,
            knowledge=knowledge,
            policy=policy or DeliveryPolicy(),
            language=language,
            escalator=self._escalator,
            managers=managers,
            presence=self._presence,
            presence_fresh=presence_fresh,
            clock=clock,
            serial=serial,
        )
        self._fan_out = FanOut(
            notices=notices,
            announcements=announcements,
            follow_up=self._follow_up,
            knowledge=knowledge,
            speak_ahead=speak_ahead,
            clock=clock,
            serial=serial,
        )
        self._ticker: asyncio.Task[None] | None = None

    # --- lifecycle ----------------------------------------------------------------------------

    async def start(self, *, tick_secs: float | None = None) -> None:
        """Resume: recover cut-off playbacks, read the roster, catch up on publications.

        A delivery left ``speaking`` by a previous process counts as cut off (spoken again
        from the start; when ``shared``, once its person connects here, or at a tick once
        they have a session on no node). Urgent publications
        stored after the newest one with a notice are announced now (none before the first
        notice: history is not replayed). With ``tick_secs`` a background task looks at
        due replays, escalations and shift starts.
        """
        async with self._lock:
            if not self._shared:
                await self._follow_up.recover_cut_off()
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
            self._ticker = asyncio.create_task(
                run_every(tick_secs, self.tick, "broadcast: looking at due notices")
            )

    async def stop(self) -> None:
        """Stop the background task, wait for escalations being sent, leave the cluster.

        When ``shared``, this node's sessions stop counting as connected at once (a node
        that dies instead leaves them to go stale).
        """
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
            self._ticker = None
        await self.wait_idle()
        if self._presence is not None:
            await asyncio.to_thread(self._presence.leave_all)

    async def wait_idle(self) -> None:
        """Wait until every escalation being sent has been sent (or failed)."""
        await self._escalator.wait_idle()

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
                notice = notice_id(version.promotion_id, version.version)
                await self._fan_out.announce(publication, notice, self._roster)

    async def connect(self, channel: NoticeChannel) -> None:
        """A person's session is live: what is due is offered at once.

        A notice an earlier session of theirs was still speaking (it died with its process,
        or a rejoin replaced it) was cut off: it is offered again from the start. One played
        to them and awaiting its acknowledgement is awaited by this session too, so "got
        it" acknowledges it before its replay is due.
        """
        async with self._lock:
            await self._follow_up.connect(channel, self._roster)

    async def disconnect(self, identity: str, *, channel: NoticeChannel | None = None) -> None:
        """A person's session ended: a notice being spoken was cut off.

        With ``channel``, only that session ends (a newer session of the same person, e.g.
        after a rejoin, stays connected).
        """
        async with self._lock:
            await self._follow_up.disconnect(identity, channel=channel)

    async def report(self, identity: str, notice: str, event: Event) -> Delivery | None:
        """Apply an event a session reports about ``notice``; store it; act on what is due.

        Returns:
            The stored record after the event (``None``: no such delivery, e.g. an
            escalation utterance or a notice for someone else).
        """
        async with self._lock:
            return await self._follow_up.report(identity, notice, event, self._roster)

    async def tick(self) -> None:
        """Look at every open delivery: deadlines, shifts, the roster, dead nodes' notices."""
        async with self._lock:
            await self._refresh_roster()
            await self._follow_up.evaluate_open(self._roster)

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
            return await self._fan_out.tell(select(self._roster), key=key, text=text)

    # --- reading ------------------------------------------------------------------------------

    def connected(self) -> list[str]:
        """Identities with a live session."""
        return self._follow_up.connected()

    async def _refresh_roster(self) -> None:
        self._roster = await self._stored_roster.current()
