"""Escalations across nodes: who a node acts for, and which escalations a manager should hear.

On one node the broadcaster knows every session. On a cluster each node runs sessions of
its own and shares the delivery records; two rules keep an unacknowledged notice from being
escalated by nobody (the clerk left) or spoken to nobody (the manager runs elsewhere):

* :func:`acts_for`: a node decides for a person whose session it runs, and for a person
  whose session runs on no node at all (they left, or their node died): that is how a
  clerk who walked away without "got it" is still escalated. Someone with a session on
  another node is that node's.
* :func:`cut_off_by_a_lost_node`: a notice left ``speaking`` for a person with a session on
  no node was being spoken by a node that died (a live node renews its sessions' rows, and a
  session that ends reports the cut-off itself); any node treats it as cut off
  (:func:`knowledge_base.delivery.recover`) so the usual rules go on: offered again once the
  person connects somewhere, escalated if a cut-off replay leaves them unreachable.
* :func:`escalations_to_speak`: a store manager with a session hears each escalation about
  a clerk of their store once, while it is *recent* (``within`` of the escalation; one who
  connects later still hears it within that time) and still open (the clerk has not
  acknowledged since, and no newer version superseded it).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from knowledge_base.answering import Role
from knowledge_base.delivery import Delivery, DeliveryState
from knowledge_base.rosters import Roster, StaffMember

SPOKEN_WITHIN = timedelta(hours=8)
"""How long after an escalation a store manager who connects still hears it (one shift)."""


def acts_for(*, shared: bool, connected_here: bool, connected_anywhere: bool) -> bool:
    """Whether a node decides (offers, replays, escalates) for one person now.

    Args:
        shared: Other nodes serve sessions from the same database.
        connected_here: The person's session runs on this node.
        connected_anywhere: The person's session runs on some node (this one included).
    """
    return connected_here or not shared or not connected_anywhere


def cut_off_by_a_lost_node(
    delivery: Delivery, *, shared: bool, connected_here: bool, connected_anywhere: bool
) -> bool:
    """Whether a node treats ``delivery``, left ``speaking``, as cut off by a dead node.

    On a cluster (``shared``), a notice is ``speaking`` only while a session plays it, and
    that session's node renews a row saying the person is connected there; a session that
    ends reports the cut-off itself. So ``speaking`` for someone connected on no node means
    the node speaking it died. Someone connected anywhere (here included) is left alone:
    the node they connected to recovered it when they connected. A single node
    (not shared) recovers every such delivery at its start instead.
    """
    return (
        shared
        and delivery.state is DeliveryState.SPEAKING
        and not connected_here
        and not connected_anywhere
    )


def escalation_still_open(delivery: Delivery, *, now: datetime, within: timedelta) -> bool:
    """``delivery`` was escalated within ``within`` before ``now`` and is still unacknowledged."""
    return (
        delivery.escalated_at is not None
        and delivery.state is DeliveryState.PLAYED
        and timedelta(0) <= now - delivery.escalated_at <= within
    )


def escalations_to_speak(
    manager: StaffMember,
    escalated: Iterable[Delivery],
    roster: Roster,
    *,
    now: datetime,
    within: timedelta = SPOKEN_WITHIN,
) -> list[Delivery]:
    """The escalations ``manager`` should hear now, in the order given.

    Only a store manager hears them, and only about clerks of their own store on
    ``roster``; each must still be open (:func:`escalation_still_open`). Whether a manager
    heard one already is the caller's record.
    """
    if manager.role is not Role.STORE_MANAGER or not manager.store_id:
        return []
    chosen = []
    for delivery in escalated:
        clerk = roster.member(delivery.clerk)
        if clerk is None or clerk.role is not Role.CLERK or clerk.store_id != manager.store_id:
            continue
        if escalation_still_open(delivery, now=now, within=within):
            chosen.append(delivery)
    return chosen
