"""The quizmaster over real storage, with the broadcaster and real in-process channels.

Clerks acknowledge an urgent notice through the broadcaster; the quizmaster asks its
questions one at a time, stores every answer before saying anything back, retries a wrong
answer later, and closes each quiz as passed, failed or superseded; compliance reads it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest_asyncio

from knowledge_base.delivery import Acknowledged, PlaybackFinished, PlaybackStarted
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.quiz_plan import QuizOutcome, QuizPolicy
from pipelines.events import ReplyTimedOut
from tests.broadcast.helpers import Chain, Clock, RecordingChannel, RecordingQuizChannel
from voice_agent.broadcast import Broadcaster
from voice_agent.broadcast.compliance import compliance_report
from voice_agent.broadcast.quizmaster import Quizmaster
from voice_agent.storage import (
    Database,
    SqlNoticeRepository,
    SqlQuizPlanRepository,
    SqlQuizResultRepository,
)

NOTICE = "weekend-running@3"
RIGHT = {
    "weekend-running@3:discount": "twenty five percent",
    "weekend-running@3:exclusions": "the AX-200 limited edition",
    "weekend-running@3:end_date": "Sunday the twenty ninth",
}
POLICY = QuizPolicy(questions=3, retry_after=timedelta(minutes=5), max_attempts=2)


@pytest_asyncio.fixture
async def quizmaster(
    database: Database, knowledge: KnowledgeBase, clock: Clock, chain: Chain
) -> AsyncIterator[Quizmaster]:
    started = Quizmaster(database=database, knowledge=lambda: knowledge, policy=POLICY, clock=clock)
    await started.start()
    yield started
    await started.stop()


async def _acknowledge(
    broadcaster: Broadcaster, quizmaster: Quizmaster, clock: Clock, identity: str
) -> None:
    """The clerk hears the notice to its end and says "got it" (as the session reports it)."""
    await broadcaster.report(identity, NOTICE, PlaybackStarted(clock()))
    clock.advance(seconds=8)
    await broadcaster.report(identity, NOTICE, PlaybackFinished(clock()))
    clock.advance(seconds=2)
    await broadcaster.report(identity, NOTICE, Acknowledged(clock()))
    await quizmaster.acknowledged(identity, NOTICE)


async def _connect(
    broadcaster: Broadcaster, quizmaster: Quizmaster, database: Database, *identities: str
) -> dict[str, RecordingQuizChannel]:
    results = SqlQuizResultRepository(database=database)
    channels = {}
    for identity in identities:
        await broadcaster.connect(RecordingChannel(identity))
        channels[identity] = RecordingQuizChannel(identity, results=results)
        await quizmaster.connect(channels[identity])
    return channels


async def _answer(
    quizmaster: Quizmaster, clock: Clock, channel: RecordingQuizChannel, heard: str
) -> None:
    clock.advance(seconds=20)
    await quizmaster.answer(channel.identity, channel.last_question.id, heard)


def _asked(channel: RecordingQuizChannel) -> list[str]:
    """The question ids asked, in order (utterance ids are ``quiz/<who>/<question>/<n>``)."""
    return [u.id.split("/")[2] for u in channel.questions]


async def test_one_clerk_passes_another_fails_a_number_hears_the_rule_and_passes_the_retry(
    broadcaster: Broadcaster,
    quizmaster: Quizmaster,
    chain: Chain,
    database: Database,
    clock: Clock,
    knowledge: KnowledgeBase,
) -> None:
    channels = await _connect(broadcaster, quizmaster, database, "ana", "ben")
    await broadcaster.on_publication(chain.publish_weekend(version=3, percent=25))
    for name in ("ana", "ben"):
        await _acknowledge(broadcaster, quizmaster, clock, name)
    ana, ben = channels["ana"], channels["ben"]
    first = ana.last_question
    assert (first.kind, first.expects, first.wait_for_pause) == (
        "quiz_question",
        "quiz_answer",
        True,
    )
    assert first.text == "What is the discount in the Weekend Running Offer?"

    for question in RIGHT:
        assert _asked(ana)[-1] == question  # one at a time, in the plan's order
        await _answer(quizmaster, clock, ana, RIGHT[question])
    assert ana.feedback == ["Right."] * 3

    await _answer(quizmaster, clock, ben, "twenty percent")
    assert ben.feedback[-1] == (
        "Not quite. The Weekend Running Offer: 25 percent off, members save another 5 percent,"
        " limit 2 pairs per customer. I will ask you again later."
    )
    for question in list(RIGHT)[1:]:
        assert _asked(ben)[-1] == question
        await _answer(quizmaster, clock, ben, RIGHT[question])
    assert len(ben.questions) == 3  # the retry is not due yet
    clock.advance(minutes=5)
    await quizmaster.tick()
    assert _asked(ben) == [*RIGHT, "weekend-running@3:discount"]
    await _answer(quizmaster, clock, ben, "twenty five percent")
    assert ben.feedback[-1] == "Right."

    # Every answer was stored before anything was said back.
    for channel in (ana, ben):
        feedback_at = [
            n
            for u, n in zip(channel.offered, channel.answers_stored_at_offer, strict=True)
            if u.kind == "quiz_feedback"
        ]
        assert feedback_at == list(range(1, len(feedback_at) + 1))
    stored = SqlQuizResultRepository(database=database).results(
        promotion_id="weekend-running", version=3, clerk="ben"
    )
    assert [(r.question_id, r.passed) for r in stored] == [
        ("weekend-running@3:discount", False),
        ("weekend-running@3:exclusions", True),
        ("weekend-running@3:end_date", True),
        ("weekend-running@3:discount", True),
    ]
    assert "did not say 25 percent" in stored[0].reasons
    plans = SqlQuizPlanRepository(database=database).plans(promotion_id="weekend-running")
    assert {p.clerk: p.outcome for p in plans} == {
        "ana": QuizOutcome.PASSED,
        "ben": QuizOutcome.PASSED,
    }
    report = compliance_report(
        database, knowledge, promotion_id="weekend-running", version=3, as_of=clock()
    )
    (store,) = [s for s in report.to_dict()["stores"] if s["store_id"] == "SH-01"]  # type: ignore[union-attr]
    assert store["passed"] == 2
    assert store["failed_quiz"] == []
    assert "ana" not in store["waiting_for_quiz"] and "ben" not in store["waiting_for_quiz"]


async def test_a_clerk_who_drops_mid_quiz_is_asked_the_rest_when_back_by_a_new_process(
    broadcaster: Broadcaster,
    quizmaster: Quizmaster,
    chain: Chain,
    database: Database,
    clock: Clock,
    knowledge: KnowledgeBase,
) -> None:
    channels = await _connect(broadcaster, quizmaster, database, "chen")
    await broadcaster.on_publication(chain.publish_weekend(version=3, percent=25))
    await _acknowledge(broadcaster, quizmaster, clock, "chen")
    await _answer(quizmaster, clock, channels["chen"], "twenty five percent")
    asked_when_gone = channels["chen"].last_question
    await quizmaster.disconnect("chen")
    await quizmaster.stop()

    restarted = Quizmaster(
        database=database, knowledge=lambda: knowledge, policy=POLICY, clock=clock
    )
    back = RecordingQuizChannel("chen", results=SqlQuizResultRepository(database=database))
    await restarted.connect(back)
    assert _asked(back) == ["weekend-running@3:exclusions"]
    assert back.last_question.id != asked_when_gone.id
    # The answer to the question asked before the drop is not taken for the new one.
    await restarted.answer("chen", asked_when_gone.id, "the AX-200 limited edition")
    assert back.feedback == []


async def test_a_question_answered_wrong_as_often_as_allowed_fails_the_quiz_in_compliance(
    broadcaster: Broadcaster,
    quizmaster: Quizmaster,
    chain: Chain,
    database: Database,
    clock: Clock,
    knowledge: KnowledgeBase,
) -> None:
    channels = await _connect(broadcaster, quizmaster, database, "chen")
    chen = channels["chen"]
    await broadcaster.on_publication(chain.publish_weekend(version=3, percent=25))
    await _acknowledge(broadcaster, quizmaster, clock, "chen")
    await _answer(quizmaster, clock, chen, "fifteen percent")
    for question in list(RIGHT)[1:]:
        await _answer(quizmaster, clock, chen, RIGHT[question])
    clock.advance(minutes=5)
    await quizmaster.tick()
    await _answer(quizmaster, clock, chen, "fifteen percent")
    assert chen.feedback[-1].startswith("Not quite. The Weekend Running Offer: 25 percent off")
    assert not chen.feedback[-1].endswith("I will ask you again later.")
    clock.advance(minutes=10)
    await quizmaster.tick()
    assert len(chen.questions) == 4  # nothing more is asked
    (plan,) = SqlQuizPlanRepository(database=database).plans(clerk="chen")
    assert plan.outcome is QuizOutcome.FAILED and plan.closed_at is not None
    report = compliance_report(
        database, knowledge, promotion_id="weekend-running", version=3, as_of=clock()
    )
    (store,) = [s for s in report.to_dict()["stores"] if s["store_id"] == "SH-01"]  # type: ignore[union-attr]
    assert store["failed_quiz"] == ["chen"]
    assert "chen" not in store["waiting_for_quiz"]
    (status,) = [c for c in store["clerks"] if c["identity"] == "chen"]  # type: ignore[union-attr]
    assert status["passed_at"] is None and status["quiz_failed_at"] is not None


async def test_an_unanswered_question_is_asked_again_after_the_retry_delay(
    broadcaster: Broadcaster, quizmaster: Quizmaster, chain: Chain, database: Database, clock: Clock
) -> None:
    channels = await _connect(broadcaster, quizmaster, database, "ana")
    await broadcaster.on_publication(chain.publish_weekend(version=3, percent=25))
    await _acknowledge(broadcaster, quizmaster, clock, "ana")
    asked = channels["ana"].last_question
    await quizmaster.floor_event(
        "ana",
        ReplyTimedOut(session_id="room", at=0.0, utterance_id=asked.id, kind="quiz_question"),
    )
    clock.advance(minutes=4)
    await quizmaster.tick()
    assert len(channels["ana"].questions) == 1
    clock.advance(minutes=1)
    await quizmaster.tick()
    assert _asked(channels["ana"]) == ["weekend-running@3:discount"] * 2


async def test_a_newer_version_ends_the_quiz_on_the_old_one(
    broadcaster: Broadcaster, quizmaster: Quizmaster, chain: Chain, database: Database, clock: Clock
) -> None:
    channels = await _connect(broadcaster, quizmaster, database, "ana")
    await broadcaster.on_publication(chain.publish_weekend(version=3, percent=25))
    await _acknowledge(broadcaster, quizmaster, clock, "ana")
    asked = channels["ana"].last_question
    clock.advance(minutes=1)
    newer = chain.publish_weekend(version=4, percent=30)
    await broadcaster.on_publication(newer)
    await quizmaster.on_publication(newer)
    assert channels["ana"].withdrawn == [asked.id]
    (plan,) = SqlQuizPlanRepository(database=database).plans(clerk="ana")
    assert plan.outcome is QuizOutcome.SUPERSEDED
    # Acknowledging a superseded notice late starts no quiz on it.
    await quizmaster.acknowledged("ben", NOTICE)
    assert SqlQuizPlanRepository(database=database).plans(clerk="ben") == []


async def test_a_quiz_owed_for_an_acknowledgement_is_started_when_the_clerk_connects(
    broadcaster: Broadcaster, quizmaster: Quizmaster, chain: Chain, database: Database, clock: Clock
) -> None:
    await broadcaster.connect(RecordingChannel("ana"))
    await broadcaster.on_publication(chain.publish_weekend(version=3, percent=25))
    for event in (PlaybackStarted(clock()), PlaybackFinished(clock()), Acknowledged(clock())):
        await broadcaster.report("ana", NOTICE, event)  # the process stopped before the quiz
    assert SqlNoticeRepository(database=database).deliveries(clerk="ana")[0].acknowledged_at
    channel = RecordingQuizChannel("ana", results=SqlQuizResultRepository(database=database))
    await quizmaster.connect(channel)
    assert _asked(channel) == ["weekend-running@3:discount"]


async def test_a_briefing_asks_for_quizzes_of_every_clerk_in_scope(
    quizmaster: Quizmaster, chain: Chain, database: Database
) -> None:
    chain.publish_weekend(version=3, percent=25, urgent=False)
    started = await quizmaster.quiz_version("weekend-running")
    assert sorted(started) == ["ana", "ben", "chen", "dan"]  # clerks of SH-01, not Mei
    assert await quizmaster.quiz_version("weekend-running", 3) == []  # once per clerk
    plans = SqlQuizPlanRepository(database=database).plans(promotion_id="weekend-running")
    assert {p.reason for p in plans} == {"briefing"}
    assert plans[0].question_ids == tuple(RIGHT)
