"""Briefings, their attendance and the changes proposed from them, on either engine."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import RowMapping, select

from knowledge_base.attendance import Presence
from knowledge_base.briefing import ChangeKind, ProposedChange
from voice_agent.storage.broadcast_schema import briefing_attendance, briefings, proposed_changes
from voice_agent.storage.engine import Database
from voice_agent.storage.timestamps import encode_time


class ChangeStatus(StrEnum):
    """A proposed change's decision."""

    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class BriefingRecord:
    """One voice briefing."""

    id: str
    scope: dict[str, object]
    """Stores, regions and roles it was for."""
    opened_by: str
    started_at: datetime
    ended_at: datetime | None = None
    recording: str | None = None
    """Where the recording is (a path or object key)."""
    summary: str = ""
    ended_because: str | None = None
    """Why it ended (:class:`knowledge_base.briefing_end.EndReason`; ``None``: open)."""


@dataclass(frozen=True, slots=True)
class StoredChange:
    """A proposed change with its id and decision."""

    id: int
    briefing_id: str
    change: ProposedChange
    status: ChangeStatus
    decided_by: str | None = None
    decided_at: datetime | None = None
    publication_id: int | None = None


class BriefingStateError(ValueError):
    """A decision on a change that was decided already."""

    code = "change_already_decided"


class SqlBriefingRepository:
    """Briefings (revision ``0003_broadcast``)."""

    def __init__(self, *, database: Database) -> None:
        """Use the (upgraded) ``database``."""
        self._database = database

    def open(self, briefing: BriefingRecord) -> None:
        """Store a new briefing."""
        encode_time(briefing.started_at)
        with self._database.transaction() as connection:
            connection.execute(
                briefings.insert().values(
                    id=briefing.id,
                    scope=json.dumps(briefing.scope, sort_keys=True),
                    opened_by=briefing.opened_by,
                    started_at=briefing.started_at,
                    ended_at=briefing.ended_at,
                    recording=briefing.recording,
                    summary=briefing.summary,
                )
            )

    def close(
        self,
        briefing_id: str,
        *,
        ended_at: datetime,
        recording: str | None,
        summary: str,
        ended_because: str = "closed",
    ) -> None:
        """Record the end, why, the recording and the summary.

        Raises:
            KeyError: No such briefing.
        """
        encode_time(ended_at)
        with self._database.transaction() as connection:
            done = connection.execute(
                briefings.update()
                .where(briefings.c.id == briefing_id)
                .values(
                    ended_at=ended_at,
                    recording=recording,
                    summary=summary,
                    ended_because=ended_because,
                )
            )
            if done.rowcount != 1:
                raise KeyError(f"no briefing {briefing_id!r}")

    def get(self, briefing_id: str) -> BriefingRecord | None:
        """One briefing, or ``None``."""
        with self._database.read() as connection:
            row = (
                connection.execute(select(briefings).where(briefings.c.id == briefing_id))
                .mappings()
                .first()
            )
        return briefing_from_row(row) if row is not None else None

    def all(self) -> list[BriefingRecord]:
        """Briefings, oldest first."""
        with self._database.read() as connection:
            rows = connection.execute(select(briefings).order_by(briefings.c.started_at))
            return [briefing_from_row(row) for row in rows.mappings()]

    def add_presence(self, briefing_id: str, presence: Presence) -> None:
        """Record one stretch of a participant in the room."""
        encode_time(presence.joined_at)
        with self._database.transaction() as connection:
            connection.execute(
                briefing_attendance.insert().values(
                    briefing_id=briefing_id,
                    identity=presence.identity,
                    joined_at=presence.joined_at,
                    left_at=presence.left_at,
                )
            )

    def presences(self, briefing_id: str) -> list[Presence]:
        """Every stretch recorded, in order of joining."""
        query = (
            select(briefing_attendance)
            .where(briefing_attendance.c.briefing_id == briefing_id)
            .order_by(briefing_attendance.c.joined_at, briefing_attendance.c.id)
        )
        with self._database.read() as connection:
            return [
                Presence(row["identity"], row["joined_at"], row["left_at"])
                for row in connection.execute(query).mappings()
            ]

    def propose(self, briefing_id: str, change: ProposedChange) -> int:
        """Store a proposed change; return its id."""
        with self._database.transaction() as connection:
            return int(
                connection.execute(
                    proposed_changes.insert()
                    .values(
                        briefing_id=briefing_id,
                        promotion_id=change.promotion_id,
                        change=json.dumps(change_to_dict(change), ensure_ascii=False),
                    )
                    .returning(proposed_changes.c.id)
                ).scalar_one()
            )

    def changes(self, briefing_id: str | None = None) -> list[StoredChange]:
        """Proposed changes (of one briefing), oldest first."""
        query = select(proposed_changes).order_by(proposed_changes.c.id)
        if briefing_id is not None:
            query = query.where(proposed_changes.c.briefing_id == briefing_id)
        with self._database.read() as connection:
            return [_change(row) for row in connection.execute(query).mappings()]

    def decide(
        self,
        change_id: int,
        *,
        status: ChangeStatus,
        decided_by: str,
        decided_at: datetime,
        publication_id: int | None = None,
    ) -> None:
        """Approve (with the publication it made) or reject a proposed change, once.

        Raises:
            KeyError: No such change.
            BriefingStateError: It was decided already.
        """
        encode_time(decided_at)
        with self._database.transaction() as connection:
            status_now = connection.execute(
                select(proposed_changes.c.status).where(proposed_changes.c.id == change_id)
            ).scalar()
            if status_now is None:
                raise KeyError(f"no proposed change {change_id}")
            if status_now != ChangeStatus.PROPOSED.value:
                raise BriefingStateError(f"change {change_id} was {status_now} already")
            connection.execute(
                proposed_changes.update()
                .where(proposed_changes.c.id == change_id)
                .values(
                    status=status.value,
                    decided_by=decided_by,
                    decided_at=decided_at,
                    publication_id=publication_id,
                )
            )


