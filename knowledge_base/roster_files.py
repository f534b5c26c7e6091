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
from typing import Literal

import yaml

from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.roster_rows import RosterBuilder
from knowledge_base.rosters import Roster

MAX_ROSTER_CHARS = 2_000_000
"""Longer roster text is refused before parsing (bounded memory on hostile input)."""
MAX_ROWS = 20_000
"""Shift rows (CSV lines or YAML shift entries) one roster may hold."""
CSV_COLUMNS = ("identity", "name", "role", "store", "region", "day", "start", "end")
CSV_REQUIRED = ("identity", "name", "role", "day", "start", "end")
RosterFormat = Literal["csv", "yaml"]


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
    reader = RosterBuilder(file=file, knowledge=knowledge)
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


def _read_csv(text: str, reader: RosterBuilder) -> None:
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


def _read_yaml(text: str, reader: RosterBuilder) -> None:
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
        values = _scalars(fields, reader, at, skip=tuple(_SHIFT_KEYS))
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
                shift_values = _scalars(shift_fields, reader, where)
                shift_lines = {key: _line(value) for key, value in shift_fields.items()}
                reader.shift(entry, shift_values, shift_lines, _line(shift), where, day_key=keys[0])


def _scalars(
    fields: dict[str, yaml.Node], reader: RosterBuilder, at: str, skip: tuple[str, ...] = ()
) -> dict[str, str]:
    """The plain values of a mapping as written (``09:00`` stays text); lists are refused."""
    values: dict[str, str] = {}
    for key, node in fields.items():
        if key in skip:
            continue
        if isinstance(node, yaml.ScalarNode):
            values[key] = str(node.value)
        else:
            reader.issue(
                _line(node), f"{at}{key}", f"{key} must be a single value", "roster_bad_row"
            )
    return values


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _mapping(
    node: yaml.Node | None, reader: RosterBuilder, at: str, keys: tuple[str, ...]
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
