"""Closing briefings whose node died, from what that node stored.

A node running a briefing renews its ``seen_at`` about every second
(:class:`~voice_agent.briefing.desk.BriefingDesk`). :meth:`BriefingRecovery.recover` looks at
every briefing still open in storage and, when the rule of
:func:`knowledge_base.briefing_end.abandoned` says its node is gone (on a single node: any
not running here, at start; on a cluster: ``seen_at`` older than ``stale_after`` by the
database's clock), takes it over with a conditional update (only one node does) and closes
it as of the last time its node was seen, marked ``node_failed``
(:func:`~voice_agent.briefing.closing.close_briefing`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection
from datetime import timedelta

from loguru import logger

from knowledge_base.briefing_end import EndReason, abandoned, last_seen
from knowledge_base.knowledge import KnowledgeBase
from voice_agent.briefing.closing import BriefingStores, close_briefing
from voice_agent.periodic import run_every
from voice_agent.storage.broadcast_briefings import BriefingRecord


class BriefingRecovery:
    """Finds briefings left open by a dead node and closes them.

    Args:
        stores: Where briefings are stored.
        knowledge: The knowledge base served now (for summary and proposals).
        node: This node's id (written on the briefings it takes over).
        shared: Other nodes may run briefings over the same database.
        stale_after: On a cluster, a briefing not renewed this long lost its node.
        running_here: The briefings this node runs (never taken).
    """

    def __init__(
        self,
        *,
        stores: BriefingStores,
        knowledge: Callable[[], KnowledgeBase],
        node: str,
        shared: bool,
        stale_after: timedelta,
        running_here: Callable[[], Collection[str]],
    ) -> None:
        self._stores = stores
        self._knowledge = knowledge
        self._node = node
        self._shared = shared
        self._stale_after = stale_after
        self._running_here = running_here

    async def run(self, tick_secs: float) -> None:
        """Recover every ``tick_secs`` until cancelled (a failed look is logged, not fatal)."""
        await run_every(tick_secs, self.recover, "briefings: closing briefings of dead nodes")

    async def recover(self) -> list[BriefingRecord]:
        """Close every briefing whose node is gone; the records closed here."""
        journal = self._stores.journal
        found = await asyncio.to_thread(journal.open_briefings)
        if not found:
            return []
        now = await asyncio.to_thread(journal.now)
        closed = []
        for briefing in found:
            record = briefing.record
            if not abandoned(
                running_here=record.id in self._running_here(),
                shared=self._shared,
                started_at=record.started_at,
                seen_at=briefing.seen_at,
                now=now,
                stale_after=self._stale_after,
            ):
                continue
            if not await asyncio.to_thread(journal.take_over, briefing, node=self._node):
                continue  # renewed meanwhile, or another node took it
            ended_at = last_seen(started_at=record.started_at, seen_at=briefing.seen_at)
            logger.warning(
                "briefing {} was left open by node {} (last seen {}): closing it",
                record.id,
                briefing.node,
                ended_at.isoformat(),
            )
            closed.append(
                await close_briefing(
                    self._stores,
                    record,
                    knowledge=self._knowledge(),
                    ended_at=ended_at,
                    reason=EndReason.NODE_FAILED,
                )
            )
        return closed
