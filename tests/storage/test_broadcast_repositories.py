"""Broadcast storage on both engines: notices with deliveries, quiz results, rosters, briefings."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from knowledge_base.attendance import Presence
from knowledge_base.briefing import ChangeKind, ProposedChange
from knowledge_base.delivery import (
    Acknowledged,
    Delivery,
    DeliveryState,
    PlaybackFinished,
    PlaybackStarted,
    Superseded,
    apply,
)
from knowledge_base.loader import load_knowledge_base
from knowledge_base.quiz import QuestionKind
from knowledge_base.quiz_plan import QuizOutcome, QuizPlan
from knowledge_base.quiz_scoring import QuizResult
from knowledge_base.roster_files import parse_roster
from knowledge_base.versions import PromotionVersion
from voice_agent.storage import (
    Database,
    NoticeRecord,
    SqlBriefingRepository,
    SqlNoticeRepository,
    SqlPublicationRepository,
    SqlQuizPlanRepository,
    SqlQuizResultRepository,
    SqlRosterRepository,
    open_database,
)
from voice_agent.storage.broadcast_briefings import (
    BriefingRecord,
    BriefingStateError,
    ChangeStatus,
)

T0 = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
ROSTERS = Path(__file__).resolve().parents[1] / "fixtures" / "rosters"


def _publish(database: Database, version: int) -> int:
    stored = SqlPublicationRepository(database=database).publish(
        [
            PromotionVersion(
                promotion_id="weekend-running",
                version=version,
                content_hash=f"h{version}",
                content=f"id: weekend-running\nversion: {version}\n",
                diff="",
                published_at=T0,
                published_by="hq",
            )
        ],
        published_at=T0 + timedelta(minutes=version),
        published_by="hq",
        urgent=True,
    )
    return stored.id


def _notice(publication_id: int, version: int) -> NoticeRecord:
    return NoticeRecord(
        id=f"weekend-running@{version}",
        publication_id=publication_id,
        promotion_id="weekend-running",
        version=version,
        urgent=True,
        created_at=T0 + timedelta(minutes=version),
    )


def test_a_notice_is_stored_with_one_delivery_per_clerk_once(database: Database) -> None:
    repository = SqlNoticeRepository(database=database)
    notice = _notice(_publish(database, 2), 2)
    clerks = [Delivery(notice.id, clerk, notice.created_at) for clerk in ("ana", "ben")]
    assert repository.create(notice, clerks) is True
    assert repository.create(notice, clerks) is False
    assert repository.get(notice.id) == notice
    assert repository.deliveries(notice_id=notice.id) == clerks
    assert repository.last_publication_id() == notice.publication_id


def test_every_event_is_kept_and_a_reopened_database_reads_the_same_record(
    database_url: str,
) -> None:
    database = open_database(database_url)
    repository = SqlNoticeRepository(database=database)
    notice = _notice(_publish(database, 2), 2)
    record = Delivery(notice.id, "ana", notice.created_at)
    repository.create(notice, [record])
    for event in (
        PlaybackStarted(T0 + timedelta(seconds=5)),
        PlaybackFinished(T0 + timedelta(seconds=12)),
        Acknowledged(T0 + timedelta(seconds=15)),
    ):
        record = apply(record, event)
        repository.save(record)
    database.close()
    with open_database(database_url) as reopened:
        assert SqlNoticeRepository(database=reopened).deliveries(clerk="ana") == [record]
    assert record.state is DeliveryState.ACKNOWLEDGED and record.plays == 1


def test_a_newer_notice_supersedes_open_deliveries_in_the_same_transaction(
    database: Database,
) -> None:
    repository = SqlNoticeRepository(database=database)
    old = _notice(_publish(database, 2), 2)
    repository.create(old, [Delivery(old.id, "ana", old.created_at)])
    new = _notice(_publish(database, 3), 3)
    dropped = [
        apply(d, Superseded(new.created_at)) for d in repository.open_of_promotion(new.promotion_id)
    ]
    repository.create(new, [Delivery(new.id, "ana", new.created_at)], superseded=dropped)
    states = {d.notice_id: d.state for d in repository.deliveries(clerk="ana")}
    assert states == {old.id: DeliveryState.SUPERSEDED, new.id: DeliveryState.PENDING}
    assert [d.notice_id for d in repository.deliveries(open_only=True)] == [new.id]


def test_saving_an_unknown_delivery_is_refused(database: Database) -> None:
    with pytest.raises(KeyError):
        SqlNoticeRepository(database=database).save(Delivery("nothing@1", "ana", T0))


def test_quiz_results_are_kept_per_clerk_and_question(database: Database) -> None:
    repository = SqlQuizResultRepository(database=database)
    wrong = QuizResult(
        question_id="weekend-running@2:discount",
        clerk="ana",
        kind=QuestionKind.DISCOUNT,
        heard="15 percent",
        passed=False,
        reasons=("said 15, expected 20",),
        replay="20 percent off running shoes",
        judged_by="rules",
        answered_at=T0,
    )
    right = replace(
        wrong, heard="20 percent", passed=True, reasons=(), answered_at=T0 + timedelta(minutes=5)
    )
    for result in (wrong, right):
        repository.add(result, promotion_id="weekend-running", version=2)
    assert repository.results(promotion_id="weekend-running", version=2) == [wrong, right]
    assert repository.results(promotion_id="weekend-running", version=2, clerk="ben") == []
    with pytest.raises(ValueError):
        repository.add(replace(wrong, answered_at=None), promotion_id="weekend-running", version=2)


def test_a_quiz_plan_is_stored_once_per_clerk_and_version_and_closed_with_its_outcome(
    database: Database,
) -> None:
    repository = SqlQuizPlanRepository(database=database)
    questions = ("weekend-running@2:discount", "weekend-running@2:exclusions")
    plan = QuizPlan("weekend-running", 2, "ana", questions, "notice", T0)
    assert repository.create(plan) is True
    assert repository.create(replace(plan, question_ids=questions[:1])) is False
    ben = replace(plan, clerk="ben", reason="briefing", created_at=T0 + timedelta(minutes=1))
    repository.create(ben)
    assert repository.plans(promotion_id="weekend-running", version=2) == [plan, ben]
    closed = repository.close(plan, QuizOutcome.PASSED, at=T0 + timedelta(minutes=9))
    assert closed.outcome is QuizOutcome.PASSED and closed.closed_at == T0 + timedelta(minutes=9)
    assert repository.plans(clerk="ana") == [closed]
    assert repository.plans(open_only=True) == [ben]
    assert repository.plans(promotion_id="weekend-running", version=3) == []


def test_a_loaded_roster_reads_back_equal_and_a_new_load_replaces_it_whole(
    database: Database,
) -> None:
    knowledge = load_knowledge_base()
    repository = SqlRosterRepository(database=database)
    assert repository.load() is None
    csv_roster = parse_roster(
        (ROSTERS / "stride.csv").read_text(encoding="utf-8"), file="stride.csv", knowledge=knowledge
    )
    repository.replace(csv_roster, source="stride.csv", loaded_by="cli", loaded_at=T0)
    assert repository.load() == csv_roster
    yaml_roster = parse_roster(
        (ROSTERS / "stride.yaml").read_text(encoding="utf-8"),
        file="stride.yaml",
        knowledge=knowledge,
    )
    load = repository.replace(yaml_roster, source="stride.yaml", loaded_by="hq", loaded_at=T0)
    assert repository.load() == yaml_roster
    assert repository.current() == load


def test_a_briefing_keeps_attendance_and_changes_are_decided_once(database: Database) -> None:
    repository = SqlBriefingRepository(database=database)
    repository.open(BriefingRecord("b1", {"stores": ["SH-01"], "roles": ["clerk"]}, "mei", T0))
    repository.add_presence("b1", Presence("ana", T0, T0 + timedelta(minutes=9)))
    repository.add_presence("b1", Presence("ben", T0 + timedelta(minutes=1)))
    change = ProposedChange(
        kind=ChangeKind.SET_PERCENT,
        promotion_id="weekend-running",
        heard="the discount goes to 25 percent",
        at=12.5,
        percent=Decimal("25"),
    )
    ended = ProposedChange(
        kind=ChangeKind.SET_END,
        promotion_id="weekend-running",
        heard="extended until the 6th",
        at=20.0,
        end=date(2026, 12, 6),
    )
    first = repository.propose("b1", change)
    second = repository.propose("b1", ended)
    repository.close("b1", ended_at=T0 + timedelta(minutes=10), recording="b1.wav", summary="s")
    stored = repository.get("b1")
    assert stored is not None and (stored.recording, stored.summary) == ("b1.wav", "s")
    assert [p.identity for p in repository.presences("b1")] == ["ana", "ben"]
    assert [c.change for c in repository.changes("b1")] == [change, ended]
    publication_id = _publish(database, 2)
    repository.decide(
        first,
        status=ChangeStatus.APPROVED,
        decided_by="hq",
        decided_at=T0,
        publication_id=publication_id,
    )
    repository.decide(second, status=ChangeStatus.REJECTED, decided_by="hq", decided_at=T0)
    decided = {c.id: (c.status, c.publication_id) for c in repository.changes("b1")}
    assert decided == {
        first: (ChangeStatus.APPROVED, publication_id),
        second: (ChangeStatus.REJECTED, None),
    }
    with pytest.raises(BriefingStateError):
        repository.decide(second, status=ChangeStatus.APPROVED, decided_by="hq", decided_at=T0)


def test_notices_list_oldest_first_and_a_limit_keeps_the_newest(database: Database) -> None:
    repository = SqlNoticeRepository(database=database)
    stored = [_notice(_publish(database, version), version) for version in (2, 3, 4)]
    for notice in stored:
        repository.create(notice, [])
    assert repository.notices() == stored
    assert repository.notices(limit=2) == stored[1:]
    assert repository.notices(promotion_id="other") == []
