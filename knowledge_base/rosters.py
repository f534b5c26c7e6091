"""Rosters: who works where, in which role, on which shifts.

:func:`knowledge_base.roster_files.parse_roster` reads one from CSV or YAML text (format in
docs/broadcast.md); this module holds what it yields.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from knowledge_base.answering import Role
from knowledge_base.errors import Issue, KnowledgeError
from knowledge_base.shifts import ShiftCalendar


class RosterError(KnowledgeError):
    """The roster cannot be used; ``issues`` lists every problem found."""

    code = "roster_invalid"

    def __init__(self, issues: Sequence[Issue]) -> None:
        self.issues = list(issues)
        shown = "\n".join(f"  {issue}" for issue in self.issues[:50])
        more = f"\n  ... and {len(self.issues) - 50} more" if len(self.issues) > 50 else ""
        super().__init__(f"roster has {len(self.issues)} error(s):\n{shown}{more}")


@dataclass(frozen=True, slots=True)
class StaffMember:
    """One person on the roster."""

    identity: str
    """LiveKit participant identity (the same as in their token)."""
    name: str
    role: Role
    store_id: str | None
    """Store they work in (clerks and store managers)."""
    region_id: str
    """Their store's region, or the region a regional manager looks after."""
    calendar: ShiftCalendar
    """Their shifts, in their store's (or region's) time zone."""


@dataclass(frozen=True, slots=True)
class Roster:
    """Everyone on a roster, by identity."""

    members: tuple[StaffMember, ...]

    def member(self, identity: str) -> StaffMember | None:
        """The person with ``identity``, or ``None``."""
        return next((m for m in self.members if m.identity == identity), None)

    def at_store(self, store_id: str, role: Role | None = None) -> list[StaffMember]:
        """People of a store (optionally of one role)."""
        return [
            m for m in self.members if m.store_id == store_id and (role is None or m.role is role)
        ]

    def store_managers(self, store_id: str) -> list[StaffMember]:
        """Who an unacknowledged notice at ``store_id`` is escalated to."""
        return self.at_store(store_id, Role.STORE_MANAGER)

    def managers_of(
        self, *, stores: Sequence[str] = (), regions: Sequence[str] = ()
    ) -> list[StaffMember]:
        """Store managers of ``stores`` and regional managers of ``regions``, roster order."""
        return [
            m
            for m in self.members
            if (m.role is Role.STORE_MANAGER and m.store_id in stores)
            or (m.role is Role.REGIONAL_MANAGER and m.region_id in regions)
        ]

    def in_region(self, region_id: str, role: Role | None = None) -> list[StaffMember]:
        """People of a region (optionally of one role)."""
        return [
            m for m in self.members if m.region_id == region_id and (role is None or m.role is role)
        ]

    def on_shift(self, at: datetime, *, store_id: str | None = None) -> list[StaffMember]:
        """People on shift at ``at`` (optionally only at one store)."""
        return [
            m
            for m in self.members
            if (store_id is None or m.store_id == store_id) and m.calendar.on_shift(at)
        ]
