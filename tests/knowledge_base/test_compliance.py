"""Compliance arithmetic: heard, acknowledged, passed, time to compliance, scoped views."""

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from knowledge_base.answering import Role
from knowledge_base.compliance import (
    ComplianceAccessError,
    Receipt,
    VersionCompliance,
    scoped,
    version_compliance,
)
from knowledge_base.delivery import Acknowledged, Delivery, PlaybackFinished, PlaybackStarted, apply
from knowledge_base.rosters import Roster, StaffMember
from knowledge_base.shifts import Hours, ShiftCalendar, WeeklyShift

SHANGHAI = ZoneInfo("Asia/Shanghai")
MON, SAT = 0, 5
PUBLISHED = datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI)  # a Monday
REGIONS = {
    "SH-01": "east-china",
    "SH-02": "east-china",
    "HZ-01": "east-china",
    "SG-01": "singapore",
}


def at(minutes: float) -> datetime:
    return PUBLISHED + timedelta(minutes=minutes)


def clerk(identity: str, store: str, weekday: int, role: Role = Role.CLERK) -> StaffMember:
    calendar = ShiftCalendar("Asia/Shanghai", weekly=(WeeklyShift(weekday, Hours(540, 1020)),))
    return StaffMember(identity, identity.title(), role, store, REGIONS[store], calendar)


ROSTER = Roster(
    (
        clerk("ana", "SH-01", MON),
        clerk("ben", "SH-01", SAT),
        clerk("mei", "SH-01", MON, Role.STORE_MANAGER),
        clerk("cho", "SH-02", MON),
        clerk("dan", "SG-01", MON),
    )
)


def report(receipts: list[Receipt], as_of: datetime) -> VersionCompliance:
    return version_compliance(
        promotion_id="weekend-running",
        version=3,
        published_at=PUBLISHED,
        store_ids=["SH-01", "SH-02", "HZ-01", "SG-01"],
        store_regions=REGIONS,
        roster=ROSTER,
        receipts=receipts,
        as_of=as_of,
    )


MONDAY = [
    Receipt("ana", heard_at=at(1), acknowledged_at=at(2), passed_at=at(10)),
    Receipt("cho", heard_at=at(1)),
    Receipt("dan", heard_at=at(1), acknowledged_at=at(5)),
]


def stores(result: VersionCompliance) -> dict[str, dict[str, object]]:
    data = result.to_dict()
    return {str(s["store_id"]): s for s in data["stores"]}  # type: ignore[union-attr, index]


def test_time_to_compliance_counts_the_clerks_on_shift_since_publishing() -> None:
    sh01 = stores(report(MONDAY, at(120)))["SH-01"]
    assert sh01["required"] == 1  # ben's shift is on Saturday; mei is a manager
    assert (sh01["heard"], sh01["acknowledged"], sh01["passed"]) == (1, 1, 1)
    assert sh01["time_to_acknowledged"] == {
        "compliant": True,
        "at": at(2).isoformat(),
        "seconds": 120.0,
    }
    assert sh01["time_to_passed"] == {"compliant": True, "at": at(10).isoformat(), "seconds": 600.0}
    assert sh01["waiting_for_acknowledgement"] == []


def test_a_store_not_yet_compliant_shows_elapsed_time_and_who_is_missing() -> None:
    sh02 = stores(report(MONDAY, at(120)))["SH-02"]
    assert sh02["time_to_acknowledged"] == {"compliant": False, "at": None, "seconds": 7200.0}
    assert sh02["waiting_for_acknowledgement"] == ["cho"]
    assert sh02["waiting_for_quiz"] == ["cho"]
    sg01 = stores(report(MONDAY, at(120)))["SG-01"]
    assert sg01["time_to_acknowledged"]["compliant"] is True  # type: ignore[index]
    assert sg01["time_to_passed"]["compliant"] is False  # type: ignore[index]


def test_a_clerk_who_failed_the_quiz_is_listed_as_failed_not_as_waiting() -> None:
    failed = Receipt("cho", heard_at=at(1), acknowledged_at=at(3), quiz_failed_at=at(30))
    sh02 = stores(report([*MONDAY[:1], failed, *MONDAY[2:]], at(120)))["SH-02"]
    assert (sh02["failed_quiz"], sh02["waiting_for_quiz"], sh02["passed"]) == (["cho"], [], 0)
    assert sh02["time_to_passed"]["compliant"] is False  # type: ignore[index]
    (cho,) = sh02["clerks"]  # type: ignore[misc]
    assert cho["quiz_failed_at"] == at(30).isoformat()


