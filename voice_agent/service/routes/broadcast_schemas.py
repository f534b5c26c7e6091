"""The request and response bodies of the roster and notice routes (:mod:`.broadcast`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from knowledge_base.answering import Role
from knowledge_base.roster_files import MAX_ROSTER_CHARS
from knowledge_base.rosters import StaffMember
from knowledge_base.shifts import WEEKDAYS


class RosterUpload(BaseModel):
    """A roster file's content (format in docs/broadcast.md)."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["csv", "yaml"] = Field(description="csv or yaml.")
    content: str = Field(max_length=MAX_ROSTER_CHARS, description="The roster file's text.")


class ShiftPublic(BaseModel):
    """One shift in the store's local time: weekly (``day`` mon..sun) or dated (ISO date)."""

    day: str
    start: str
    end: str


class MemberPublic(BaseModel):
    """One person on the roster."""

    identity: str
    name: str
    role: Role
    store_id: str | None
    region_id: str
    time_zone: str
    shifts: list[ShiftPublic]

    @classmethod
    def of(cls, member: StaffMember) -> MemberPublic:
        """The public form of a roster member."""
        calendar = member.calendar
        weekly = [ShiftPublic(day=WEEKDAYS[s.weekday], **_hours(s.hours)) for s in calendar.weekly]
        dated = [ShiftPublic(day=s.day.isoformat(), **_hours(s.hours)) for s in calendar.dated]
        return cls(
            identity=member.identity,
            name=member.name,
            role=member.role,
            store_id=member.store_id,
            region_id=member.region_id,
            time_zone=calendar.time_zone,
            shifts=weekly + dated,
        )


def _hours(hours: Any) -> dict[str, str]:
    start, end = str(hours).split("-")
    return {"start": start, "end": end}


class RosterPublic(BaseModel):
    """The roster, as far as the caller oversees it."""

    source: str | None
    loaded_by: str | None
    loaded_at: datetime | None
    members: list[MemberPublic]


class DeliveryPublic(BaseModel):
    """One person's delivery of one notice."""

    identity: str
    name: str | None
    store_id: str | None
    state: str
    delivered_at: datetime | None
    played_at: datetime | None
    acknowledged_at: datetime | None
    escalated_at: datetime | None
    superseded_at: datetime | None
    plays: int


class NoticePublic(BaseModel):
    """A notice and the deliveries the caller may see."""

    id: str
    publication_id: int
    promotion_id: str
    version: int
    created_at: datetime
    deliveries: list[DeliveryPublic]


class NoticeList(BaseModel):
    """Notices, oldest first."""

    notices: list[NoticePublic]
