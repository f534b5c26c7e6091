"""Escalations across nodes: who a node acts for, which escalations a store manager hears."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from knowledge_base.answering import Role
from knowledge_base.delivery import Delivery, DeliveryState
from knowledge_base.escalation_reach import (
    SPOKEN_WITHIN,
    acts_for,
    cut_off_by_a_lost_node,
    escalation_still_open,
    escalations_to_speak,
)
from knowledge_base.rosters import Roster, StaffMember
from knowledge_base.shifts import ShiftCalendar

T0 = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
CALENDAR = ShiftCalendar(time_zone="Asia/Shanghai")


def person(identity: str, role: Role, store: str | None) -> StaffMember:
    return StaffMember(
        identity=identity,
        name=identity.title(),
        role=role,
        store_id=store,
        region_id="east",
        calendar=CALENDAR,
    )


MEI = person("mei", Role.STORE_MANAGER, "SH-01")
LI = person("li", Role.STORE_MANAGER, "SH-02")
ROSTER = Roster(
    (
        person("chen", Role.CLERK, "SH-01"),
        person("wu", Role.CLERK, "SH-02"),
        person("zoe", Role.STORE_MANAGER, "SH-01"),
        person("rita", Role.REGIONAL_MANAGER, None),
        MEI,
        LI,
    )
)


def escalated(
    clerk: str, *, minutes_ago: float = 1, state: DeliveryState = DeliveryState.PLAYED
) -> Delivery:
    at = T0 - timedelta(minutes=minutes_ago)
    return Delivery(
        notice_id="weekend-running@3",
        clerk=clerk,
        created_at=at - timedelta(minutes=10),
        state=state,
        plays=2,
        last_played_at=at - timedelta(minutes=2),
        escalated_at=at,
    )


@pytest.mark.parametrize(
    ("shared", "here", "anywhere", "acts"),
    [
        (False, False, False, True),  # one node: it runs every session, or nobody does
        (False, False, True, True),
        (True, True, True, True),  # its own session
        (True, False, True, False),  # connected to another node: that node's
        (True, False, False, True),  # connected nowhere (left, or their node died)
    ],
)
def test_a_node_acts_for_its_own_sessions_and_for_people_connected_nowhere(
    shared: bool, here: bool, anywhere: bool, acts: bool
) -> None:
    assert acts_for(shared=shared, connected_here=here, connected_anywhere=anywhere) is acts


@pytest.mark.parametrize(
    ("state", "shared", "here", "anywhere", "cut_off"),
    [
        (DeliveryState.SPEAKING, True, False, False, True),  # its node died
        (DeliveryState.SPEAKING, True, False, True, False),  # a live node is speaking it
        (DeliveryState.SPEAKING, True, True, True, False),  # this node is speaking it
        (DeliveryState.SPEAKING, False, False, False, False),  # one node: recovered at start
        (DeliveryState.PLAYED, True, False, False, False),  # nothing was being spoken
        (DeliveryState.PENDING, True, False, False, False),
    ],
)
def test_a_notice_left_speaking_for_someone_connected_nowhere_was_cut_off_by_a_dead_node(
    state: DeliveryState, shared: bool, here: bool, anywhere: bool, cut_off: bool
) -> None:
    delivery = Delivery(
        notice_id="weekend-running@3", clerk="chen", created_at=T0, state=state, delivered_at=T0
    )
    found = cut_off_by_a_lost_node(
        delivery, shared=shared, connected_here=here, connected_anywhere=anywhere
    )
    assert found is cut_off


def test_a_store_manager_hears_the_escalations_about_clerks_of_their_store_only() -> None:
    chen, wu = escalated("chen"), escalated("wu")
    assert escalations_to_speak(MEI, [chen, wu], ROSTER, now=T0) == [chen]
    assert escalations_to_speak(LI, [chen, wu], ROSTER, now=T0) == [wu]


def test_only_store_managers_hear_escalations_and_only_about_clerks() -> None:
    about_a_manager = escalated("zoe")
    clerk = person("chen", Role.CLERK, "SH-01")
    regional = person("rita", Role.REGIONAL_MANAGER, None)
    assert escalations_to_speak(MEI, [about_a_manager], ROSTER, now=T0) == []
    assert escalations_to_speak(clerk, [escalated("chen")], ROSTER, now=T0) == []
    assert escalations_to_speak(regional, [escalated("chen")], ROSTER, now=T0) == []


def test_a_clerk_no_longer_on_the_roster_is_not_spoken_about() -> None:
    assert escalations_to_speak(MEI, [escalated("gone")], ROSTER, now=T0) == []


def test_an_escalation_is_worth_speaking_while_recent_and_unacknowledged() -> None:
    within = timedelta(hours=1)
    assert escalation_still_open(escalated("chen", minutes_ago=59), now=T0, within=within)
    assert not escalation_still_open(escalated("chen", minutes_ago=61), now=T0, within=within)
    acknowledged = escalated("chen", state=DeliveryState.ACKNOWLEDGED)
    superseded = escalated("chen", state=DeliveryState.SUPERSEDED)
    assert not escalation_still_open(acknowledged, now=T0, within=within)
    assert not escalation_still_open(superseded, now=T0, within=within)
    never = replace(escalated("chen"), escalated_at=None)
    assert not escalation_still_open(never, now=T0, within=within)


def test_a_manager_who_connects_within_a_shift_of_the_escalation_still_hears_it() -> None:
    late = escalated("chen", minutes_ago=SPOKEN_WITHIN.total_seconds() / 60 - 1)
    too_late = escalated("chen", minutes_ago=SPOKEN_WITHIN.total_seconds() / 60 + 1)
    assert escalations_to_speak(MEI, [late, too_late], ROSTER, now=T0) == [late]
