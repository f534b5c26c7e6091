"""Notices left ``speaking`` by a session that is gone: they were cut off.

A delivery is ``speaking`` while a session plays it. When the process running that session
ends without saying so, the record stays ``speaking``; these turn it back into a cut-off
notice (:func:`knowledge_base.delivery.recover`) so the usual rules go on. A single node does
it for everyone at its start (:func:`recover_left_speaking`); on a cluster, the node a person
connects to does it for them, and every node's tick does it for people connected to no node
(:func:`recover_lost_node`, the rule in
:func:`knowledge_base.escalation_reach.cut_off_by_a_lost_node`).
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from loguru import logger

from knowledge_base.delivery import Delivery, DeliveryState, recover
from knowledge_base.escalation_reach import cut_off_by_a_lost_node
from voice_agent.storage import SqlNoticeRepository


async def recover_left_speaking(
    notices: SqlNoticeRepository, *, now: datetime, identity: str | None = None
) -> None:
    """Every delivery left ``speaking`` (of ``identity``, or everyone's) was cut off at ``now``."""
    open_ones = await asyncio.to_thread(notices.deliveries, clerk=identity, open_only=True)
    recovered = [recover(d, now) for d in open_ones if d.state is DeliveryState.SPEAKING]
    if recovered:
        await asyncio.to_thread(notices.save_all, recovered)
        logger.info("broadcast: {} cut-off notice(s) will be spoken again", len(recovered))


async def recover_lost_node(
    notices: SqlNoticeRepository,
    records: list[Delivery],
    *,
    now: datetime,
    shared: bool,
    connected_here: bool,
    connected_anywhere: bool,
) -> list[Delivery] | None:
    """One person's open ``records`` after recovering those a dead node left ``speaking``.

    Each is rewritten only if unchanged since it was read
    (:meth:`~voice_agent.storage.SqlNoticeRepository.replace`): another node may recover it
    too, or the person may have connected to a node that did. ``None``: one was changed
    meanwhile (look again later, on a fresh reading).
    """
    result = []
    for record in records:
        if cut_off_by_a_lost_node(
            record,
            shared=shared,
            connected_here=connected_here,
            connected_anywhere=connected_anywhere,
        ):
            recovered = recover(record, now)
            if not await asyncio.to_thread(notices.replace, record, recovered):
                return None
            logger.info(
                "broadcast: {} was being spoken to {} by a node that is gone: cut off",
                record.notice_id,
                record.clerk,
            )
            record = recovered
        result.append(record)
    return result
