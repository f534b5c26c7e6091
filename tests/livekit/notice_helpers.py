"""The real service serving urgent notices over LiveKit, and people in their rooms with it.

Used by the LiveKit notice tests: :func:`serving` runs the store service (local
livekit-server, webhooks, uvicorn, real models) over the published sample chain in SQLite,
with a roster; :class:`Earpiece` is one person in their own room who hears the agent, can
speak a fixture WAV into the room and can press the earpiece's acknowledge button.
:func:`chinese_store` makes the node serve a Mandarin-speaking store (SH-01) in Chinese.
"""

from __future__ import annotations

import asyncio
import json
import warnings
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from livekit import rtc
from pydantic import SecretStr

from knowledge_base.delivery import Delivery, DeliveryState
from knowledge_base.loader import load_knowledge_base
from tests.livekit.livekit_helpers import always_on_shift, load_roster
from tests.storage.knowledge_helpers import WEEKEND, copy_sample, weekend_text
from voice_agent.agent.lifecycle import ManagedEvent
from voice_agent.agent.transport import AGENT_IDENTITY
from voice_agent.livekit.clerk import TRACK_NAME
from voice_agent.livekit.clerk_script import read_clerk_audio
from voice_agent.livekit.earpiece import PTT_TOPIC
from voice_agent.livekit.rooms import clerk_room_name
from voice_agent.livekit.tokens import mint_token
from voice_agent.runtime import build_runtime
from voice_agent.service.livekit_setup import LocalLiveKit
from voice_agent.service.runner import StoreService
from voice_agent.service_settings import ApiKeySettings, ServiceSettings
from voice_agent.settings import LiveKitSettings, Settings
from voice_agent.storage import (
    Database,
    SqlNoticeRepository,
    open_database,
)
from voice_agent.storage.publisher import Publisher

RATE = 16000
FRAME = RATE // 50
"""Samples per 20 ms frame sent into the room."""
NOTICE = "weekend-running@3"
LEAVE_SECS = 20.0
"""How long an earpiece may take to leave its room before it is left behind."""
ALWAYS_ON_SHIFT = always_on_shift("ana,Ana Li,clerk,SH-01,")


async def eventually(condition: Callable[[], bool], *, within: float, what: str) -> None:
    """Wait for ``condition`` (polled: it spans the room and the database)."""
    try:
        async with asyncio.timeout(within):
            while not condition():  # noqa: ASYNC110
                await asyncio.sleep(0.1)
    except TimeoutError:
        pytest.fail(f"not within {within:.0f} s: {what}")


async def says_until_acknowledged(served: Served, earpiece: Earpiece, wav: Path) -> None:
    """Say ``wav``; said again (up to three times, as a clerk would) until it acknowledges.

    Whisper, shared by every session on a loaded machine, sometimes mishears a short reply
    ("Got it." once came out as "That is...", "收到" detected as English "Oh, Tao."); a clerk
    not understood repeats.
    """
    identity = earpiece.room.local_participant.identity

    def acknowledged() -> bool:
        delivery = served.delivery(identity)
        return delivery is not None and delivery.state is DeliveryState.ACKNOWLEDGED

    for _ in range(3):
        await earpiece.say(wav)
        try:
            async with asyncio.timeout(5.0):
                while not acknowledged():  # noqa: ASYNC110
                    await asyncio.sleep(0.1)
            return
        except TimeoutError:
            continue


