"""Escalations on a cluster: nodes' broadcasters sharing one database (SQLite and PostgreSQL).

Each node is a shared broadcaster acting for its own sessions (real in-process channels), as
``voice-agent worker`` runs one; the webhook receiver is a real HTTP server. A clerk who left
without "got it" is escalated exactly once, by one node, and a store manager connected to
another node hears it, once, also after that node restarts.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest_asyncio

from knowledge_base.delivery import (
    Acknowledged,
    Delivery,
    DeliveryState,
    PlaybackFinished,
    PlaybackStarted,
    apply,
    recover,
)
from knowledge_base.knowledge import KnowledgeBase
from tests.broadcast.helpers import (
    DELIVERY_POLICY,
    ESCALATION_SECRET,
    Chain,
    Clock,
    RecordingChannel,
    WebhookReceiver,
    age_presence,
    connect_all,
    hear,
)
from voice_agent.broadcast import Broadcaster, EscalationWebhook, UtteranceKind
from voice_agent.storage import Database, SqlNoticeRepository
from voice_agent.storage.broadcast import NoticeRecord
from voice_agent.storage.broadcast_escalations import SqlEscalations

NOTICE = "weekend-running@3"


class Cluster:
    """Nodes started over one database; every node posts to the same webhook."""

    def __init__(
        self,
        database: Database,
        knowledge: KnowledgeBase,
        clock: Clock,
        receiver: WebhookReceiver,
    ) -> None:
        self.database = database
        self.knowledge = knowledge
        self.clock = clock
        self.receiver = receiver
        self.running: list[Broadcaster] = []

    async def node(self, name: str) -> Broadcaster:
        broadcaster = Broadcaster(
            database=self.database,
            knowledge=lambda: self.knowledge,
            policy=DELIVERY_POLICY,
            webhook=EscalationWebhook(url=self.receiver.url, secret=ESCALATION_SECRET),
            shared=True,
            node=name,
            presence_fresh=timedelta(hours=1),  # never stale by itself while a test runs
            clock=self.clock,
        )
        await broadcaster.start()
        self.running.append(broadcaster)
        return broadcaster

    async def tick_all(self) -> None:
        for broadcaster in self.running:
            await broadcaster.tick()
        for broadcaster in self.running:
            await broadcaster.wait_idle()


@pytest_asyncio.fixture
async def cluster(
    database: Database,
    knowledge: KnowledgeBase,
    clock: Clock,
    receiver: WebhookReceiver,
    chain: Chain,
) -> AsyncIterator[Cluster]:
    nodes = Cluster(database, knowledge, clock, receiver)
    yield nodes
    for broadcaster in nodes.running:
        await broadcaster.stop()


def _escalations(channel: RecordingChannel) -> list[str]:
    return [u.text for u in channel.offered if u.kind is UtteranceKind.ESCALATION]


def _chen(database: Database) -> Delivery:
    (record,) = SqlNoticeRepository(database=database).deliveries(notice_id=NOTICE, clerk="chen")
    return record


ESCALATION_TEXT = (
    "Chen Bo has not acknowledged the update to the Weekend Running Offer, version 3,"
    " after hearing it once."
)


async def test_a_clerk_who_left_without_got_it_is_escalated_once_and_heard_on_another_node(
    cluster: Cluster, chain: Chain, database: Database, clock: Clock, receiver: WebhookReceiver
) -> None:
    node_a, node_b = await cluster.node("a"), await cluster.node("b")
    on_a = await connect_all(node_a, database, "chen")
    on_b = await connect_all(node_b, database, "mei")
    publication = chain.publish_weekend(version=3, percent=25)
    await node_a.on_publication(publication)
    await node_b.on_publication(publication)  # stored already: nothing twice
    await hear(node_a, on_a["chen"], clock)
    await node_a.disconnect("chen")  # walked away without "got it"

    clock.advance(minutes=1)
    await cluster.tick_all()
    assert _chen(database).escalated_at is None  # not due yet
    clock.advance(minutes=2)
    await cluster.tick_all()
    await cluster.tick_all()

    chen = _chen(database)
    assert chen.state is DeliveryState.PLAYED and chen.escalated_at == clock()
    assert [payload["clerk"] for payload, _, _ in receiver.received] == ["chen"]
    assert _escalations(on_b["mei"]) == [ESCALATION_TEXT]
    told = SqlEscalations(database=database).spoken(notice_id=NOTICE)
    assert [(t.clerk, t.manager, t.node) for t in told] == [("chen", "mei", "b")]

    # Node b restarts; mei's new session there, and every node's ticks, do not say it again.
    await node_b.stop()
    cluster.running.remove(node_b)
    node_b_again = await cluster.node("b-restarted")
    again = await connect_all(node_b_again, database, "mei")
    await cluster.tick_all()
    assert _escalations(again["mei"]) == []
    assert len(receiver.received) == 1


async def test_a_manager_who_connects_after_the_escalation_hears_it_once(
    cluster: Cluster, chain: Chain, database: Database, clock: Clock, receiver: WebhookReceiver
) -> None:
    node_a, node_b = await cluster.node("a"), await cluster.node("b")
    on_a = await connect_all(node_a, database, "chen")
    await node_a.on_publication(chain.publish_weekend(version=3, percent=25))
    await hear(node_a, on_a["chen"], clock)
    await node_a.disconnect("chen")
    clock.advance(minutes=3)
    await cluster.tick_all()  # escalated with no manager connected anywhere
    assert _chen(database).escalated_at == clock()

    clock.advance(minutes=30)
    on_b = await connect_all(node_b, database, "mei")
    assert _escalations(on_b["mei"]) == [ESCALATION_TEXT]  # at once, before any tick
    await cluster.tick_all()
    assert _escalations(on_b["mei"]) == [ESCALATION_TEXT]
    assert len(receiver.received) == 1


async def test_a_clerk_whose_node_died_is_escalated_by_another_once_its_sessions_go_stale(
    cluster: Cluster, chain: Chain, database: Database, clock: Clock, receiver: WebhookReceiver
) -> None:
    node_a, node_b = await cluster.node("a"), await cluster.node("b")
    on_a = await connect_all(node_a, database, "chen")
    on_b = await connect_all(node_b, database, "mei")
    await node_a.on_publication(chain.publish_weekend(version=3, percent=25))
    await hear(node_a, on_a["chen"], clock)
    cluster.running.remove(node_a)  # killed: no disconnect, no stop, its rows stay behind
    clock.advance(minutes=3)
    await cluster.tick_all()
    assert _chen(database).escalated_at is None  # chen's session may still run on a

    age_presence(database, "a", timedelta(hours=2))  # a's rows were not renewed since
    await cluster.tick_all()
    assert _chen(database).escalated_at == clock()
    assert _escalations(on_b["mei"]) == [ESCALATION_TEXT]
    assert [payload["clerk"] for payload, _, _ in receiver.received] == ["chen"]


async def test_a_clerk_connected_elsewhere_is_replayed_by_their_node_and_escalated_by_it(
    cluster: Cluster, chain: Chain, database: Database, clock: Clock, receiver: WebhookReceiver
) -> None:
    node_a, node_b = await cluster.node("a"), await cluster.node("b")
    on_a = await connect_all(node_a, database, "chen")
    on_b = await connect_all(node_b, database, "mei")
    await node_a.on_publication(chain.publish_weekend(version=3, percent=25))
    await hear(node_a, on_a["chen"], clock)
    clock.advance(minutes=3)
    await node_b.tick()  # chen is connected to a: b leaves her alone
    assert [u.kind for u in on_a["chen"].offered] == [UtteranceKind.NOTICE]
    await node_a.tick()
    assert [u.kind for u in on_a["chen"].offered][-1] is UtteranceKind.REPLAY
    await hear(node_a, on_a["chen"], clock)
    clock.advance(minutes=3)
    await cluster.tick_all()
    assert _chen(database).escalated_at == clock()
    assert _escalations(on_b["mei"]) == [
        "Chen Bo has not acknowledged the update to the Weekend Running Offer, version 3,"
        " after hearing it 2 times."
    ]
    assert len(receiver.received) == 1


def _kill(cluster: Cluster, node: Broadcaster) -> None:
    """The node's process died: no disconnect, no stop; its rows are not renewed any more."""
    cluster.running.remove(node)
    age_presence(cluster.database, node.node, timedelta(hours=2))


