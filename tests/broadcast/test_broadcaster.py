"""The broadcaster over real storage, with real in-process channels and a real webhook receiver."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from knowledge_base.delivery import (
    Acknowledged,
    DeliveryState,
    PlaybackFinished,
    PlaybackStarted,
    RepeatRequested,
)
from knowledge_base.feedback.anomalies import Alert, AlertRule
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.quiz import QuestionKind
from knowledge_base.quiz_plan import QuizPlan
from knowledge_base.quiz_scoring import QuizResult
from tests.broadcast.helpers import (
    DELIVERY_POLICY,
    ESCALATION_SECRET,
    Chain,
    Clock,
    RecordingChannel,
    WebhookReceiver,
    connect_all,
    hear,
    new_broadcaster,
)
from voice_agent.broadcast import Broadcaster, EscalationWebhook, UtteranceKind
from voice_agent.broadcast.compliance import compliance_report
from voice_agent.feedback.alert_voice import ManagersHearAlerts
from voice_agent.signed_webhook import SIGNATURE_HEADER, verify
from voice_agent.storage import (
    Database,
    SqlNoticeRepository,
    SqlQuizPlanRepository,
    SqlQuizResultRepository,
)


async def test_an_urgent_publication_is_stored_for_everyone_in_scope_before_it_is_spoken(
    broadcaster: Broadcaster, chain: Chain, database: Database
) -> None:
    channels = await connect_all(broadcaster, database, "ana", "ben", "chen", "jonas")
    await broadcaster.on_publication(chain.publish_weekend(version=3, percent=25))
    stored = SqlNoticeRepository(database=database).deliveries(notice_id="weekend-running@3")
    # SH-01 is in the weekend offer's scope, BER-01 is not; Dan is stored though off shift.
    assert {d.clerk for d in stored} == {"ana", "ben", "chen", "dan", "mei"}
    for name in ("ana", "ben", "chen"):
        (utterance,) = channels[name].offered
        assert utterance.kind is UtteranceKind.NOTICE and "25 percent" in utterance.text
        assert [d.state for d in channels[name].stored_at_offer] == [DeliveryState.PENDING]
    assert channels["jonas"].offered == []


async def test_a_publication_that_is_not_urgent_announces_nothing(
    broadcaster: Broadcaster, chain: Chain, database: Database
) -> None:
    channels = await connect_all(broadcaster, database, "ana")
    await broadcaster.on_publication(chain.publish_weekend(version=3, percent=25, urgent=False))
    assert SqlNoticeRepository(database=database).notices() == []
    assert channels["ana"].offered == []


async def test_two_acknowledge_one_stays_silent_hears_it_once_more_and_is_escalated(
    broadcaster: Broadcaster,
    chain: Chain,
    database: Database,
    clock: Clock,
    receiver: WebhookReceiver,
) -> None:
    channels = await connect_all(broadcaster, database, "ana", "ben", "chen", "mei")
    await broadcaster.on_publication(chain.publish_weekend(version=3, percent=25))
    for name in ("ana", "ben", "chen"):
        await hear(broadcaster, channels[name], clock)
    for name in ("ana", "ben"):
        await broadcaster.report(name, "weekend-running@3", Acknowledged(clock()))

    clock.advance(minutes=1)
    await broadcaster.tick()
    assert len(channels["chen"].offered) == 1  # not yet due
    clock.advance(minutes=2)
    await broadcaster.tick()
    replay = channels["chen"].offered[-1]
    assert replay.kind is UtteranceKind.REPLAY
    await hear(broadcaster, channels["chen"], clock)
    clock.advance(minutes=3)
    await broadcaster.tick()
    await broadcaster.tick()  # escalated once only
    await broadcaster.wait_idle()

    records = {
        d.clerk: d
        for d in SqlNoticeRepository(database=database).deliveries(notice_id="weekend-running@3")
    }
    assert records["ana"].state is records["ben"].state is DeliveryState.ACKNOWLEDGED
    assert records["chen"].plays == 2 and records["chen"].escalated_at == clock()
    assert [len(channels[n].offered) for n in ("ana", "ben", "chen")] == [1, 1, 2]
    spoken = [u for u in channels["mei"].offered if u.kind is UtteranceKind.ESCALATION]
    assert [u.text for u in spoken] == [
        "Chen Bo has not acknowledged the update to the Weekend Running Offer, version 3,"
        " after hearing it 2 times."
    ]
    ((payload, headers, body),) = receiver.received
    assert verify(body, headers[SIGNATURE_HEADER], ESCALATION_SECRET)
    assert (payload["clerk"], payload["store_id"], payload["managers"], payload["plays"]) == (
        "chen",
        "SH-01",
        ["mei"],
        2,
    )


async def test_a_clerk_who_connects_later_is_offered_the_notice_at_once(
    broadcaster: Broadcaster, chain: Chain, database: Database
) -> None:
    await broadcaster.on_publication(chain.publish_weekend(version=3, percent=25))
    channels = await connect_all(broadcaster, database, "ana")
    assert [u.notice_id for u in channels["ana"].offered] == ["weekend-running@3"]


async def test_an_off_shift_clerk_is_not_spoken_to_until_the_shift_starts(
    broadcaster: Broadcaster, chain: Chain, database: Database, clock: Clock
) -> None:
    channels = await connect_all(broadcaster, database, "dan")
    await broadcaster.on_publication(chain.publish_weekend(version=3, percent=25))
    clock.advance(days=1, hours=22, minutes=59)  # Wednesday 08:59
    await broadcaster.tick()
    assert channels["dan"].offered == []
    clock.advance(minutes=1)
    await broadcaster.tick()
    assert [u.notice_id for u in channels["dan"].offered] == ["weekend-running@3"]


async def test_a_superseded_notice_is_withdrawn_and_never_played(
    broadcaster: Broadcaster, chain: Chain, database: Database, clock: Clock
) -> None:
    channels = await connect_all(broadcaster, database, "ana")
    await broadcaster.on_publication(chain.publish_weekend(version=3, percent=25))
    first = channels["ana"].offered[0]
    clock.advance(seconds=30)
    await broadcaster.on_publication(chain.publish_weekend(version=4, percent=30))
    assert channels["ana"].withdrawn == [first.id]
    assert [u.notice_id for u in channels["ana"].live] == ["weekend-running@4"]
    late = RecordingChannel("ben")
    await broadcaster.connect(late)
    assert [u.notice_id for u in late.offered] == ["weekend-running@4"]
    states = {
        d.notice_id: d.state for d in SqlNoticeRepository(database=database).deliveries(clerk="ben")
    }
    assert states == {
        "weekend-running@3": DeliveryState.SUPERSEDED,
        "weekend-running@4": DeliveryState.PENDING,
    }


async def test_a_clerk_who_asks_to_hear_it_again_gets_a_replay(
    broadcaster: Broadcaster, chain: Chain, database: Database, clock: Clock
) -> None:
    channels = await connect_all(broadcaster, database, "ana")
    await broadcaster.on_publication(chain.publish_weekend(version=3, percent=25))
    await hear(broadcaster, channels["ana"], clock)
    await broadcaster.report("ana", "weekend-running@3", RepeatRequested(clock()))
    assert [u.kind for u in channels["ana"].offered] == [UtteranceKind.NOTICE, UtteranceKind.REPLAY]


async def test_a_new_broadcaster_over_the_same_database_resumes_every_delivery(
    database: Database,
    knowledge: KnowledgeBase,
    chain: Chain,
    clock: Clock,
    receiver: WebhookReceiver,
) -> None:
    first = new_broadcaster(database, knowledge, clock, receiver)
    await first.start()
    channels = await connect_all(first, database, "ana", "ben", "chen")
    await first.on_publication(chain.publish_weekend(version=3, percent=25))
    await hear(first, channels["ana"], clock)
    await first.report("ana", "weekend-running@3", Acknowledged(clock()))
    await first.report("ben", "weekend-running@3", PlaybackStarted(clock()))  # killed mid-notice
    await hear(first, channels["chen"], clock)  # heard, not yet acknowledged
    before = {
        d.clerk: d
        for d in SqlNoticeRepository(database=database).deliveries(notice_id="weekend-running@3")
    }
    # The process dies here: no stop(), no disconnects.

    second = new_broadcaster(database, knowledge, clock, receiver)
    await second.start()
    again = await connect_all(second, database, "ana", "ben", "chen", "dan")
    after = {
        d.clerk: d
        for d in SqlNoticeRepository(database=database).deliveries(notice_id="weekend-running@3")
    }
    assert again["ana"].offered == [] and again["ana"].awaited == []  # never told twice
    assert again["chen"].offered == []  # heard: waits for the acknowledgement, not replayed yet
    # ... and the new session takes "got it" as it, for what is left of the two minutes.
    (awaited,) = again["chen"].awaited
    assert (awaited.notice_id, awaited.kind) == ("weekend-running@3", UtteranceKind.NOTICE)
    assert awaited.acknowledge_within_secs == DELIVERY_POLICY.acknowledge_within.total_seconds()
    assert [u.kind for u in again["ben"].offered] == [UtteranceKind.NOTICE]  # cut off: again
    assert again["dan"].offered == []  # off shift, still waiting
    assert after["ana"] == before["ana"] and after["chen"] == before["chen"]
    assert after["ben"].state is DeliveryState.PENDING and after["ben"].interruptions == 1
    assert after["ben"].delivered_at == before["ben"].delivered_at
    await second.report("chen", "weekend-running@3", Acknowledged(clock()))
    final = SqlNoticeRepository(database=database).deliveries(
        notice_id="weekend-running@3", clerk="chen"
    )
    assert final[0].state is DeliveryState.ACKNOWLEDGED
    await second.stop()


async def test_a_clerk_who_rejoins_while_a_notice_awaits_got_it_is_awaited_not_told_again(
    broadcaster: Broadcaster, chain: Chain, database: Database, clock: Clock
) -> None:
    first = await connect_all(broadcaster, database, "ana")
    await broadcaster.on_publication(chain.publish_weekend(version=3, percent=25))
    await hear(broadcaster, first["ana"], clock)
    await broadcaster.disconnect("ana", channel=first["ana"])
    clock.advance(seconds=30)
    rejoined = await connect_all(broadcaster, database, "ana")
    assert rejoined["ana"].offered == []
    (awaited,) = rejoined["ana"].awaited
    assert awaited.acknowledge_within_secs == 90.0  # the rest of the two minutes
    stored = await broadcaster.report("ana", "weekend-running@3", Acknowledged(clock()))
    assert stored is not None and stored.state is DeliveryState.ACKNOWLEDGED
    assert stored.plays == 1


async def test_a_rejoin_cuts_off_the_notice_the_replaced_session_was_speaking(
    broadcaster: Broadcaster, chain: Chain, database: Database, clock: Clock
) -> None:
    # The new session connects before the old one's end is reported (or ever is).
    first = await connect_all(broadcaster, database, "ana")
    await broadcaster.on_publication(chain.publish_weekend(version=3, percent=25))
    await broadcaster.report("ana", "weekend-running@3", PlaybackStarted(clock()))
    rejoined = await connect_all(broadcaster, database, "ana")
    await broadcaster.disconnect("ana", channel=first["ana"])  # ignored: not the live one
    assert [u.kind for u in rejoined["ana"].offered] == [UtteranceKind.NOTICE]
    (stored,) = SqlNoticeRepository(database=database).deliveries(clerk="ana")
    assert stored.state is DeliveryState.PENDING and stored.interruptions == 1


async def test_nodes_sharing_a_database_each_speak_to_their_own_sessions_only(
    database: Database, knowledge: KnowledgeBase, chain: Chain, clock: Clock
) -> None:
    def node() -> Broadcaster:
        return Broadcaster(
            database=database,
            knowledge=lambda: knowledge,
            policy=DELIVERY_POLICY,
            shared=True,
            presence_fresh=timedelta(hours=1),  # never stale while this test runs
            clock=clock,
        )

    first, second = node(), node()
    await first.start()
    on_first = await connect_all(first, database, "ana", "ben")
    publication = chain.publish_weekend(version=3, percent=25)
    await first.on_publication(publication)
    await first.report("ana", "weekend-running@3", PlaybackStarted(clock()))  # speaking there
    await second.start()  # a node joining the cluster: ana's notice is not "cut off"
    on_second = await connect_all(second, database, "chen")
    await second.on_publication(publication)  # stored already by the first: nothing twice
    assert [c.identity for c in on_second.values() if c.offered] == ["chen"]
    assert [u.kind for u in on_second["chen"].offered] == [UtteranceKind.NOTICE]
    assert [len(on_first[name].offered) for name in ("ana", "ben")] == [1, 1]
    repository = SqlNoticeRepository(database=database)
    (ana,) = repository.deliveries(clerk="ana")
    assert ana.state is DeliveryState.SPEAKING
    await first.report("ana", "weekend-running@3", PlaybackFinished(clock()))
    clock.advance(minutes=5)  # ana's acknowledgement is overdue
    await second.tick()  # not connected to the second node: it does not escalate her
    (ana,) = repository.deliveries(clerk="ana")
    assert ana.escalated_at is None and ana.plays == 1
    await first.tick()  # her own node replays it
    assert [u.kind for u in on_first["ana"].offered][-1] is UtteranceKind.REPLAY
    await first.stop()
    await second.stop()


async def test_a_publication_missed_while_down_is_announced_at_start(
    database: Database, knowledge: KnowledgeBase, chain: Chain, clock: Clock
) -> None:
    first = new_broadcaster(database, knowledge, clock)
    await first.start()
    await first.on_publication(chain.publish_weekend(version=3, percent=25))
    missed = chain.publish_weekend(version=4, percent=30)  # nobody was running
    second = new_broadcaster(database, knowledge, clock)
    await second.start()
    notice = SqlNoticeRepository(database=database).get("weekend-running@4")
    assert notice is not None and notice.publication_id == missed.id


async def test_compliance_counts_acknowledgements_and_quiz_passes_from_storage(
    broadcaster: Broadcaster,
    chain: Chain,
    database: Database,
    clock: Clock,
    knowledge: KnowledgeBase,
) -> None:
    publication = chain.publish_weekend(version=3, percent=25)
    channels = await connect_all(broadcaster, database, "ana", "ben", "chen")
    await broadcaster.on_publication(publication)
    for name in ("ana", "ben", "chen"):
        await hear(broadcaster, channels[name], clock)
        clock.advance(seconds=2)
        await broadcaster.report(name, "weekend-running@3", Acknowledged(clock()))
    last_ack = clock()
    quiz = SqlQuizResultRepository(database=database)
    plans = SqlQuizPlanRepository(database=database)
    for name, passed in (("ana", True), ("ben", True), ("chen", False)):
        clock.advance(minutes=1)
        plans.create(
            QuizPlan("weekend-running", 3, name, ("weekend-running@3:discount",), "notice", clock())
        )
        quiz.add(
            QuizResult(
                question_id="weekend-running@3:discount",
                clerk=name,
                kind=QuestionKind.DISCOUNT,
                heard="25 percent" if passed else "20 percent",
                passed=passed,
                reasons=() if passed else ("expected 25",),
                replay=None,
                judged_by="rules",
                answered_at=clock(),
            ),
            promotion_id="weekend-running",
            version=3,
        )
    report = compliance_report(
        database, knowledge, promotion_id="weekend-running", version=None, as_of=clock()
    )
    (store,) = [s for s in report.to_dict()["stores"] if s["store_id"] == "SH-01"]  # type: ignore[union-attr]
    assert (store["required"], store["heard"], store["acknowledged"], store["passed"]) == (
        3,
        3,
        3,
        2,
    )
    assert store["time_to_acknowledged"] == {
        "compliant": True,
        "at": last_ack.astimezone(UTC).isoformat(),
        "seconds": (last_ack - publication.published_at).total_seconds(),
    }
    assert store["time_to_passed"]["compliant"] is False
    assert store["waiting_for_quiz"] == ["chen"]


async def test_an_acknowledgement_before_a_queued_replay_is_spoken_withdraws_the_replay(
    broadcaster: Broadcaster, chain: Chain, database: Database, clock: Clock
) -> None:
    channels = await connect_all(broadcaster, database, "ana")
    await broadcaster.on_publication(chain.publish_weekend(version=3, percent=25))
    await hear(broadcaster, channels["ana"], clock)
    clock.advance(minutes=3)
    await broadcaster.tick()
    replay = channels["ana"].offered[-1]
    assert replay.kind is UtteranceKind.REPLAY
    await broadcaster.report("ana", "weekend-running@3", Acknowledged(clock()))
    assert channels["ana"].withdrawn == [replay.id]
    await broadcaster.tick()
    assert channels["ana"].live == [channels["ana"].offered[0]]


async def test_a_failing_webhook_leaves_the_escalation_recorded_and_spoken(
    database: Database, knowledge: KnowledgeBase, chain: Chain, clock: Clock
) -> None:
    unreachable = EscalationWebhook(url="http://127.0.0.1:9/escalations", secret=ESCALATION_SECRET)
    broadcaster = Broadcaster(
        database=database,
        knowledge=lambda: knowledge,
        policy=DELIVERY_POLICY,
        webhook=unreachable,
        clock=clock,
    )
    await broadcaster.start()
    channels = await connect_all(broadcaster, database, "chen", "mei")
    await broadcaster.on_publication(chain.publish_weekend(version=3, percent=25))
    await hear(broadcaster, channels["chen"], clock)
    await broadcaster.disconnect("chen")
    clock.advance(minutes=3)
    await broadcaster.tick()
    await broadcaster.stop()
    (record,) = SqlNoticeRepository(database=database).deliveries(clerk="chen")
    assert record.escalated_at == clock() and record.plays == 1
    assert [u.kind for u in channels["mei"].offered] == [
        UtteranceKind.NOTICE,
        UtteranceKind.ESCALATION,
    ]


async def test_a_new_notice_is_rendered_ahead_once_per_text_before_anyone_is_offered_it(
    database: Database, knowledge: KnowledgeBase, clock: Clock, chain: Chain
) -> None:
    rendered: list[list[str]] = []
    channels: dict[str, RecordingChannel] = {}

    async def speak_ahead(texts: Sequence[str]) -> None:
        assert not any(channel.offered for channel in channels.values())  # before any offer
        rendered.append(list(texts))

    broadcaster = Broadcaster(
        database=database,
        knowledge=lambda: knowledge,
        policy=DELIVERY_POLICY,
        speak_ahead=speak_ahead,
        clock=clock,
    )
    await broadcaster.start()
    try:
        channels.update(await connect_all(broadcaster, database, "ana", "ben", "mei"))
        await broadcaster.on_publication(chain.publish_weekend(version=3, percent=25))
    finally:
        await broadcaster.stop()
    # The clerks hear one text ("at your store"), the store manager another (the store's name).
    (texts,) = rendered
    offered = {channel.offered[0].text for channel in channels.values()}
    assert sorted(texts) == sorted(offered) and len(texts) == 2


async def test_a_feedback_alert_is_said_once_to_the_connected_managers_it_concerns_only(
    broadcaster: Broadcaster, database: Database
) -> None:
    channels = await connect_all(broadcaster, database, "ana", "mei", "jonas")
    alert = Alert(
        rule=AlertRule.STOCK_OUT_SPREAD,
        key="AX-200",
        message="3 stores report AX-200 out of stock",
        first_at=datetime(2026, 11, 30, 1, tzinfo=UTC),
        last_at=datetime(2026, 11, 30, 2, tzinfo=UTC),
        stores=["SH-01", "SH-02", "HZ-01"],
        regions=["east-china"],
    )
    told = await ManagersHearAlerts(broadcaster).speak(alert)
    assert told == ["mei"]  # the clerk and the Berlin clerk are no managers of it
    (said,) = channels["mei"].offered
    assert said.kind is UtteranceKind.ALERT and not said.wants_acknowledgement
    assert said.text == "Alert: 3 stores report the AX-200 out of stock."
    assert channels["ana"].offered == [] and channels["jonas"].offered == []
    assert SqlNoticeRepository(database=database).deliveries(clerk="mei") == []  # nothing stored
