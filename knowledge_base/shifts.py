"""Shift calendars in a store's local time: who is on shift now, and when their next shift starts.

A calendar holds weekly shifts ("Monday 09:00-17:00") and dated shifts ("2026-12-24
10:00-22:00") as *wall-clock* times in one IANA time zone. Every question about a moment
turns the wall-clock shifts of the days around it into aware intervals first, so a shift
starting at 09:00 starts at 09:00 local time on both sides of a daylight-saving change
(07:00 UTC in Berlin summer, 08:00 UTC in winter). A wall-clock time skipped by a
spring-forward change reads as the same time before the change (02:30 becomes 03:30);
a repeated one at the autumn change means its first occurrence.

A shift ends before midnight or at ``24:00`` (the next day's 00:00); a night shift is
written as two shifts, one on each day.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MINUTES_PER_DAY = 24 * 60
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Weekday names as written in rosters; index 0 is Monday, as in :meth:`date.weekday`."""
_LOOKAHEAD_DAYS = 8
"""Weekly shifts repeat within a week: looking eight days ahead always finds the next one."""


@dataclass(frozen=True, slots=True)
class Hours:
    """A shift's wall-clock hours within one day."""

    start: int
    """Minutes after local midnight, 0..1439."""
    end: int
    """Minutes after local midnight, ``start + 1``..1440 (1440 is ``24:00``)."""

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end <= MINUTES_PER_DAY:
            raise ValueError(f"shift hours must satisfy 0 <= start < end <= 24:00: {self}")

    def overlaps(self, other: Hours) -> bool:
        """True when the two ranges share at least one minute."""
        return self.start < other.end and other.start < self.end

    def __str__(self) -> str:
        return f"{_clock(self.start)}-{_clock(self.end)}"


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_clock(text: str, *, allow_24: bool = False) -> int:
    """``"09:30"`` -> 570 minutes; ``"24:00"`` only with ``allow_24``.

    Raises:
        ValueError: Not a 24-hour ``HH:MM`` time.
    """
    value = text.strip()
    if allow_24 and value == "24:00":
        return MINUTES_PER_DAY
    try:
        if len(value) not in (4, 5) or value[-3] != ":":
            raise ValueError
        parsed = time.fromisoformat(value.zfill(5))
    except ValueError:
        raise ValueError(f"not a 24-hour time (HH:MM): {text!r}") from None
    return parsed.hour * 60 + parsed.minute


@dataclass(frozen=True, slots=True)
class WeeklyShift:
    """The same hours every week on one weekday."""

    weekday: int
    """0 = Monday ... 6 = Sunday."""
    hours: Hours


@dataclass(frozen=True, slots=True)
class DatedShift:
    """Hours on one calendar date."""

    day: date
    hours: Hours


@dataclass(frozen=True, slots=True)
class Interval:
    """An aware span of time, ``start`` inclusive, ``end`` exclusive (both in UTC)."""

    start: datetime
    end: datetime

    def contains(self, moment: datetime) -> bool:
        """True when ``moment`` falls inside."""
        return self.start <= moment < self.end


@dataclass(frozen=True, slots=True)
class ShiftCalendar:
    """Someone's shifts, read in one time zone."""

    time_zone: str
    """IANA zone of the store the shifts are worked in."""
    weekly: tuple[WeeklyShift, ...] = ()
    dated: tuple[DatedShift, ...] = ()

    @property
    def zone(self) -> ZoneInfo:
        """The calendar's time zone."""
        return ZoneInfo(self.time_zone)

    def hours_on(self, day: date) -> list[Hours]:
        """Wall-clock shifts on a local date: its weekday's shifts and its dated shifts."""
        found = [s.hours for s in self.weekly if s.weekday == day.weekday()]
        found += [s.hours for s in self.dated if s.day == day]
        return sorted(found, key=lambda hours: hours.start)

    def intervals(self, start: datetime, end: datetime) -> list[Interval]:
        """Shifts overlapping ``[start, end)``, as aware UTC intervals in time order."""
        _aware(start)
        _aware(end)
        first = start.astimezone(self.zone).date() - timedelta(days=1)
        last = end.astimezone(self.zone).date()
        found = [
            interval
            for day in _days(first, last)
            for interval in self._day_intervals(day)
            if interval.start < end and start < interval.end
        ]
        return sorted(found, key=lambda interval: interval.start)

    def current(self, at: datetime) -> Interval | None:
        """The shift going on at ``at``, or ``None``."""
        window = self.intervals(at, at + timedelta(seconds=1))
        # The shift must have begun: one starting within the next second has not yet.
        return next((i for i in window if i.start <= at < i.end), None)

    def on_shift(self, at: datetime) -> bool:
        """True when a shift is going on at ``at``."""
        return self.current(at) is not None

    def next_start(self, at: datetime) -> datetime | None:
        """The first shift start strictly after ``at`` (UTC), or ``None`` when none is planned."""
        _aware(at)
        local_day = at.astimezone(self.zone).date()
        starts = [
            interval.start
            for day in _days(local_day, local_day + timedelta(days=_LOOKAHEAD_DAYS))
            for interval in self._day_intervals(day)
            if interval.start > at
        ]
        if not starts:
            later = [s.day for s in self.dated if s.day > local_day]
            for day in sorted(later):
                starts = [i.start for i in self._day_intervals(day) if i.start > at]
                if starts:
                    break
        return min(starts, default=None)

    def available_from(self, at: datetime) -> datetime | None:
        """``at`` when on shift, else the next shift start (``None``: no shift planned)."""
        return at.astimezone(UTC) if self.on_shift(at) else self.next_start(at)

    def worked_between(self, start: datetime, end: datetime) -> bool:
        """True when any shift overlaps ``[start, end)``."""
        return bool(self.intervals(start, end))

    def _day_intervals(self, day: date) -> Iterator[Interval]:
        for hours in self.hours_on(day):
            yield Interval(self._moment(day, hours.start), self._moment(day, hours.end))

    def _moment(self, day: date, minutes: int) -> datetime:
        wall = datetime.combine(day, time(0)) + timedelta(minutes=minutes)
        return wall.replace(tzinfo=self.zone).astimezone(UTC)


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("the moment must be time-zone aware (got a naive datetime)")