async def test_a_notice_a_dead_node_was_speaking_is_offered_again_where_the_clerk_connects(
    cluster: Cluster, chain: Chain, database: Database, clock: Clock, receiver: WebhookReceiver
) -> None:
    node_a, node_b = await cluster.node("a"), await cluster.node("b")
    on_a = await connect_all(node_a, database, "chen")
    await node_a.on_publication(chain.publish_weekend(version=3, percent=25))
    offered = on_a["chen"].live[-1]
    await node_a.report("chen", offered.notice_id, PlaybackStarted(clock()))
    assert _chen(database).state is DeliveryState.SPEAKING
    _kill(cluster, node_a)

    clock.advance(hours=1)
    await cluster.tick_all()  # node b finds it: cut off, never heard to the end
    chen = _chen(database)
    assert (chen.state, chen.interruptions, chen.plays) == (DeliveryState.PENDING, 1, 0)
    await cluster.tick_all()
    assert _chen(database).escalated_at is None  # never played: waits for chen, no escalation
    assert receiver.received == []

    on_b = await connect_all(node_b, database, "chen")  # chen comes back, on node b
    assert [u.kind for u in on_b["chen"].offered] == [UtteranceKind.NOTICE]
    await hear(node_b, on_b["chen"], clock)
    await node_b.report("chen", NOTICE, Acknowledged(clock()))
    assert _chen(database).state is DeliveryState.ACKNOWLEDGED