def test_a_store_with_nobody_on_shift_is_not_compliant_yet() -> None:
    hz01 = stores(report(MONDAY, at(120)))["HZ-01"]
    assert (hz01["clerks"], hz01["required"]) == ([], 0)
    assert hz01["time_to_acknowledged"]["compliant"] is False  # type: ignore[index]


def test_a_clerk_starting_a_later_shift_does_not_undo_compliance() -> None:
    saturday = datetime(2026, 12, 5, 13, 0, tzinfo=SHANGHAI)
    receipts = [*MONDAY, Receipt("ben", heard_at=saturday - timedelta(minutes=40))]
    sh01 = stores(report(receipts, saturday))["SH-01"]
    assert sh01["required"] == 2
    assert sh01["time_to_acknowledged"]["at"] == at(2).isoformat()  # type: ignore[index]
    assert sh01["waiting_for_acknowledgement"] == ["ben"]


def test_compliance_waits_for_the_last_on_shift_clerk() -> None:
    late = [
        Receipt("ana", heard_at=at(1), acknowledged_at=at(2)),
        Receipt("cho", heard_at=at(1), acknowledged_at=at(30)),
    ]
    roster = Roster((*ROSTER.members, clerk("eve", "SH-02", MON)))
    result = version_compliance(
        promotion_id="weekend-running",
        version=3,
        published_at=PUBLISHED,
        store_ids=["SH-02"],
        store_regions=REGIONS,
        roster=roster,
        receipts=[*late, Receipt("eve", heard_at=at(3), acknowledged_at=at(45))],
        as_of=at(60),
    )
    (sh02,) = result.stores
    assert sh02.acknowledged_at == at(45)


def test_events_after_the_report_moment_are_not_counted() -> None:
    sh01 = stores(report(MONDAY, at(5)))["SH-01"]
    assert sh01["time_to_passed"] == {"compliant": False, "at": None, "seconds": 300.0}


def test_views_are_scoped_by_role() -> None:
    full = report(MONDAY, at(120))
    assert [s.store_id for s in scoped(full, role=Role.HQ).stores] == [
        "HZ-01",
        "SG-01",
        "SH-01",
        "SH-02",
    ]
    east = scoped(full, role=Role.REGIONAL_MANAGER, region_id="east-china")
    assert [s.store_id for s in east.stores] == ["HZ-01", "SH-01", "SH-02"]
    mine = scoped(full, role=Role.STORE_MANAGER, store_id="SH-01")
    assert [s.store_id for s in mine.stores] == ["SH-01"]
    assert scoped(full, role=Role.STORE_MANAGER, store_id="BER-01").stores == ()
    with pytest.raises(ComplianceAccessError) as caught:
        scoped(full, role=Role.CLERK, store_id="SH-01")
    assert caught.value.code == "compliance_forbidden"


def test_the_report_is_json_ready() -> None:
    data = report(MONDAY, at(120)).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert (data["promotion_id"], data["version"]) == ("weekend-running", 3)
    clerks = stores(report(MONDAY, at(120)))["SH-01"]["clerks"]
    assert clerks[0] == {  # type: ignore[index]
        "identity": "ana",
        "name": "Ana",
        "required": True,
        "heard_at": at(1).isoformat(),
        "acknowledged_at": at(2).isoformat(),
        "passed_at": at(10).isoformat(),
        "quiz_failed_at": None,
        "on_shift_from": at(0).astimezone(UTC).isoformat(),
    }
    assert clerks[1]["required"] is False and clerks[1]["on_shift_from"] == (  # type: ignore[index]
        datetime(2026, 12, 5, 1, 0, tzinfo=UTC).isoformat()
    )


def test_a_receipt_is_read_from_the_delivery_record() -> None:
    delivery = Delivery(notice_id="weekend-running@3", clerk="ana", created_at=PUBLISHED)
    for event in (PlaybackStarted(at(0.5)), PlaybackFinished(at(1)), Acknowledged(at(2))):
        delivery = apply(delivery, event)
    receipt = Receipt.of(delivery, passed_at=at(10))
    assert receipt == Receipt("ana", heard_at=at(1), acknowledged_at=at(2), passed_at=at(10))