class Earpiece:
    """One person's side: hears the agent, speaks fixture audio, presses "acknowledge"."""

    def __init__(self) -> None:
        self.room = rtc.Room()
        self.voiced_secs = 0.0
        """Seconds of the agent's audio heard above about -40 dBFS."""
        self._source: rtc.AudioSource | None = None
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

    async def open_microphone(self) -> None:
        """Publish a microphone track (silent until :meth:`say`)."""
        self._source = rtc.AudioSource(RATE, 1, queue_size_ms=200)
        track = rtc.LocalAudioTrack.create_audio_track(TRACK_NAME, self._source)
        options = rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE)
        await self.room.local_participant.publish_track(track, options)

    async def say(self, wav: Path, *, silence_after_secs: float = 2.0) -> None:
        """Speak ``wav`` in real time, then silence (the agent's VAD hears the turn end)."""
        assert self._source is not None, "open_microphone() first"
        speech = await asyncio.to_thread(read_clerk_audio, wav)
        silence = np.zeros(round(silence_after_secs * RATE), dtype=np.int16)
        samples = np.concatenate([speech, silence])
        samples = np.pad(samples, (0, -samples.size % FRAME))
        loop = asyncio.get_running_loop()
        next_at = loop.time()
        for offset in range(0, samples.size, FRAME):
            chunk = samples[offset : offset + FRAME]
            await self._source.capture_frame(rtc.AudioFrame(chunk.tobytes(), RATE, 1, FRAME))
            next_at += FRAME / RATE
            await asyncio.sleep(max(0.0, next_at - loop.time()))

    async def acknowledge(self) -> None:
        """The earpiece's acknowledge button (push-to-talk data message)."""
        payload = json.dumps({"action": "ack"})
        await self.room.local_participant.publish_data(payload, reliable=True, topic=PTT_TOPIC)

    async def open_feedback(self) -> None:
        """The earpiece's feedback button: what is said next is feedback (no wake phrase)."""
        payload = json.dumps({"action": "feedback"})
        await self.room.local_participant.publish_data(payload, reliable=True, topic=PTT_TOPIC)

    def agent_joined(self) -> bool:
        """The assistant is in the room."""
        return AGENT_IDENTITY in {p.identity for p in self.room.remote_participants.values()}

    async def leave(self) -> None:
        """Stop listening, close the microphone, leave the room (given up after 20 s).

        An SDK disconnect that never completes is left behind (the test's LiveKit server is
        stopped next) instead of holding the run: the room's part of the test is over.
        """
        try:
            async with asyncio.timeout(LEAVE_SECS):
                for task in self._tasks:
                    task.cancel()
                await asyncio.gather(*self._tasks, return_exceptions=True)
                await self.room.disconnect()
                if self._source is not None:
                    await self._source.aclose()
        except TimeoutError:
            left_behind = f"an earpiece still leaving its room after {LEAVE_SECS:.0f} s"
            warnings.warn(left_behind, stacklevel=2)


@dataclass
class Served:
    """The running service over the published sample chain, its storage and its events."""

    service: StoreService
    database: Database
    kb: Path
    events: list[ManagedEvent] = field(default_factory=list)

    def delivery(self, clerk: str = "ana", notice: str = NOTICE) -> Delivery | None:
        """The stored delivery of ``notice`` to ``clerk``, if any."""
        found = SqlNoticeRepository(database=self.database).deliveries(
            notice_id=notice, clerk=clerk
        )
        return found[0] if found else None

    def session_events(self, identity: str, kind: str, *, store_id: str = "SH-01") -> list[Any]:
        """Session events of type ``kind`` from ``identity``'s room at ``store_id``."""
        room = clerk_room_name(store_id=store_id, identity=identity)
        return [e for e in self.events if e.type == kind and getattr(e, "session_id", "") == room]

    def publish_urgent(self) -> None:
        """Headquarters publishes version 3 of the weekend offer (25 %), urgent."""
        outcome = Publisher(database=self.database).publish_files(
            self.kb,
            {WEEKEND.name: weekend_text(self.kb, percent=25, version=3)},
            published_by="hq",
            urgent=True,
            now=datetime.now(UTC),
        )
        assert outcome.publication is not None, outcome.issues

    async def joins(
        self,
        identity: str = "ana",
        *,
        role: str = "clerk",
        microphone: bool = False,
        store_id: str = "SH-01",
        region_id: str | None = None,
    ) -> Earpiece:
        """``identity`` joins their own room at ``store_id`` (with a microphone if asked).

        A regional manager names their ``region_id``; their token carries no store.
        """
        earpiece = Earpiece()
        endpoint = self.service.endpoint
        region_stores: tuple[str, ...] = ()
        if region_id is not None:
            region = load_knowledge_base(self.kb).regions[region_id]
            region_stores = tuple(store.id for store in region.stores)
        token = mint_token(
            api_key=endpoint.api_key,
            api_secret=endpoint.api_secret,
            identity=identity,
            role=role,
            room=clerk_room_name(store_id=store_id, identity=identity),
            store_id=None if region_id is not None else store_id,
            region_id=region_id,
            region_store_ids=region_stores,
        )
        await earpiece.room.connect(endpoint.url, token)
        if microphone:
            await earpiece.open_microphone()
        return earpiece