async def test_a_replay_a_dead_node_was_speaking_is_escalated_when_the_clerk_stays_away(
    cluster: Cluster, chain: Chain, database: Database, clock: Clock, receiver: WebhookReceiver
) -> None:
    node_a, node_b = await cluster.node("a"), await cluster.node("b")
    on_a = await connect_all(node_a, database, "chen")
    on_b = await connect_all(node_b, database, "mei")
    await node_a.on_publication(chain.publish_weekend(version=3, percent=25))
    await hear(node_a, on_a["chen"], clock)
    clock.advance(minutes=3)
    await node_a.tick()
    replay = on_a["chen"].live[-1]
    assert replay.kind is UtteranceKind.REPLAY
    await node_a.report("chen", NOTICE, PlaybackStarted(clock()))
    _kill(cluster, node_a)  # mid-replay

    await cluster.tick_all()  # heard once to the end, deadline passed, chen connected nowhere
    chen = _chen(database)
    assert (chen.state, chen.plays, chen.interruptions) == (DeliveryState.PLAYED, 1, 1)
    assert chen.escalated_at == clock()
    assert [payload["clerk"] for payload, _, _ in receiver.received] == ["chen"]
    assert _escalations(on_b["mei"]) == [ESCALATION_TEXT]


async def test_a_notice_a_live_node_is_speaking_is_never_taken_by_another(
    cluster: Cluster, chain: Chain, database: Database, clock: Clock, receiver: WebhookReceiver
) -> None:
    node_a, node_b = await cluster.node("a"), await cluster.node("b")
    on_a = await connect_all(node_a, database, "chen")
    await node_a.on_publication(chain.publish_weekend(version=3, percent=25))
    await node_a.report("chen", NOTICE, PlaybackStarted(clock()))
    before = _chen(database)
    for _ in range(3):
        clock.advance(minutes=5)
        await node_b.tick()  # a renews nothing here, but its rows are fresh
    assert _chen(database) == before
    assert [u.kind for u in on_a["chen"].offered] == [UtteranceKind.NOTICE]
    clock.advance(seconds=8)
    await node_a.report("chen", NOTICE, PlaybackFinished(clock()))
    assert _chen(database).plays == 1


def test_of_two_nodes_recovering_one_reading_only_the_first_writes(
    chain: Chain, database: Database, clock: Clock
) -> None:
    notices = SqlNoticeRepository(database=database)
    record = Delivery(notice_id="n@1", clerk="chen", created_at=clock())
    stored = NoticeRecord(
        id="n@1",
        publication_id=1,
        promotion_id="n",
        version=1,
        urgent=True,
        created_at=clock(),
    )
    assert notices.create(stored, [apply(record, PlaybackStarted(clock()))])
    (speaking,) = notices.deliveries(notice_id="n@1")
    cut_off = recover(speaking, clock())
    assert notices.replace(speaking, cut_off)
    assert not notices.replace(speaking, cut_off)  # read before the first write: refused
    (now,) = notices.deliveries(notice_id="n@1")
    assert (now.state, now.interruptions) == (DeliveryState.PENDING, 1)