def change_to_dict(change: ProposedChange) -> dict[str, object]:
    """Plain values of a proposed change (for JSON and storage)."""
    return {
        "kind": change.kind.value,
        "promotion_id": change.promotion_id,
        "heard": change.heard,
        "at": change.at,
        "sku": change.sku,
        "percent": str(change.percent) if change.percent is not None else None,
        "end": change.end.isoformat() if change.end else None,
        "limit": change.limit,
        "description": change.describe(),
    }


def change_from_dict(data: dict[str, object]) -> ProposedChange:
    """The proposed change of :func:`change_to_dict`'s values."""
    return ProposedChange(
        kind=ChangeKind(str(data["kind"])),
        promotion_id=str(data["promotion_id"]),
        heard=str(data["heard"]),
        at=float(data["at"]),  # type: ignore[arg-type]
        sku=data.get("sku"),  # type: ignore[arg-type]
        percent=Decimal(str(data["percent"])) if data.get("percent") is not None else None,
        end=date.fromisoformat(str(data["end"])) if data.get("end") else None,
        limit=int(data["limit"]) if data.get("limit") is not None else None,  # type: ignore[call-overload]
    )


def briefing_from_row(row: RowMapping) -> BriefingRecord:
    """A briefing read back from its ``briefings`` row."""
    return BriefingRecord(
        id=row["id"],
        scope=json.loads(row["scope"]),
        opened_by=row["opened_by"],
        started_at=row["started_at"],
        ended_at=row["ended_at"],
        recording=row["recording"],
        summary=row["summary"],
        ended_because=row["ended_because"],
    )


def _change(row: RowMapping) -> StoredChange:
    return StoredChange(
        id=int(row["id"]),
        briefing_id=row["briefing_id"],
        change=change_from_dict(json.loads(row["change"])),
        status=ChangeStatus(row["status"]),
        decided_by=row["decided_by"],
        decided_at=row["decided_at"],
        publication_id=row["publication_id"],
    )
