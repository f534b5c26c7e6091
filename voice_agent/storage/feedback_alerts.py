"""Alerts raised over feedback, in the ``feedback_alerts`` table, on either engine.

An alert is stored once per :attr:`~knowledge_base.feedback.anomalies.Alert.dedupe_key`
(same rule, subject and first record), even when several nodes evaluate the rules at once:
the insert skips a key that exists. Delivery to the webhook is recorded on the row.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, select
from sqlalchemy.dialects import postgresql, sqlite

from knowledge_base.answering import Role
from knowledge_base.feedback.anomalies import Alert, AlertRule
from knowledge_base.feedback.queries import Viewer
from voice_agent.storage.engine import Database
from voice_agent.storage.feedback_schema import feedback_alerts, feedback_records

_a = feedback_alerts
MAX_ALERTS = 500


@dataclass(frozen=True, slots=True)
class StoredAlert:
    """An alert as stored, with its delivery state."""

    id: int
    alert: Alert
    created_at: datetime
    delivered_at: datetime | None = None
    delivery_error: str | None = None

    @property
    def count(self) -> int:
        """How many records raised it."""
        return len(self.alert.record_ids)

    def public(self) -> dict[str, Any]:
        """JSON-ready form (CLI ``--json`` and the HTTP API)."""
        alert = self.alert
        return {
            "id": self.id,
            "rule": alert.rule.value,
            "key": alert.key,
            "message": alert.message,
            "window_start": alert.first_at.isoformat(),
            "window_end": alert.last_at.isoformat(),
            "stores": alert.stores,
            "regions": alert.regions,
            "count": self.count,
            "record_ids": alert.record_ids,
            "figures": alert.figures,
            "created_at": self.created_at.isoformat(),
            "delivered_at": self.delivered_at.isoformat() if self.delivered_at else None,
            "delivery_error": self.delivery_error,
        }


class SqlFeedbackAlertRepository:
    """Stored alerts and their delivery (revision ``0002_feedback``)."""

    def __init__(self, *, database: Database) -> None:
        """Use the (upgraded) ``database``."""
        self._database = database

    def add_new(self, alerts: Sequence[Alert], *, now: datetime) -> list[StoredAlert]:
        """Store the alerts not stored before; return only those (in the given order)."""
        added = []
        with self._database.transaction() as connection:
            for alert in alerts:
                statement = _insert(connection).values(_row(alert, now))
                statement = statement.on_conflict_do_nothing(index_elements=["dedupe_key"])
                new_id = connection.execute(statement.returning(_a.c.id)).scalar()
                if new_id is not None:
                    added.append(StoredAlert(int(new_id), alert, now))
        return added

    def pending(self, *, limit: int = 100) -> list[StoredAlert]:
        """Alerts the webhook has not accepted yet, oldest first."""
        query = select(_a).where(_a.c.delivered_at.is_(None)).order_by(_a.c.id).limit(limit)
        with self._database.read() as connection:
            return [_stored(row) for row in connection.execute(query).mappings()]

    def mark_delivered(self, alert_id: int, *, at: datetime) -> None:
        """Record that the webhook accepted the alert."""
        with self._database.transaction() as connection:
            connection.execute(
                _a.update().where(_a.c.id == alert_id).values(delivered_at=at, delivery_error=None)
            )

    def mark_failed(self, alert_id: int, *, error: str) -> None:
        """Record why the webhook did not accept the alert (it is retried later)."""
        with self._database.transaction() as connection:
            connection.execute(
                _a.update().where(_a.c.id == alert_id).values(delivery_error=error[:500])
            )

    def list(self, *, viewer: Viewer, limit: int = 50) -> list[StoredAlert]:
        """The newest alerts the viewer may see.

        HQ sees every alert, a regional manager those touching their region, a store manager
        those touching their store, a clerk those their own records helped raise.
        """
        if not 1 <= limit <= MAX_ALERTS:
            raise ValueError(f"limit must be within 1..{MAX_ALERTS}")
        query = select(_a).order_by(_a.c.id.desc()).limit(MAX_ALERTS)
        with self._database.read() as connection:
            stored = [_stored(row) for row in connection.execute(query).mappings()]
            mine = _clerk_records(connection, viewer, stored)
        return [s for s in stored if _visible(s.alert, viewer, mine)][:limit]


def _insert(connection: Connection) -> Any:
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(_a)


def _clerk_records(connection: Connection, viewer: Viewer, stored: list[StoredAlert]) -> set[str]:
    if viewer.role is not Role.CLERK:
        return set()
    ids = sorted({i for s in stored for i in s.alert.record_ids})
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        query = select(feedback_records.c.id).where(
            feedback_records.c.id.in_(ids[start : start + 500]),
            feedback_records.c.clerk_id == viewer.identity,
        )
        found.update(connection.execute(query).scalars())
    return found


def _visible(alert: Alert, viewer: Viewer, mine: set[str]) -> bool:
    if viewer.role is Role.HQ:
        return True
    if viewer.role is Role.REGIONAL_MANAGER:
        return viewer.region_id is not None and viewer.region_id in alert.regions
    if viewer.role is Role.STORE_MANAGER:
        return viewer.store_id is not None and viewer.store_id in alert.stores
    return bool(mine.intersection(alert.record_ids))


def _row(alert: Alert, now: datetime) -> dict[str, Any]:
    return {
        "dedupe_key": alert.dedupe_key,
        "rule": alert.rule.value,
        "key": alert.key,
        "message": alert.message,
        "first_at": alert.first_at,
        "last_at": alert.last_at,
        "stores": json.dumps(alert.stores),
        "regions": json.dumps(alert.regions),
        "record_ids": json.dumps(alert.record_ids),
        "figures": json.dumps(alert.figures),
        "count": len(alert.record_ids),
        "created_at": now,
    }


def _stored(row: RowMapping) -> StoredAlert:
    alert = Alert(
        rule=AlertRule(row["rule"]),
        key=row["key"],
        message=row["message"],
        first_at=row["first_at"],
        last_at=row["last_at"],
        stores=json.loads(row["stores"]),
        regions=json.loads(row["regions"]),
        record_ids=json.loads(row["record_ids"]),
        figures=json.loads(row["figures"]),
    )
    return StoredAlert(
        int(row["id"]), alert, row["created_at"], row["delivered_at"], row["delivery_error"]
    )
