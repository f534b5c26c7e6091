"""Fanning out: an urgent notice to everyone in its scope, an alert to connected managers.

For an urgent publication's version it stores the notice and one delivery per person in
scope (:func:`knowledge_base.notice_scope.recipients` on the stored roster), and supersedes
the open notices of older versions of the promotion, in one transaction, *before* anything
is spoken. The texts the connected people will hear render meanwhile (rendering is not
speaking); once both are done it hands everyone touched to the :class:`FollowUp`, which
offers what is due. A notice stored already (another node, a replayed observer call) is not
stored or offered again.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable, Iterable, Sequence

from loguru import logger

from knowledge_base.delivery import Delivery, Superseded, apply
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.notice_queue import parse_notice_id
from knowledge_base.notice_scope import Audience, recipients
from knowledge_base.notice_scope import Publication as Announcement
from knowledge_base.notices import compose_notice
from knowledge_base.rosters import Roster, StaffMember
from knowledge_base.versions import Publication
from voice_agent.broadcast.announcements import Announcements
from voice_agent.broadcast.channel import Utterance, UtteranceKind
from voice_agent.broadcast.follow_up import FollowUp
from voice_agent.storage import NoticeRecord, SqlNoticeRepository
from voice_agent.storage.timestamps import Clock

SpeakAhead = Callable[[Sequence[str]], Awaitable[object]]
"""Renders notice texts into the speech cache before they are offered (see ``Broadcaster``)."""


class FanOut:
    """Stores a notice's deliveries and says one-off alerts, for the broadcaster."""

    def __init__(
        self,
        *,
        notices: SqlNoticeRepository,
        announcements: Announcements,
        follow_up: FollowUp,
        knowledge: Callable[[], KnowledgeBase],
        speak_ahead: SpeakAhead | None,
        clock: Clock,
        serial: itertools.count[int],
    ) -> None:
        """Store into ``notices``; offer through ``follow_up`` (its sessions and languages)."""
        self._notices = notices
        self._announcements = announcements
        self._follow_up = follow_up
        self._knowledge = knowledge
        self._speak_ahead = speak_ahead
        self._clock = clock
        self._serial = serial

    async def announce(self, publication: Publication, notice: str, roster: Roster) -> None:
        """Store ``notice`` (of ``publication``) for the people in scope on ``roster``."""
        announced = await self._announcements.of(notice)
        if not roster.members:
            logger.warning(
                "broadcast: no roster loaded (or an empty one); {} reaches nobody", notice
            )
        people = recipients(announced, self._knowledge(), roster)
        connected = set(self._follow_up.connected())
        rendering = asyncio.ensure_future(
            self._render_ahead(announced, [p for p in people if p.identity in connected])
        )
        try:
            created, superseded = await self._store(publication, notice, people)
        except BaseException:
            rendering.cancel()
            raise
        await rendering
        if not created:
            # Stored already (by another node): its people connected here are looked at.
            connected = set(self._follow_up.connected())
            for identity in sorted({p.identity for p in people} & connected):
                await self._follow_up.evaluate(identity, roster)
            return
        logger.info(
            "broadcast: {} for {} people ({} older notice(s) superseded)",
            notice,
            len(people),
            len(superseded),
        )
        for old in superseded:
            await self._follow_up.withdraw_superseded(old)
        touched = {person.identity for person in people} | {d.clerk for d in superseded}
        # One read for everyone, not one per person: the last offer does not wait for
        # the reads of everyone before it.
        open_ones: dict[str, list[Delivery]] = {identity: [] for identity in touched}
        for delivery in await asyncio.to_thread(self._notices.deliveries, open_only=True):
            if delivery.clerk in open_ones:
                open_ones[delivery.clerk].append(delivery)
        for identity in sorted(touched):
            await self._follow_up.evaluate(identity, roster, records=open_ones[identity])

    async def _store(
        self, publication: Publication, notice: str, people: list[StaffMember]
    ) -> tuple[bool, list[Delivery]]:
        """Store ``notice`` with a delivery per person, superseding older versions' open ones.

        Returns whether it was stored here (not by another node first), and the deliveries
        it superseded.
        """
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
        return created, superseded

    async def tell(
        self, people: Iterable[StaffMember], *, key: str, text: Callable[[str], str]
    ) -> list[str]:
        """See :meth:`voice_agent.broadcast.Broadcaster.tell`."""
        told: list[str] = []
        for member in people:
            channel = self._follow_up.channel(member.identity)
            if channel is None or member.identity in told:
                continue
            language = self._follow_up.language(channel)
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

    async def _render_ahead(self, announced: Announcement, people: list[StaffMember]) -> None:
        if self._speak_ahead is None or not people:
            return
        texts: dict[str, None] = {}
        for member in people:
            channel = self._follow_up.channel(member.identity)
            if channel is None:
                continue
            notice = compose_notice(
                announced,
                knowledge=self._knowledge(),
                audience=Audience.of(member),
                language=self._follow_up.language(channel),
            )
            texts[notice.text] = None
        try:
            await self._speak_ahead(list(texts))
        except Exception:  # noqa: BLE001 - the sessions render it themselves then
            logger.exception("broadcast: rendering the notice ahead failed")
