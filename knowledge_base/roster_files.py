"""Reading rosters from CSV or YAML text (format and examples in docs/broadcast.md).

:func:`parse_roster` reads roster *text* (the caller reads the file or the HTTP body) and
checks it against the knowledge base's stores and regions. Every problem is reported as an
:class:`~knowledge_base.errors.Issue` with file, line and field (unknown store, bad time,
end before start, overlapping shifts, ...), all at once, in one
:class:`~knowledge_base.rosters.RosterError`; a roster with any error yields nothing, so a
bad upload never replaces a good roster. Times are the store's local wall-clock times.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Literal

import yaml

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

MAX_ROSTER_CHARS = 2_000_000
"""Longer roster text is refused before parsing (bounded memory on hostile input)."""
MAX_ROWS = 20_000
"""Shift rows (CSV lines or YAML shift entries) one roster may hold."""
CSV_COLUMNS = ("identity", "name", "role", "store", "region", "day", "start", "end")
CSV_REQUIRED = ("identity", "name", "role", "day", "start", "end")
RosterFormat = Literal["csv", "yaml"]


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


class _Reader:
    """Collects people and issues from one roster text."""

    def __init__(self, *, file: str, knowledge: KnowledgeBase) -> None:
        self.file = file
        self.kb = knowledge
        self.issues: list[Issue] = []
        self.entries: dict[str, _Entry] = {}
        self.rows = 0

    def issue(self, line: int | None, field: str | None, message: str, code: str) -> None:
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
                "a regional manager needs a store or region"
                if region_id is None
                else (f"unknown region {region_id!r}")
            )
            self.issue(lines.get("region", line), f"{at}region", message, "roster_unknown_region")
            return None
        else:
            region = self.kb.regions[region_id]
            zone = region.time_zone or next((s.time_zone for s in region.stores), None)
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
        if day_text[:3] in WEEKDAYS and (len(day_text) == 3 or day_text.isalpha()):
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


def parse_roster(
    text: str,
    *,
    file: str,
    knowledge: KnowledgeBase,
    format: RosterFormat | None = None,
) -> Roster:
    """Read a roster (CSV or YAML text) and check it against the knowledge base.

    Args:
        text: The roster's content.
        file: Name shown in error messages (a path or ``upload``).
        knowledge: Stores, regions and their time zones.
        format: ``csv`` or ``yaml``; ``None`` decides by ``file``'s extension (``.csv``).

    Raises:
        RosterError: With every problem found (file, line, field).
    """
    reader = _Reader(file=file, knowledge=knowledge)
    kind = format or ("csv" if file.lower().endswith(".csv") else "yaml")
    if len(text) > MAX_ROSTER_CHARS:
        reader.issue(
            None, None, f"roster is larger than {MAX_ROSTER_CHARS} characters", "roster_too_large"
        )
    elif kind == "csv":
        _read_csv(text, reader)
    else:
        _read_yaml(text, reader)
    return reader.roster()


def _read_csv(text: str, reader: _Reader) -> None:
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header: list[str] | None = None
    for row in rows:
        line = rows.line_num
        if not row or all(not cell.strip() for cell in row) or row[0].lstrip().startswith("#"):
            continue
        if header is None:
            header = [cell.strip().lower() for cell in row]
            for column in header:
                if column not in CSV_COLUMNS:
                    reader.issue(line, column, f"unknown column {column!r}", "roster_unknown_field")
            for column in CSV_REQUIRED:
                if column not in header:
                    reader.issue(line, column, f"missing column {column!r}", "roster_missing_field")
            if reader.issues:
                return
            continue
        if reader.rows >= MAX_ROWS:
            reader.issue(line, None, f"more than {MAX_ROWS} rows", "roster_too_large")
            return
        if len(row) != len(header):
            reader.issue(
                line, None, f"{len(row)} cells, the header has {len(header)}", "roster_bad_row"
            )
            continue
        values = dict(zip(header, (cell.strip() for cell in row), strict=True))
        entry = reader.person(values, {}, line, "")
        if entry is None:
            continue
        if any(values.get(key) for key in ("day", "start", "end")):
            reader.shift(entry, values, {}, line, "", day_key="day")
        else:
            reader.rows += 1
    if header is None:
        reader.issue(1, None, "the roster is empty (expected a header line)", "roster_empty")


_PERSON_KEYS = ("identity", "name", "role", "store", "region", "weekly", "dated")
_SHIFT_KEYS = {"weekly": ("day", "start", "end"), "dated": ("date", "start", "end")}


def _read_yaml(text: str, reader: _Reader) -> None:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        reader.issue(line, None, f"invalid YAML: {e.problem or e.context}", "roster_syntax")
        return
    except yaml.YAMLError as e:
        reader.issue(None, None, f"invalid YAML: {e}", "roster_syntax")
        return
    top = _mapping(root, reader, "", ("staff",))
    staff = top.get("staff") if top else None
    if top is not None and staff is None:
        reader.issue(1, "staff", "expected a top-level 'staff:' list", "roster_missing_field")
    if not isinstance(staff, yaml.SequenceNode):
        if staff is not None:
            reader.issue(_line(staff), "staff", "'staff' must be a list", "roster_bad_row")
        return
    for index, node in enumerate(staff.value):
        at = f"staff[{index}]."
        fields = _mapping(node, reader, at, _PERSON_KEYS)
        if fields is None:
            continue
        values = {k: str(v.value) for k, v in fields.items() if isinstance(v, yaml.ScalarNode)}
        lines = {key: _line(value) for key, value in fields.items()}
        entry = reader.person(values, lines, _line(node), at)
        if entry is None:
            continue
        for kind, keys in _SHIFT_KEYS.items():
            shifts = fields.get(kind)
            if shifts is None:
                continue
            if not isinstance(shifts, yaml.SequenceNode):
                reader.issue(
                    _line(shifts), f"{at}{kind}", f"{kind} must be a list", "roster_bad_row"
                )
                continue
            for number, shift in enumerate(shifts.value):
                if reader.rows >= MAX_ROWS:
                    reader.issue(
                        _line(shift), None, f"more than {MAX_ROWS} shifts", "roster_too_large"
                    )
                    return
                where = f"{at}{kind}[{number}]."
                shift_fields = _mapping(shift, reader, where, keys)
                if shift_fields is None:
                    continue
                shift_values = {
                    k: str(v.value)
                    for k, v in shift_fields.items()
                    if isinstance(v, yaml.ScalarNode)
                }
                shift_lines = {key: _line(value) for key, value in shift_fields.items()}
                reader.shift(entry, shift_values, shift_lines, _line(shift), where, day_key=keys[0])


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _mapping(
    node: yaml.Node | None, reader: _Reader, at: str, keys: tuple[str, ...]
) -> dict[str, yaml.Node] | None:
    """The keys of a mapping node; unknown keys and non-mappings are reported."""
    if not isinstance(node, yaml.MappingNode):
        line = _line(node) if node is not None else 1
        reader.issue(line, at.rstrip(".") or None, "expected a mapping", "roster_bad_row")
        return None
    fields: dict[str, yaml.Node] = {}
    for key, value in node.value:
        name = str(key.value)
        if name not in keys:
            reader.issue(
                _line(key), f"{at}{name}", f"unknown field {name!r}", "roster_unknown_field"
            )
        elif name in fields:
            reader.issue(_line(key), f"{at}{name}", f"{name!r} given twice", "roster_duplicate_key")
        else:
            fields[name] = value
    return fields
