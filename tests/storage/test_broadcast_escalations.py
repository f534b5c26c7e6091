"""Escalations on a cluster on both engines: presence per node, one escalation, told once."""

from __future__ import annotations

from datetime import timedelta

from knowledge_base.delivery import (
    Acknowledged,
    Delivery,
    PlaybackFinished,
    PlaybackStarted,
    apply,
)
from tests.broadcast.helpers import age_presence
from tests.storage.test_broadcast_repositories import T0, _notice, _publish
from voice_agent.storage import Database, SqlNoticeRepository
from voice_agent.storage.broadcast_escalations import SqlEscalations, SqlPresence

FRESH = timedelta(hours=1)
"""Generous: these tests never depend on how fast they run."""


def _played(database: Database, clerk: str = "chen") -> Delivery:
    notice = _notice(_publish(database, 2), 2)
    record = Delivery(notice.id, clerk, notice.created_at)
    repository = SqlNoticeRepository(database=database)
    repository.create(notice, [record])
    for event in (PlaybackStarted(T0), PlaybackFinished(T0 + timedelta(seconds=8))):
        record = apply(record, event)
    repository.save(record)
    return record


def test_a_session_counts_as_present_on_any_node_until_it_ends(database: Database) -> None:
    node_a = SqlPresence(database=database, node="a")
    node_b = SqlPresence(database=database, node="b")
    node_a.connect("chen")
    node_b.connect("mei")
    assert node_b.present(fresh_within=FRESH) == {"chen", "mei"}
    node_a.disconnect("chen")
    assert node_b.present(fresh_within=FRESH) == {"mei"}


def test_a_dead_node_s_sessions_go_stale_and_a_renewing_node_s_stay(database: Database) -> None:
    node_a = SqlPresence(database=database, node="a")
    node_b = SqlPresence(database=database, node="b")
    node_a.connect("chen")
    node_b.connect("mei")
    age_presence(database, "a", timedelta(minutes=5))
    age_presence(database, "b", timedelta(minutes=5))
    node_b.renew(["mei"])  # b ticks; a is dead
    assert node_b.present(fresh_within=timedelta(minutes=1)) == {"mei"}
    assert node_b.rows() == [("chen", "a"), ("mei", "b")]  # kept a while (diagnostics)
    age_presence(database, "a", timedelta(days=2))
    node_b.renew(["mei"])
    assert node_b.rows() == [("mei", "b")]  # a dead node's rows do not pile up


def test_renewing_keeps_only_the_node_s_live_sessions_and_stopping_drops_them(
    database: Database,
) -> None:
    node_a = SqlPresence(database=database, node="a")
    node_b = SqlPresence(database=database, node="b")
    for identity in ("ana", "ben"):
        node_a.connect(identity)
    node_b.connect("mei")
    node_a.renew(["ben"])  # ana's end was missed: the tick puts it right
    assert node_a.present(fresh_within=FRESH) == {"ben", "mei"}
    node_a.leave_all()
    assert node_a.present(fresh_within=FRESH) == {"mei"}


def test_of_two_nodes_escalating_one_delivery_exactly_one_wins(database: Database) -> None:
    record = _played(database)
    escalations = SqlEscalations(database=database)
    at = T0 + timedelta(minutes=3)
    assert escalations.claim(record, at) is True
    assert escalations.claim(record, at + timedelta(seconds=1)) is False
    (stored,) = SqlNoticeRepository(database=database).deliveries(clerk="chen")
    assert stored.escalated_at == at
    assert escalations.escalated_since(at) == [stored]
    assert escalations.escalated_since(at + timedelta(seconds=1)) == []


def test_an_acknowledgement_stored_first_means_no_escalation(database: Database) -> None:
    record = _played(database)
    acknowledged = apply(record, Acknowledged(T0 + timedelta(minutes=1)))
    SqlNoticeRepository(database=database).save(acknowledged)
    assert SqlEscalations(database=database).claim(record, T0 + timedelta(minutes=3)) is False
    (stored,) = SqlNoticeRepository(database=database).deliveries(clerk="chen")
    assert stored.escalated_at is None


def test_a_manager_is_told_of_one_escalation_once_whichever_node_asks(database: Database) -> None:
    record = _played(database)
    escalations = SqlEscalations(database=database)
    at = T0 + timedelta(minutes=3)
    escalations.claim(record, at)
    assert escalations.claim_spoken(record, manager="mei", node="b", at=at) is True
    assert escalations.claim_spoken(record, manager="mei", node="a", at=at) is False
    assert escalations.claim_spoken(record, manager="zoe", node="a", at=at) is True
    told = escalations.spoken(notice_id=record.notice_id)
    assert [(t.manager, t.node, t.offered_at) for t in told] == [("mei", "b", at), ("zoe", "a", at)]
