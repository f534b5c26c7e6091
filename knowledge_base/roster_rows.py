"""Checking roster rows (from CSV or YAML) and building the roster from them.

:class:`RosterBuilder` is fed one person and one shift at a time by
:mod:`knowledge_base.roster_files` (which knows the two formats) and checks each value
against the knowledge base: known store or region, store time zone, role, weekday or date,
24-hour times, end after start, no overlapping shifts, one person described one way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from knowledge_base.answering import Role
from knowledge_base.errors import Issue
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.rosters import Roster, RosterError, StaffMember
from knowledge_base.shifts import (
    WEEKDAYS,
    DatedShift,
    Hours,
    ShiftCalendar,
    WeeklyShift,
    parse_clock,
)


@dataclass(slots=True)
class _Entry:
    """A person being read, with the line that introduced them."""

    identity: str
    name: str
    role: Role
    store_id: str | None
    region_id: str
    zone: str
    line: int
    weekly: list[tuple[WeeklyShift, int]]
    dated: list[tuple[DatedShift, int]]


_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class RosterBuilder:
    """Checks roster rows one by one against the knowledge base; collects people and issues."""

    def __init__(self, *, file: str, knowledge: KnowledgeBase) -> None:
        self.file = file
        self.kb = knowledge
        self.issues: list[Issue] = []
        self.entries: dict[str, _Entry] = {}
        self.rows = 0
        """Shift rows read so far (bounded by the caller)."""

    def issue(self, line: int | None, field: str | None, message: str, code: str) -> None:
        """Record one problem (file, line, field)."""
        self.issues.append(Issue(self.file, line, field, message, "error", code))

    def person(
        self, values: dict[str, str], lines: dict[str, int], line: int, at: str
    ) -> _Entry | None:
        """Check the person fields of a row or YAML entry; merge repeats of one identity."""
        missing = [key for key in ("identity", "name", "role") if not values.get(key)]
        for key in missing:
            self.issue(line, f"{at}{key}", f"{key} is required", "roster_missing_field")
        if missing:
            return None
        identity, name = values["identity"].strip(), values["name"].strip()
        try:
            role = Role(values["role"].strip().lower())
        except ValueError:
            known = ", ".join(r.value for r in Role)
            self.issue(
                lines.get("role", line),
                f"{at}role",
                f"unknown role {values['role']!r} (one of {known})",
                "roster_bad_role",
            )
            return None
        place = self._place(role, values, lines, line, at)
        if place is None:
            return None
        store_id, region_id, zone = place
        entry = self.entries.get(identity)
        if entry is None:
            entry = _Entry(identity, name, role, store_id, region_id, zone, line, [], [])
            self.entries[identity] = entry
        elif (entry.name, entry.role, entry.store_id) != (name, role, store_id):
            self.issue(
                line,
                f"{at}identity",
                f"{identity!r} is listed on line {entry.line} with another name, role or store",
                "roster_conflicting_person",
            )
            return None
        return entry

    def _place(
        self, role: Role, values: dict[str, str], lines: dict[str, int], line: int, at: str
    ) -> tuple[str | None, str, str] | None:
        store_id = (values.get("store") or "").strip() or None
        region_id = (values.get("region") or "").strip() or None
        if store_id is not None:
            if store_id not in self.kb.stores:
                self.issue(
                    lines.get("store", line),
                    f"{at}store",
                    f"unknown store {store_id!r}",
                    "roster_unknown_store",
                )
                return None
            region_id = self.kb.region_of(store_id).id
            zone = self.kb.zone_name(store_id)
        elif role in (Role.CLERK, Role.STORE_MANAGER):
            self.issue(line, f"{at}store", f"a {role.value} needs a store", "roster_missing_field")
            return None
        elif region_id is None or region_id not in self.kb.regions:
            message = (
                f"a {role.value} needs a store or region"
                if region_id is None
                else (f"unknown region {region_id!r}")
            )
            self.issue(lines.get("region", line), f"{at}region", message, "roster_unknown_region")
            return None
        else:
            region = self.kb.regions[region_id]
            zone = region.time_zone or next(
                (s.time_zone for s in region.stores if s.time_zone), None
            )
        if zone is None:
            self.issue(
                line, f"{at}store", "the store has no time zone in regions.yaml", "roster_no_zone"
            )
            return None
        return store_id, region_id, zone

    def shift(
        self,
        entry: _Entry,
        values: dict[str, str],
        lines: dict[str, int],
        line: int,
        at: str,
        *,
        day_key: str,
    ) -> None:
        """Check one shift and add it to ``entry``."""
        self.rows += 1
        day_text = (values.get(day_key) or "").strip().lower()
        weekday: int | None = None
        on: date | None = None
        if day_text in WEEKDAYS or day_text in _DAY_NAMES:
            weekday = WEEKDAYS.index(day_text[:3])
        else:
            try:
                on = date.fromisoformat(day_text)
            except ValueError:
                self.issue(
                    lines.get(day_key, line),
                    f"{at}{day_key}",
                    f"not a weekday (mon..sun) or a date (2026-12-24): {day_text!r}",
                    "roster_bad_day",
                )
                return
        hours = self._hours(values, lines, line, at)
        if hours is None:
            return
        day_of_week = weekday if weekday is not None else on.weekday() if on else -1
        clash = [
            other_line
            for other, other_line in entry.weekly
            if other.weekday == day_of_week and other.hours.overlaps(hours)
        ] + [
            other_line
            for other, other_line in entry.dated
            if other.day.weekday() == day_of_week
            and (on is None or other.day == on)
            and other.hours.overlaps(hours)
        ]
        if clash:
            self.issue(
                line,
                f"{at}start",
                f"shift {hours} overlaps {entry.identity}'s shift on line {clash[0]}",
                "roster_overlapping_shifts",
            )
            return
        if weekday is not None:
            entry.weekly.append((WeeklyShift(weekday, hours), line))
        elif on is not None:
            entry.dated.append((DatedShift(on, hours), line))

    def _hours(
        self, values: dict[str, str], lines: dict[str, int], line: int, at: str
    ) -> Hours | None:
        parsed: dict[str, int] = {}
        for key in ("start", "end"):
            try:
                parsed[key] = parse_clock(values.get(key) or "", allow_24=key == "end")
            except ValueError as e:
                self.issue(lines.get(key, line), f"{at}{key}", str(e), "roster_bad_time")
        if len(parsed) < 2:
            return None
        if parsed["end"] <= parsed["start"]:
            self.issue(
                lines.get("end", line),
                f"{at}end",
                f"shift ends ({values.get('end')}) before it starts ({values.get('start')});"
                " write a night shift as two shifts, one each day",
                "roster_end_before_start",
            )
            return None
        return Hours(parsed["start"], parsed["end"])

    def roster(self) -> Roster:
        """The roster read so far.

        Raises:
            RosterError: With every problem recorded.
        """
        if self.issues:
            raise RosterError(self.issues)
        return Roster(
            tuple(
                StaffMember(
                    identity=e.identity,
                    name=e.name,
                    role=e.role,
                    store_id=e.store_id,
                    region_id=e.region_id,
                    calendar=ShiftCalendar(
                        e.zone, tuple(s for s, _ in e.weekly), tuple(s for s, _ in e.dated)
                    ),
                )
                for e in self.entries.values()
            )
        )
