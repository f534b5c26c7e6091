"""Shift calendars: on shift now, next shift start, in the store's zone across DST changes."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from knowledge_base.shifts import (
    DatedShift,
    Hours,
    ShiftCalendar,
    WeeklyShift,
    parse_clock,
)

BERLIN = ZoneInfo("Europe/Berlin")
SHANGHAI = ZoneInfo("Asia/Shanghai")
MON, FRI, SAT, SUN = 0, 4, 5, 6
NINE_TO_FIVE = Hours(9 * 60, 17 * 60)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def berlin_clerk() -> ShiftCalendar:
    return ShiftCalendar("Europe/Berlin", weekly=(WeeklyShift(MON, NINE_TO_FIVE),))


def test_clock_times_are_24_hour_and_24_00_only_ends_a_shift() -> None:
    assert parse_clock("09:30") == 570
    assert parse_clock("9:30") == 570
    assert parse_clock("24:00", allow_24=True) == 1440
    for bad in ("24:00", "25:00", "9am", "0930", "", "12:60"):
        with pytest.raises(ValueError, match="24-hour"):
            parse_clock(bad)


def test_hours_must_end_after_they_start() -> None:
    with pytest.raises(ValueError):
        Hours(600, 600)
    assert Hours(540, 780).overlaps(Hours(720, 900))
    assert not Hours(540, 720).overlaps(Hours(720, 900))
    assert str(Hours(540, 1440)) == "09:00-24:00"


def test_a_weekly_shift_is_read_in_the_store_time_zone() -> None:
    calendar = ShiftCalendar("Asia/Shanghai", weekly=(WeeklyShift(MON, NINE_TO_FIVE),))
    monday_nine_local = datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI)
    assert calendar.on_shift(monday_nine_local)
    assert calendar.on_shift(utc("2026-11-30T08:59"))  # 16:59 in Shanghai
    assert not calendar.on_shift(utc("2026-11-30T09:00"))  # 17:00: the end is exclusive
    assert not calendar.on_shift(monday_nine_local - timedelta(minutes=1))
    # Not even a moment early (a notice would reach the clerk before the shift began).
    assert not calendar.on_shift(monday_nine_local - timedelta(milliseconds=500))


def test_on_shift_follows_the_wall_clock_across_the_spring_dst_change() -> None:
    calendar = berlin_clerk()
    # Monday before the change (CET, UTC+1): 09:00 local is 08:00 UTC.
    assert not calendar.on_shift(utc("2027-03-22T07:30"))
    assert calendar.on_shift(utc("2027-03-22T08:00"))
    # Monday after the change on Sunday 28 March (CEST, UTC+2): 09:00 local is 07:00 UTC.
    assert calendar.on_shift(utc("2027-03-29T07:30"))
    assert not calendar.on_shift(utc("2027-03-29T15:00"))  # 17:00 local


def test_next_shift_start_crosses_the_dst_change_correctly() -> None:
    calendar = berlin_clerk()
    assert calendar.next_start(utc("2027-03-27T12:00")) == utc("2027-03-29T07:00")
    assert calendar.next_start(utc("2026-10-24T12:00")) == utc("2026-10-26T08:00")


def test_a_shift_on_the_day_of_the_change_lasts_its_real_length() -> None:
    calendar = ShiftCalendar(
        "Europe/Berlin", dated=(DatedShift(date(2027, 3, 28), Hours(60, 300)),)
    )
    (interval,) = calendar.intervals(utc("2027-03-27T00:00"), utc("2027-03-29T00:00"))
    assert interval.end - interval.start == timedelta(hours=3)  # 01:00-05:00 loses an hour
    autumn = ShiftCalendar("Europe/Berlin", dated=(DatedShift(date(2026, 10, 25), Hours(60, 300)),))
    (interval,) = autumn.intervals(utc("2026-10-24T00:00"), utc("2026-10-26T00:00"))
    assert interval.end - interval.start == timedelta(hours=5)


def test_next_shift_start_is_strictly_later_and_skips_the_current_shift() -> None:
    calendar = berlin_clerk()
    during = datetime(2026, 11, 30, 10, 0, tzinfo=BERLIN)
    assert calendar.on_shift(during)
    assert calendar.next_start(during) == datetime(2026, 12, 7, 9, 0, tzinfo=BERLIN)
    assert calendar.available_from(during) == during
    sunday = datetime(2026, 11, 29, 20, 0, tzinfo=BERLIN)
    assert calendar.available_from(sunday) == datetime(2026, 11, 30, 9, 0, tzinfo=BERLIN)


def test_a_night_shift_written_as_two_days_is_continuous() -> None:
    calendar = ShiftCalendar(
        "Europe/Berlin",
        weekly=(WeeklyShift(FRI, Hours(22 * 60, 1440)), WeeklyShift(SAT, Hours(0, 6 * 60))),
    )
    assert calendar.on_shift(datetime(2026, 12, 4, 23, 59, tzinfo=BERLIN))
    assert calendar.on_shift(datetime(2026, 12, 5, 0, 0, tzinfo=BERLIN))
    assert calendar.on_shift(datetime(2026, 12, 5, 5, 59, tzinfo=BERLIN))
    assert not calendar.on_shift(datetime(2026, 12, 5, 6, 0, tzinfo=BERLIN))


def test_dated_shifts_add_to_the_weekly_ones_and_far_dates_are_found() -> None:
    calendar = ShiftCalendar(
        "Asia/Shanghai",
        weekly=(WeeklyShift(SUN, NINE_TO_FIVE),),
        dated=(DatedShift(date(2026, 12, 24), Hours(600, 1320)),),
    )
    assert calendar.on_shift(datetime(2026, 12, 24, 21, 0, tzinfo=SHANGHAI))
    only_dated = ShiftCalendar("Asia/Shanghai", dated=(DatedShift(date(2027, 2, 1), NINE_TO_FIVE),))
    assert only_dated.next_start(datetime(2026, 12, 1, tzinfo=SHANGHAI)) == datetime(
        2027, 2, 1, 9, 0, tzinfo=SHANGHAI
    )
    assert ShiftCalendar("Asia/Shanghai").next_start(datetime(2026, 12, 1, tzinfo=UTC)) is None


def test_worked_between_sees_any_overlap() -> None:
    calendar = berlin_clerk()
    assert calendar.worked_between(utc("2026-11-30T15:59"), utc("2026-12-01T00:00"))
    assert not calendar.worked_between(utc("2026-11-30T16:00"), utc("2026-12-06T00:00"))


def test_naive_moments_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        berlin_clerk().on_shift(datetime(2026, 11, 30, 10, 0))
