"""The loaded roster (people and shifts), on either engine.

A load replaces the previous roster whole in one transaction: a reader sees the old roster
or the new one, never a mix. The roster is stored as read (people in roster order, their time
zone and wall-clock shifts), so it is rebuilt without the knowledge base.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, select

from knowledge_base.answering import Role
from knowledge_base.rosters import Roster, StaffMember
from knowledge_base.shifts import DatedShift, Hours, ShiftCalendar, WeeklyShift
from voice_agent.storage.broadcast_schema import roster_members, roster_shifts, rosters
from voice_agent.storage.engine import Database
from voice_agent.storage.timestamps import encode_time


@dataclass(frozen=True, slots=True)
class RosterLoad:
    """Where the stored roster came from."""

    id: int
    source: str
    """A file name, or ``upload`` for one sent over HTTP."""
    loaded_by: str
    loaded_at: datetime


class SqlRosterRepository:
    """The roster (revision ``0003_broadcast``)."""

    def __init__(self, *, database: Database) -> None:
        """Use the (upgraded) ``database``."""
        self._database = database

    def replace(
        self, roster: Roster, *, source: str, loaded_by: str, loaded_at: datetime
    ) -> RosterLoad:
        """Store ``roster`` in place of the previous one, atomically."""
        encode_time(loaded_at)
        with self._database.transaction() as connection:
            connection.execute(delete(roster_shifts))
            connection.execute(delete(roster_members))
            connection.execute(delete(rosters))
            roster_id = int(
                connection.execute(
                    rosters.insert()
                    .values(source=source, loaded_by=loaded_by, loaded_at=loaded_at)
                    .returning(rosters.c.id)
                ).scalar_one()
            )
            members = [
                {
                    "roster_id": roster_id,
                    "position": position,
                    "identity": m.identity,
                    "name": m.name,
                    "role": m.role.value,
                    "store_id": m.store_id,
                    "region_id": m.region_id,
                    "time_zone": m.calendar.time_zone,
                }
                for position, m in enumerate(roster.members)
            ]
            shifts = [
                {
                    "roster_id": roster_id,
                    "identity": m.identity,
                    "weekday": s.weekday,
                    "day": None,
                    "start_minute": s.hours.start,
                    "end_minute": s.hours.end,
                }
                for m in roster.members
                for s in m.calendar.weekly
            ] + [
                {
                    "roster_id": roster_id,
                    "identity": m.identity,
                    "weekday": None,
                    "day": s.day.isoformat(),
                    "start_minute": s.hours.start,
                    "end_minute": s.hours.end,
                }
                for m in roster.members
                for s in m.calendar.dated
            ]
            if members:
                connection.execute(roster_members.insert(), members)
            if shifts:
                connection.execute(roster_shifts.insert(), shifts)
        return RosterLoad(roster_id, source, loaded_by, loaded_at)

    def load(self) -> Roster | None:
        """The stored roster, or ``None`` when none was loaded."""
        with self._database.read() as connection:
            head = connection.execute(select(rosters.c.id)).scalar()
            if head is None:
                return None
            people = list(
                connection.execute(
                    select(roster_members)
                    .where(roster_members.c.roster_id == head)
                    .order_by(roster_members.c.position)
                ).mappings()
            )
            shift_rows = list(
                connection.execute(
                    select(roster_shifts)
                    .where(roster_shifts.c.roster_id == head)
                    .order_by(roster_shifts.c.id)
                ).mappings()
            )
        weekly: dict[str, list[WeeklyShift]] = defaultdict(list)
        dated: dict[str, list[DatedShift]] = defaultdict(list)
        for row in shift_rows:
            hours = Hours(int(row["start_minute"]), int(row["end_minute"]))
            if row["weekday"] is not None:
                weekly[row["identity"]].append(WeeklyShift(int(row["weekday"]), hours))
            else:
                dated[row["identity"]].append(DatedShift(date.fromisoformat(row["day"]), hours))
        return Roster(
            tuple(
                StaffMember(
                    identity=row["identity"],
                    name=row["name"],
                    role=Role(row["role"]),
                    store_id=row["store_id"],
                    region_id=row["region_id"],
                    calendar=ShiftCalendar(
                        row["time_zone"],
                        tuple(weekly[row["identity"]]),
                        tuple(dated[row["identity"]]),
                    ),
                )
                for row in people
            )
        )

    def current(self) -> RosterLoad | None:
        """Where the stored roster came from, or ``None``."""
        with self._database.read() as connection:
            row = connection.execute(select(rosters)).mappings().first()
        if row is None:
            return None
        return RosterLoad(int(row["id"]), row["source"], row["loaded_by"], row["loaded_at"])
