"""When a promotion (or one of its rule sets) runs: local wall-clock windows.

``start`` is the first moment an offer is on; ``end`` is the first moment it is *off*. A bare
date means 00:00 for ``start`` and the end of that day for ``end`` (the next day's 00:00), so
``end: 2026-11-29`` runs through Sunday and ``end: 2026-11-29T22:00`` stops at 22:00.
``24:00`` is accepted as the end of a day. Times carry no UTC offset: each store reads them
in its own IANA time zone.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from pydantic import ValidationInfo, field_validator

from knowledge_base.text import Schema

MIDNIGHT = time(0, 0)
LEGACY_END_OF_DAY = time(23, 59)
"""Before ends were exclusive, ``23:59`` meant "through the end of the day"; now it stops at
23:59, so ``kb validate`` warns about it."""


def parse_local(value: Any, *, is_end: bool) -> Any:
    """A naive local ``datetime`` from YAML (a date, a date-time, or their ISO text)."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            raise ValueError("window times are local to each store; remove the UTC offset")
        return value
    if isinstance(value, date):
        return _day_bound(value, is_end=is_end)
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                return _day_bound(date.fromisoformat(text), is_end=is_end)
            if is_end and text[10:].lstrip("T ") in {"24:00", "24:00:00"}:
                return _day_bound(date.fromisoformat(text[:10]), is_end=True)
            parsed = datetime.fromisoformat(text)
        except ValueError as e:
            raise ValueError(
                f"not a date or local date-time: {value!r} (write 2026-11-27 or 2026-11-27T00:00)"
            ) from e
        if parsed.tzinfo is not None:
            raise ValueError("window times are local to each store; remove the UTC offset")
        return parsed
    return value


def _day_bound(day: date, *, is_end: bool) -> datetime:
    start = datetime.combine(day, MIDNIGHT)
    return start + timedelta(days=1) if is_end else start


def last_day(end: datetime) -> date:
    """The last calendar day an offer ending (exclusively) at ``end`` is on."""
    return (end - timedelta(microseconds=1)).date()


def runs_to_midnight(end: datetime) -> bool:
    """True when the offer is on until the end of its last day (``end`` is 00:00)."""
    return end.time() == MIDNIGHT


def end_text(end: datetime) -> str:
    """An exclusive end as an author writes it: ``2026-11-29`` or ``2026-11-29 22:00``.

    A bare date means through that day. Never the next day's date: a fact line or a change
    note must not hold a date the offer is not on.
    """
    if runs_to_midnight(end):
        return f"{last_day(end):%Y-%m-%d}"
    return f"{end:%Y-%m-%d %H:%M}"


class Window(Schema):
    """When a promotion runs, in each store's local time: from ``start`` until ``end``.

    ``end`` is exclusive: the first moment the promotion is off.
    """

    start: datetime
    end: datetime

    @field_validator("start", mode="before")
    @classmethod
    def _start(cls, value: Any) -> Any:
        return parse_local(value, is_end=False)

    @field_validator("end", mode="before")
    @classmethod
    def _end(cls, value: Any) -> Any:
        return parse_local(value, is_end=True)

    @field_validator("end")
    @classmethod
    def _after_start(cls, end: datetime, info: ValidationInfo) -> datetime:
        start = info.data.get("start")
        if isinstance(start, datetime) and end <= start:
            raise ValueError(
                f"window ends ({end:%Y-%m-%d %H:%M}) before it starts ({start:%Y-%m-%d %H:%M})"
            )
        return end

    @property
    def last_day(self) -> date:
        """The last calendar day the window is on (``end: 2026-11-29`` -> 29 November)."""
        return last_day(self.end)

    def contains(self, local: datetime) -> bool:
        """True when naive local time ``local`` is inside the window."""
        return self.start <= local < self.end