def chinese_store(settings: Settings, model: Path) -> Settings:
    """A node that can speak to a Mandarin-speaking store: a multilingual recogniser, a voice.

    ``model`` is multilingual Whisper (``tests/conftest.py``'s ``multilingual_whisper``);
    the packaged English Piper voice stands in under ``[tts] voices."zh-CN"`` (no Chinese
    voice installs here), so the sessions of SH-01 (zh-CN in the sample chain's
    ``regions.yaml``) are Chinese. ``[stt] language`` stays English: the store's own
    language decides its sessions'. Without catalogue hints: the hints are the products'
    English names, and with them as Whisper's prompt base heard a spoken 收到 as "Socks"
    (measured on the fixture, offline).
    """
    stt = settings.stt.model_copy(
        update={"model": str(model), "language": "en", "use_catalogue_hints": False}
    )
    tts = settings.tts.model_copy(update={"voices": {"zh-CN": settings.tts.voice}})
    return settings.model_copy(update={"stt": stt, "tts": tts})


@asynccontextmanager
async def serving(
    settings: Settings,
    livekit_binary: Path,
    tmp_path: Path,
    *,
    roster: str = ALWAYS_ON_SHIFT,
    capacity: int = 1,
    broadcast: dict[str, object] | None = None,
    api_keys: Sequence[ApiKeySettings] = (),
    quiz: dict[str, object] | None = None,
) -> AsyncIterator[Served]:
    """The real service (webhook path) serving publications, with ``roster`` loaded.

    Args:
        settings: The test settings.
        livekit_binary: The livekit-server to run.
        tmp_path: Database, knowledge base and LiveKit files go here.
        roster: Roster CSV (default: Ana always on shift).
        capacity: Sessions the service runs at once.
        broadcast: ``[broadcast]`` settings to override (``tick_secs`` is 0.5 unless given).
        api_keys: API keys of the HTTP API (``service.api_url``).
        quiz: ``[quiz]`` settings to override (default: no quizzes, so the notice tests hear
            only notices).
    """
    database = open_database(f"sqlite:///{tmp_path / 'notices.sqlite3'}")
    kb = copy_sample(tmp_path / "kb")
    configured = settings.model_copy(
        update={
            "knowledge_base": settings.knowledge_base.model_copy(
                update={"path": str(kb), "poll_interval_secs": 0.1}
            ),
            "broadcast": settings.broadcast.model_copy(
                update={"tick_secs": 0.5, **(broadcast or {})}
            ),
            "quiz": settings.quiz.model_copy(update=quiz or {"enabled": False}),
        }
    )
    published = build_runtime(configured, database=database)
    load_roster(database, published.knowledge, roster)
    events: list[ManagedEvent] = []
    service = StoreService(
        runtime=published,
        database=database,
        service=ServiceSettings(
            port=0, capacity=capacity, agent_dispatch=False, api_keys=list(api_keys)
        ),
        livekit=LiveKitSettings(
            url="ws://127.0.0.1:7880", api_key="notices-key", api_secret=SecretStr("n" * 40)
        ),
        local_livekit=LocalLiveKit(
            binary=livekit_binary, work_dir=tmp_path / "livekit", departure_timeout_secs=1
        ),
        on_event=events.append,
    )
    try:
        async with service:
            yield Served(service=service, database=database, kb=kb, events=events)
    finally:
        database.close()
