"""An urgent publication spoken to a clerk in a real LiveKit room, and acknowledged.

The real service (local livekit-server, webhooks, uvicorn, real models) serves the
published sample chain from SQLite; a clerk on the roster is in their room with the agent.
Publishing an urgent version makes the agent speak the notice into the room; the clerk's
earpiece acknowledgement (``{"action": "ack"}``) is stored with the times.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from livekit import rtc
from pydantic import SecretStr

from knowledge_base.delivery import Delivery, DeliveryState
from knowledge_base.roster_files import parse_roster
from tests.storage.knowledge_helpers import WEEKEND, copy_sample, weekend_text
from voice_agent.agent.connection import AGENT_IDENTITY
from voice_agent.livekit.clerk import PTT_TOPIC
from voice_agent.livekit.tokens import mint_token
from voice_agent.runtime import build_runtime
from voice_agent.service.runner import LocalLiveKit, StoreService
from voice_agent.service_settings import ServiceSettings
from voice_agent.settings import LiveKitSettings, Settings
from voice_agent.storage import (
    Database,
    SqlNoticeRepository,
    SqlRosterRepository,
    open_database,
)
from voice_agent.storage.publisher import Publisher

pytestmark = [pytest.mark.slow, pytest.mark.livekit]

RATE = 16000
ROOM = "store-SH-01-clerk-ana"
ALWAYS_ON_SHIFT = "identity,name,role,store,region,day,start,end\n" + "".join(
    f"ana,Ana Li,clerk,SH-01,,{day},00:00,23:59\n"
    for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
)


async def eventually(condition: Callable[[], bool], *, within: float, what: str) -> None:
    """Wait for ``condition`` (polled: it spans the room and the database)."""
    try:
        async with asyncio.timeout(within):
            while not condition():  # noqa: ASYNC110
                await asyncio.sleep(0.1)
    except TimeoutError:
        pytest.fail(f"not within {within:.0f} s: {what}")


class Earpiece:
    """The clerk's side: hears the agent's audio and presses "acknowledge"."""

    def __init__(self) -> None:
        self.room = rtc.Room()
        self.voiced_secs = 0.0
        self._tasks: set[asyncio.Task[None]] = set()
        self.room.on("track_subscribed", self._subscribed)

    def _subscribed(
        self, track: rtc.Track, _pub: rtc.RemoteTrackPublication, who: rtc.RemoteParticipant
    ) -> None:
        if who.identity == AGENT_IDENTITY and track.kind == rtc.TrackKind.KIND_AUDIO:
            task = asyncio.create_task(self._listen(track))
            self._tasks.add(task)

    async def _listen(self, track: rtc.Track) -> None:
        async for event in rtc.AudioStream(track, sample_rate=RATE, num_channels=1):
            samples = np.frombuffer(event.frame.data, dtype=np.int16).astype(np.float64)
            if samples.size and np.sqrt(np.mean(samples**2)) > 300:  # about -40 dBFS
                self.voiced_secs += samples.size / RATE

    async def acknowledge(self) -> None:
        payload = json.dumps({"action": "ack"})
        await self.room.local_participant.publish_data(payload, reliable=True, topic=PTT_TOPIC)

    async def leave(self) -> None:
        for task in self._tasks:
            task.cancel()
        await self.room.disconnect()


@dataclass
class Served:
    """The running service over the published sample chain, and its storage."""

    service: StoreService
    database: Database
    kb: Path

    def delivery(self) -> Delivery | None:
        found = SqlNoticeRepository(database=self.database).deliveries(
            notice_id="weekend-running@3", clerk="ana"
        )
        return found[0] if found else None

    def publish_urgent(self) -> None:
        outcome = Publisher(database=self.database).publish_files(
            self.kb,
            {WEEKEND.name: weekend_text(self.kb, percent=25, version=3)},
            published_by="hq",
            urgent=True,
            now=datetime.now(UTC),
        )
        assert outcome.publication is not None, outcome.issues

    async def clerk_joins(self) -> Earpiece:
        earpiece = Earpiece()
        endpoint = self.service.endpoint
        token = mint_token(
            api_key=endpoint.api_key,
            api_secret=endpoint.api_secret,
            identity="ana",
            role="clerk",
            room=ROOM,
            store_id="SH-01",
        )
        await earpiece.room.connect(endpoint.url, token)
        return earpiece


@asynccontextmanager
async def serving(
    settings: Settings, livekit_binary: Path, tmp_path: Path
) -> AsyncIterator[Served]:
    """The real service (webhook path) serving publications, with Ana always on shift."""
    database = open_database(f"sqlite:///{tmp_path / 'notices.sqlite3'}")
    kb = copy_sample(tmp_path / "kb")
    configured = settings.model_copy(
        update={
            "knowledge_base": settings.knowledge_base.model_copy(
                update={"path": str(kb), "poll_interval_secs": 0.1}
            ),
            "broadcast": settings.broadcast.model_copy(update={"tick_secs": 0.5}),
        }
    )
    published = build_runtime(configured, database=database)
    SqlRosterRepository(database=database).replace(
        parse_roster(ALWAYS_ON_SHIFT, file="roster.csv", knowledge=published.knowledge),
        source="roster.csv",
        loaded_by="test",
        loaded_at=datetime.now(UTC),
    )
    service = StoreService(
        runtime=published,
        database=database,
        service=ServiceSettings(port=0, capacity=1, agent_dispatch=False),
        livekit=LiveKitSettings(
            url="ws://127.0.0.1:7880", api_key="notices-key", api_secret=SecretStr("n" * 40)
        ),
        local_livekit=LocalLiveKit(
            binary=livekit_binary, work_dir=tmp_path / "livekit", departure_timeout_secs=1
        ),
    )
    try:
        async with service:
            yield Served(service=service, database=database, kb=kb)
    finally:
        database.close()


def _agent_in(earpiece: Earpiece) -> bool:
    return AGENT_IDENTITY in {p.identity for p in earpiece.room.remote_participants.values()}


async def _heard_and_acknowledged(served: Served, earpiece: Earpiece, before: float) -> None:
    def played() -> bool:
        d = served.delivery()
        return d is not None and d.state is DeliveryState.PLAYED

    def acknowledged() -> bool:
        d = served.delivery()
        return d is not None and d.state is DeliveryState.ACKNOWLEDGED

    await eventually(played, within=60, what="the notice was played to the end")
    assert earpiece.voiced_secs - before > 2.0  # the clerk heard the notice
    await earpiece.acknowledge()
    await eventually(acknowledged, within=20, what="the acknowledgement was stored")
    stored = served.delivery()
    assert stored is not None and stored.plays == 1
    assert stored.delivered_at is not None and stored.played_at is not None
    assert stored.acknowledged_at is not None
    assert stored.delivered_at <= stored.played_at <= stored.acknowledged_at


async def test_an_urgent_version_is_heard_by_the_connected_clerk_and_the_ack_stored(
    settings: Settings, livekit_binary: Path, tmp_path: Path
) -> None:
    async with serving(settings, livekit_binary, tmp_path) as served:
        earpiece = await served.clerk_joins()
        try:
            await eventually(lambda: _agent_in(earpiece), within=30, what="the agent joined")
            await asyncio.sleep(1.0)  # the clerk subscribes to the agent's track
            before = earpiece.voiced_secs
            served.publish_urgent()
            await _heard_and_acknowledged(served, earpiece, before)
        finally:
            await earpiece.leave()


async def test_a_clerk_not_connected_at_publishing_hears_the_notice_on_joining(
    settings: Settings, livekit_binary: Path, tmp_path: Path
) -> None:
    async with serving(settings, livekit_binary, tmp_path) as served:
        served.publish_urgent()
        await eventually(
            lambda: served.delivery() is not None, within=20, what="the notice was stored"
        )
        delivery = served.delivery()
        assert delivery is not None and delivery.state is DeliveryState.PENDING
        earpiece = await served.clerk_joins()
        try:
            await _heard_and_acknowledged(served, earpiece, 0.0)
        finally:
            await earpiece.leave()
