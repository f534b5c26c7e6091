"""Escalations on a cluster: who is connected where, who escalates, who was told.

Revision ``0008_escalation_reach``.

Several nodes' broadcasters share one database. Three questions are settled here, in the
database, so that exactly one node acts:

* :class:`SqlPresence`: which people have a session on some node now. A node writes a row
  when a session connects, deletes it when the session ends, and renews its rows at every
  tick; a row not renewed for a while (the node died) counts as gone. Times are the
  database's (:meth:`~voice_agent.storage.engine.Database.now`), so nodes' clocks may differ.
* :meth:`SqlEscalations.claim`: a conditional ``UPDATE ... WHERE escalated_at IS NULL``;
  of several nodes escalating the same delivery, only the one whose update changed the row
  carries it out.
* :meth:`SqlEscalations.claim_spoken`: an escalation offered to one store manager is
  recorded once (primary key); a second node, or the same node after a restart, finds the
  row there and does not speak it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from knowledge_base.delivery import Delivery, DeliveryState
from voice_agent.storage.broadcast import delivery_from_row
from voice_agent.storage.broadcast_schema import deliveries, escalations_spoken, notice_presence
from voice_agent.storage.engine import Database
from voice_agent.storage.timestamps import encode_time

FORGET_AFTER = timedelta(days=1)
"""Rows of a node silent this long (it died long ago) are deleted by any renewing node."""


class SqlPresence:
    """People's live sessions per node, on either engine."""

    def __init__(self, *, database: Database, node: str) -> None:
        """Rows of ``node`` (this broadcaster's id) in the (upgraded) ``database``."""
        self._database = database
        self._node = node

    @property
    def node(self) -> str:
        """The id of the node whose rows these are."""
        return self._node

    def connect(self, identity: str) -> None:
        """``identity`` has a session on this node now (written, or renewed)."""
        now = self._database.now()
        dialect = postgresql if self._database.dialect == "postgresql" else sqlite
        insert = dialect.insert(notice_presence).values(
            identity=identity, node=self._node, connected_at=now, seen_at=now
        )
        upsert = insert.on_conflict_do_update(
            index_elements=[notice_presence.c.identity, notice_presence.c.node],
            set_={"connected_at": now, "seen_at": now},
        )
        with self._database.transaction() as connection:
            connection.execute(upsert)

    def disconnect(self, identity: str) -> None:
        """``identity``'s session on this node ended."""
        with self._database.transaction() as connection:
            connection.execute(
                delete(notice_presence)
                .where(notice_presence.c.identity == identity)
                .where(notice_presence.c.node == self._node)
            )

    def renew(self, identities: list[str]) -> None:
        """Renew the node's rows: it is alive with exactly these sessions (others are dropped).

        Also deletes every node's rows older than :data:`FORGET_AFTER` (dead nodes').
        """
        now = self._database.now()
        with self._database.transaction() as connection:
            connection.execute(
                delete(notice_presence).where(notice_presence.c.seen_at < now - FORGET_AFTER)
            )
            connection.execute(
                delete(notice_presence)
                .where(notice_presence.c.node == self._node)
                .where(notice_presence.c.identity.not_in(identities))
            )
            connection.execute(
                update(notice_presence)
                .where(notice_presence.c.node == self._node)
                .values(seen_at=now)
            )

    def leave_all(self) -> None:
        """Drop every row of the node (it stops: none of its sessions is live any more)."""
        with self._database.transaction() as connection:
            connection.execute(delete(notice_presence).where(notice_presence.c.node == self._node))

    def rows(self) -> list[tuple[str, str]]:
        """Every stored (identity, node), stale ones included (for tests and diagnostics)."""
        query = select(notice_presence.c.identity, notice_presence.c.node).order_by(
            notice_presence.c.identity, notice_presence.c.node
        )
        with self._database.read() as connection:
            return [(identity, node) for identity, node in connection.execute(query)]

    def present(self, *, fresh_within: timedelta) -> set[str]:
        """Identities with a session on any node whose row was renewed within ``fresh_within``."""
        since = self._database.now() - fresh_within
        query = select(notice_presence.c.identity).where(notice_presence.c.seen_at >= since)
        with self._database.read() as connection:
            return set(connection.execute(query).scalars())


@dataclass(frozen=True, slots=True)
class SpokenEscalation:
    """An escalation offered to one store manager's session."""

    notice_id: str
    clerk: str
    manager: str
    node: str
    """The node whose session offered it."""
    offered_at: datetime


class SqlEscalations:
    """Who escalates a delivery, escalations of late, and which managers were told."""

    def __init__(self, *, database: Database) -> None:
        """Use the (upgraded) ``database``."""
        self._database = database

    def claim(self, delivery: Delivery, at: datetime) -> bool:
        """Record that ``delivery`` is escalated at ``at``, unless it was already (or settled).

        Returns:
            True when this call escalated it: still played to the end, not acknowledged,
            not escalated by anyone before. False: another node escalated it first, or the
            clerk acknowledged (or it was superseded) meanwhile.
        """
        encode_time(at)
        with self._database.transaction() as connection:
            result = connection.execute(
                update(deliveries)
                .where(deliveries.c.notice_id == delivery.notice_id)
                .where(deliveries.c.clerk == delivery.clerk)
                .where(deliveries.c.escalated_at.is_(None))
                .where(deliveries.c.state == DeliveryState.PLAYED.value)
                .values(escalated_at=at)
            )
            return result.rowcount == 1

    def escalated_since(self, since: datetime) -> list[Delivery]:
        """Deliveries escalated at ``since`` or later, oldest escalation first."""
        query = (
            select(deliveries)
            .where(deliveries.c.escalated_at >= since)
            .order_by(deliveries.c.escalated_at, deliveries.c.notice_id, deliveries.c.clerk)
        )
        with self._database.read() as connection:
            return [delivery_from_row(row) for row in connection.execute(query).mappings()]

    def claim_spoken(self, delivery: Delivery, *, manager: str, node: str, at: datetime) -> bool:
        """Record that ``manager`` is told of ``delivery``'s escalation; False: told before."""
        encode_time(at)
        dialect = postgresql if self._database.dialect == "postgresql" else sqlite
        insert = (
            dialect.insert(escalations_spoken)
            .values(
                notice_id=delivery.notice_id,
                clerk=delivery.clerk,
                manager=manager,
                node=node,
                offered_at=at,
            )
            .on_conflict_do_nothing()
            # What was inserted comes back (rowcount is not reliable for ON CONFLICT).
            .returning(escalations_spoken.c.manager)
        )
        with self._database.transaction() as connection:
            return connection.execute(insert).first() is not None

    def spoken(self, *, notice_id: str | None = None) -> list[SpokenEscalation]:
        """Escalations offered to managers, in the order they were offered."""
        query = select(escalations_spoken).order_by(
            escalations_spoken.c.offered_at, escalations_spoken.c.manager
        )
        if notice_id is not None:
            query = query.where(escalations_spoken.c.notice_id == notice_id)
        with self._database.read() as connection:
            return [
                SpokenEscalation(
                    notice_id=row["notice_id"],
                    clerk=row["clerk"],
                    manager=row["manager"],
                    node=row["node"],
                    offered_at=row["offered_at"],
                )
                for row in connection.execute(query).mappings()
            ]
