"""How a briefing ends: when one whose node died counts as abandoned, and what it leaves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from knowledge_base.attendance import Presence, attendance
from knowledge_base.briefing import Caption, ChangeKind
from knowledge_base.briefing_end import abandoned, close_open, conclude, last_seen
from knowledge_base.knowledge import KnowledgeBase

T0 = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
STALE = timedelta(seconds=10)


@pytest.mark.parametrize(
    ("running_here", "shared", "seen_secs_ago", "gone"),
    [
        (True, False, 3600, False),  # this node runs it
        (True, True, 3600, False),
        (False, False, 0, True),  # one node, started again: nobody else can be running it
        (False, True, 5, False),  # a live node renewed it 5 s ago
        (False, True, 11, True),  # its node has been silent longer than the limit
    ],
)
def test_a_briefing_is_abandoned_when_no_live_node_can_be_running_it(
    running_here: bool, shared: bool, seen_secs_ago: float, gone: bool
) -> None:
    now = T0 + timedelta(hours=1)
    found = abandoned(
        running_here=running_here,
        shared=shared,
        started_at=T0,
        seen_at=now - timedelta(seconds=seen_secs_ago),
        now=now,
        stale_after=STALE,
    )
    assert found is gone


def test_a_briefing_never_renewed_counts_from_its_start() -> None:
    assert last_seen(started_at=T0, seen_at=None) == T0
    assert not abandoned(
        running_here=False, shared=True, started_at=T0, seen_at=None, now=T0, stale_after=STALE
    )
    assert abandoned(
        running_here=False,
        shared=True,
        started_at=T0,
        seen_at=None,
        now=T0 + timedelta(minutes=1),
        stale_after=STALE,
    )


def test_stretches_still_open_at_the_end_are_closed_there_and_count_in_attendance() -> None:
    end = T0 + timedelta(minutes=10)
    presences = [
        Presence("mei", T0),
        Presence("ben", T0 + timedelta(minutes=1), T0 + timedelta(minutes=4)),
        Presence("ana", end + timedelta(seconds=2)),  # joined after the last sign of life
    ]
    closed = close_open(presences, end)
    assert [p.left_at for p in closed] == [end, T0 + timedelta(minutes=4), closed[2].joined_at]
    minutes = {a.identity: a.minutes for a in attendance(closed, started_at=T0, ended_at=end)}
    assert minutes == {"mei": 10.0, "ben": 3.0}


def test_a_concluded_briefing_has_its_summary_and_proposed_changes(
    knowledge: KnowledgeBase,
) -> None:
    captions = [
        Caption(0.8, 4.2, "From Saturday the AX-200 is out of the weekend offer.", "mei"),
        Caption(4.9, 7.5, "Please tell customers before they get to the till.", "mei"),
    ]
    outcome = conclude(
        captions,
        [Presence("mei", T0)],
        knowledge=knowledge,
        speaker="mei",
        ended_at=T0 + timedelta(minutes=2),
    )
    assert outcome.ended_at == T0 + timedelta(minutes=2)
    assert [p.left_at for p in outcome.presences] == [T0 + timedelta(minutes=2)]
    assert [(c.kind, c.sku) for c in outcome.proposals] == [(ChangeKind.EXCLUDE_SKU, "AX-200")]
    assert "AX-200 is out of the weekend offer" in outcome.summary
