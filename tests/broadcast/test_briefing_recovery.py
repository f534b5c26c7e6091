"""A briefing whose node died is closed by another node (or it, restarted), losing little.

SQLite and PostgreSQL. The dead node's part is played by writing what a running briefing
desk writes as it goes (audio chunks of the fixture manager's recording, joins and leaves,
captions, the node's renewals); the live node is a real :class:`BriefingRecovery`, the one
the desk of ``voice-agent serve`` runs at start and at every tick.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import update

from knowledge_base.briefing import Caption, ChangeKind
from knowledge_base.knowledge import KnowledgeBase
from tests.conftest import AUDIO
from voice_agent.briefing.closing import BriefingStores
from voice_agent.briefing.recovery import BriefingRecovery
from voice_agent.feedback.audio import decode_flac
from voice_agent.livekit.clerk_script import read_clerk_audio
from voice_agent.storage import Database
from voice_agent.storage.broadcast_briefings import BriefingRecord
from voice_agent.storage.broadcast_schema import briefings

MANAGER = AUDIO / "briefings" / "manager_weekend_change.wav"
BRIEFING = "20261201-0badf00d"
CAPTIONS = [
    Caption(0.8, 4.2, "From Saturday the AX-200 is out of the weekend offer.", "mei"),
    Caption(4.9, 7.5, "Please tell customers before they get to the till.", "mei"),
]


def _started(stores: BriefingStores, *, node: str, briefing_id: str = BRIEFING) -> datetime:
    """A briefing opened by ``node`` an hour ago (by the database's clock)."""
    started = stores.journal.now() - timedelta(hours=1)
    stores.briefings.open(BriefingRecord(briefing_id, {"stores": ["SH-01"]}, "mei", started))
    stores.journal.renew([briefing_id], node=node)
    return started


def _run_until_killed(stores: BriefingStores, started: datetime) -> np.ndarray:
    """What the dead node's desk stored, flush by flush: 1 s chunks, joins, leaves, captions."""
    samples = read_clerk_audio(MANAGER)
    journal = stores.journal
    journal.joined(BRIEFING, "mei", started + timedelta(seconds=1))
    journal.joined(BRIEFING, "ana", started + timedelta(seconds=2))
    journal.joined(BRIEFING, "ben", started + timedelta(seconds=3))
    journal.left(BRIEFING, "ben", started + timedelta(seconds=40))
    for caption in CAPTIONS:
        stores.media.add_caption(BRIEFING, caption)
    for seq, start in enumerate(range(0, samples.size, 16000), start=1):
        journal.add_chunk(
            BRIEFING, seq, samples[start : start + 16000].tobytes(), sample_rate=16000
        )
    journal.renew([BRIEFING], node="a")
    return samples


def _age(database: Database, by: timedelta) -> datetime:
    """The node stopped renewing the briefing ``by`` ago; its last seen time."""
    (found,) = BriefingStores.of(database).journal.open_briefings()
    assert found.seen_at is not None
    with database.transaction() as connection:
        connection.execute(
            update(briefings)
            .where(briefings.c.id == found.record.id)
            .values(seen_at=found.seen_at - by)
        )
    return found.seen_at - by


def _recovery(
    stores: BriefingStores, knowledge: KnowledgeBase, *, node: str, shared: bool = True
) -> BriefingRecovery:
    return BriefingRecovery(
        stores=stores,
        knowledge=lambda: knowledge,
        node=node,
        shared=shared,
        stale_after=timedelta(seconds=10),
        running_here=lambda: (),
    )


async def test_a_briefing_whose_node_died_keeps_its_recording_attendance_and_gets_a_summary(
    database: Database, knowledge: KnowledgeBase
) -> None:
    stores = BriefingStores.of(database)
    started = _started(stores, node="a")
    samples = _run_until_killed(stores, started)
    live_node = _recovery(stores, knowledge, node="b")

    assert await live_node.recover() == []  # node a renewed it just now: still running
    last_seen = _age(database, timedelta(seconds=30))
    (closed,) = await live_node.recover()

    assert closed.ended_because == "node_failed"
    assert closed.ended_at == last_seen
    assert closed.recording == f"briefing_recordings/{BRIEFING}"
    assert "AX-200 is out of the weekend offer" in closed.summary
    stored = stores.media.recording(BRIEFING)
    assert stored is not None and stored.format == "flac"
    audio, rate = decode_flac(stored.data)
    assert rate == 16000 and np.array_equal(audio, samples)  # every chunk, lossless
    stretches = {p.identity: p for p in stores.briefings.presences(BRIEFING)}
    assert stretches["ben"].left_at == started + timedelta(seconds=40)
    assert stretches["mei"].left_at == last_seen  # still there when the node was last seen
    assert stretches["ana"].left_at == last_seen
    (change,) = stores.briefings.changes(BRIEFING)
    assert (change.change.kind, change.change.sku) == (ChangeKind.EXCLUDE_SKU, "AX-200")
    assert stores.journal.audio(BRIEFING) == (b"", 0)  # the chunks became the recording
    assert await live_node.recover() == []  # closed once


async def test_of_two_live_nodes_only_one_closes_a_dead_nodes_briefing(
    database: Database, knowledge: KnowledgeBase
) -> None:
    stores = BriefingStores.of(database)
    _run_until_killed(stores, _started(stores, node="a"))
    _age(database, timedelta(minutes=5))
    b, c = (_recovery(BriefingStores.of(database), knowledge, node=n) for n in "bc")
    closed_b, closed_c = await asyncio.gather(b.recover(), c.recover())
    assert len(closed_b) + len(closed_c) == 1
    assert len(stores.briefings.changes(BRIEFING)) == 1


async def test_a_single_node_restarted_closes_its_earlier_briefings_at_once(
    database: Database, knowledge: KnowledgeBase
) -> None:
    stores = BriefingStores.of(database)
    _run_until_killed(stores, _started(stores, node="before-the-crash"))
    restarted = _recovery(stores, knowledge, node="after", shared=False)
    (closed,) = await restarted.recover()  # renewed a moment ago, but nothing else runs it
    assert closed.ended_because == "node_failed" and closed.recording is not None


async def test_a_briefing_running_here_or_renewed_by_a_live_node_is_never_taken(
    database: Database, knowledge: KnowledgeBase
) -> None:
    stores = BriefingStores.of(database)
    _started(stores, node="a")
    _started(stores, node="b", briefing_id="20261201-0000beef")
    here = BriefingRecovery(
        stores=stores,
        knowledge=lambda: knowledge,
        node="b",
        shared=False,
        stale_after=timedelta(seconds=10),
        running_here=lambda: {"20261201-0000beef", BRIEFING},
    )
    assert await here.recover() == []
    assert await _recovery(stores, knowledge, node="c").recover() == []
    assert len(stores.journal.open_briefings()) == 2  # both still open
